package retort

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/script"
)

// Event is structured progress: a step starting, done or failed, or the
// run waiting for the lock. See WithEvents.
type Event = runtime.Event

// EventKind says what an Event reports.
type EventKind = runtime.EventKind

// The kinds of Event.
const (
	EventLockWait   = runtime.EventLockWait
	EventStepStart  = runtime.EventStepStart
	EventStepDone   = runtime.EventStepDone
	EventStepFailed = runtime.EventStepFailed
)

// Mismatch is an applied script that changed since it ran (Verify).
type Mismatch = runtime.Mismatch

// LogEntry is one row of the version table's log.
type LogEntry = runtime.LogEntry

// Retort is a project's migrations with an open database: what the
// `retort` command works on, as a library. Its methods are safe to call
// from several goroutines; runs take the database's run lock, so they
// happen one after another, also across processes.
type Retort struct {
	db      dialect.DB
	g       *graph.Graph
	m       *runtime.Migrator
	migs    map[string]runtime.Migration
	url     *config.URL
	vt      string   // the version table, which Check leaves out with its log
	exclude []string // exclude_tables: tables Check leaves alone
	opts    runtime.Options
}

// Open assembles the project's SQL scripts and Go migrations into one
// revision graph and connects to its database.
//
// The database comes from WithURL, else the last WithOsloConfig file that
// names one, else WithConfigFile's [database] connection. The scripts come
// from WithScripts or WithScriptDir, else from WithConfigFile's
// script_location (its versions folder), and are joined by WithMigrations'
// Go migrations. Open reads nothing it is not told to: no environment
// variable, no ./retort.ini.
func Open(ctx context.Context, opts ...Option) (*Retort, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	st, err := config.Load(config.Sources{
		ConfigPath:         o.configFile,
		ConfigFiles:        o.osloFiles,
		DatabaseConnection: o.url,
		Getenv:             func(string) string { return "" },
		NoImplicitConfig:   true,
	})
	if err != nil {
		return nil, err
	}
	scripts, err := o.loadScripts(st)
	if err != nil {
		return nil, err
	}
	if len(scripts) == 0 && len(o.migrations) == 0 {
		return nil, errors.New("retort.Open: no migrations: give WithScripts, WithScriptDir, WithMigrations, or WithConfigFile with a script_location")
	}
	g, migs, err := Assemble(scripts, o.migrations)
	if err != nil {
		return nil, err
	}
	if st.Connection == "" {
		return nil, errors.New("retort.Open: no database connection: give WithURL, WithOsloConfig, or WithConfigFile with [database] connection")
	}
	u, err := config.ParseURL(st.Connection)
	if err != nil {
		return nil, fmt.Errorf("database connection from %s: %w", source(st), err)
	}
	ropts, err := o.runtimeOptions(st)
	if err != nil {
		return nil, err
	}
	db, err := runtime.Open(ctx, u)
	if err != nil {
		return nil, &maskedError{msg: fmt.Sprintf("connecting to %s: %s", u.Redacted(), u.Mask(err.Error())), err: err}
	}
	return &Retort{db: db, g: g, m: runtime.New(db, g, migs, ropts), migs: migs, url: u, vt: ropts.VersionTable, exclude: st.ExcludeTables, opts: ropts}, nil
}

// maskedError is an error whose text has the password masked, still
// unwrapping to the driver's error.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// source names where the connection came from in Open's words.
func source(st *config.Settings) string {
	if st.ConnectionSource == "--database-connection" {
		return "WithURL"
	}
	return st.ConnectionSource
}

// loadScripts reads the SQL scripts the options name.
func (o *options) loadScripts(st *config.Settings) ([]*script.Script, error) {
	switch {
	case o.fsys != nil && o.scriptDir != "":
		return nil, errors.New("retort.Open: give WithScripts or WithScriptDir, not both")
	case o.fsys != nil:
		return script.Load(o.fsys, o.fsysDir)
	case o.scriptDir != "":
		return script.LoadDir(o.scriptDir)
	case o.configFile != "":
		dir := filepath.Join(st.ScriptLocation, "versions")
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return script.LoadDir(dir)
		}
		if len(o.migrations) == 0 {
			return nil, fmt.Errorf("%s: script_location %s has no versions folder (%s)", o.configFile, st.ScriptLocation, dir)
		}
	}
	return nil, nil
}

// runtimeOptions are the configuration's settings with the options'
// overrides.
func (o *options) runtimeOptions(st *config.Settings) (runtime.Options, error) {
	mode, err := runtime.ParseMode(st.TransactionMode)
	if err != nil {
		return runtime.Options{}, err
	}
	if o.mode != nil {
		mode = *o.mode
	}
	lock := st.LockTimeout
	if o.lockTimeout != nil {
		lock = *o.lockTimeout
	}
	if lock == 0 {
		lock = -1 // 0: fail at once rather than wait (the runtime's 0 is its default)
	}
	ro := runtime.Options{
		VersionTable:       st.VersionTable,
		VersionTableSchema: st.VersionTableSchema,
		TransactionMode:    mode,
		LockTimeout:        lock,
		AllowChanged:       o.allowChange,
		Logger:             o.logger,
		OnEvent:            o.onEvent,
		Who:                o.who,
		ToolVersion:        Version,
		Program:            o.program,
	}
	if o.versionTbl != "" {
		ro.VersionTable = o.versionTbl
	}
	if o.vtSchema != "" {
		ro.VersionTableSchema = o.vtSchema
	}
	if ro.Logger == nil {
		ro.Logger = slog.New(slog.DiscardHandler)
	}
	return ro, nil
}

// Version is the library's version, recorded in the log's tool_version
// column for the steps it runs.
const Version = "0.1.0-dev"

// URL is the database's URL, with any password shown as ***.
func (r *Retort) URL() string { return r.url.Redacted() }

// Close closes the database.
func (r *Retort) Close() error { return r.db.Close() }

// DB is the open database, for callers that need its connection pool
// (r.DB().SQL()) or dialect.
func (r *Retort) DB() dialect.DB { return r.db }

// Graph is the revision graph of scripts and Go migrations.
func (r *Retort) Graph() *graph.Graph { return r.g }

// Upgrade runs the upgrade steps from the database's version rows to
// target: "head", "heads", "+2", "label@head", an id or a unique prefix.
// A failed step returns a *PartialError wrapping its *StepError.
func (r *Retort) Upgrade(ctx context.Context, target string) error {
	return partial(r.m.Upgrade(ctx, target))
}

// Downgrade runs the downgrade steps to target: "base", "-1", an id,
// "label@base".
func (r *Retort) Downgrade(ctx context.Context, target string) error {
	return partial(r.m.Downgrade(ctx, target))
}

// ResumeUpgrade first finishes the upgrade step the last run left failed
// or cut off outside a transaction (an *InterruptedError says so), from
// the statement where it stopped, then upgrades on to target. A Go
// migration is run again with its first statements skipped: it must issue
// the same statements in the same order.
func (r *Retort) ResumeUpgrade(ctx context.Context, target string) error {
	return partial(r.m.ResumeUpgrade(ctx, target))
}

// ResumeDowngrade is ResumeUpgrade for a downgrade step.
func (r *Retort) ResumeDowngrade(ctx context.Context, target string) error {
	return partial(r.m.ResumeDowngrade(ctx, target))
}

// Stamp sets the version rows to targets without running any migration.
func (r *Retort) Stamp(ctx context.Context, targets ...string) error {
	return r.m.Stamp(ctx, targets, false)
}

// StampPurge empties the version table, whatever it holds, then stamps
// targets.
func (r *Retort) StampPurge(ctx context.Context, targets ...string) error {
	return r.m.Stamp(ctx, targets, true)
}

// EnsureVersion creates the version table and its log if they are
// missing.
func (r *Retort) EnsureVersion(ctx context.Context) error { return r.m.EnsureVersion(ctx) }

// Current returns the revisions the database is at (its version rows),
// sorted by id; none at base.
func (r *Retort) Current(ctx context.Context) ([]*Revision, error) {
	rows, err := r.m.Heads(ctx)
	if err != nil {
		return nil, err
	}
	return r.revisions(r.lookup(rows), rows), nil
}

// Heads returns the heads of the graph, in Alembic's order.
func (r *Retort) Heads(ctx context.Context) ([]*Revision, error) {
	return r.revisions(r.g.Heads(), nil), nil
}

// History returns revisions from the heads down to the bases, as `history`
// lists them; rng is "" for all, or a range such as "base:head",
// "-3:", "current:" (current needs the database).
func (r *Retort) History(ctx context.Context, rng string) ([]*Revision, error) {
	var current []string
	if strings.Contains(rng, "current") {
		rows, err := r.m.Heads(ctx)
		if err != nil {
			return nil, err
		}
		current = rows
	}
	var revs []*graph.Revision
	if rng == "" {
		revs = r.g.Walk()
	} else {
		var err error
		if revs, err = r.g.History(current, rng); err != nil {
			return nil, err
		}
	}
	return r.revisions(revs, current), nil
}

// Branches returns the branch points: revisions that more than one
// revision revises.
func (r *Retort) Branches(ctx context.Context) ([]*Revision, error) {
	var points []*graph.Revision
	for _, rev := range r.g.Walk() {
		if r.g.IsBranchPoint(rev.ID) {
			points = append(points, rev)
		}
	}
	return r.revisions(points, nil), nil
}

// Show resolves ref ("head", "heads", "label@head", an id or prefix, or
// "current" for the database's rows) to its revisions.
func (r *Retort) Show(ctx context.Context, ref string) ([]*Revision, error) {
	if ref == "current" {
		return r.Current(ctx)
	}
	revs, err := r.g.Resolve(ref)
	if err != nil {
		return nil, err
	}
	return r.revisions(revs, nil), nil
}

// Verify lists the applied scripts whose text changed since they ran. Go
// migrations have no text to compare and are never listed.
func (r *Retort) Verify(ctx context.Context) ([]Mismatch, error) { return r.m.Verify(ctx) }

// Log returns the version log's rows, newest first; limit <= 0 returns
// all.
func (r *Retort) Log(ctx context.Context, limit int) ([]LogEntry, error) { return r.m.Log(ctx, limit) }

func (r *Retort) lookup(ids []string) []*graph.Revision {
	out := make([]*graph.Revision, 0, len(ids))
	for _, id := range ids {
		if rev := r.g.Revision(id); rev != nil {
			out = append(out, rev)
		}
	}
	return out
}

// Revision is one revision of the graph, as `show` describes it.
type Revision struct {
	ID           string
	Revises      []string // none for a base, several for a merge point
	DependsOn    []string
	BranchLabels []string // its own and inherited, as Alembic shows them
	Message      string
	// Path is the script's file, or for a Go migration the file and line
	// of its Upgrade func.
	Path        string
	Go          bool // a Go migration
	Head        bool // nothing revises it
	BranchPoint bool
	MergePoint  bool
	Current     bool // a version row names it (set where the database was read)
}

func (r *Retort) revisions(revs []*graph.Revision, current []string) []*Revision {
	out := make([]*Revision, len(revs))
	for i, g := range revs {
		_, isGo := r.migs[g.ID].(*runtime.GoMigration)
		out[i] = &Revision{
			ID: g.ID, Revises: slices.Clone(g.Revises), DependsOn: slices.Clone(g.DependsOn),
			BranchLabels: r.g.BranchLabels(g.ID), Message: g.Message, Path: g.File, Go: isGo,
			Head: r.g.IsHead(g.ID), BranchPoint: r.g.IsBranchPoint(g.ID), MergePoint: r.g.IsMergePoint(g.ID),
			Current: slices.Contains(current, g.ID),
		}
	}
	return out
}
