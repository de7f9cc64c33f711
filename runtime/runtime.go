// Package runtime executes migration plans against a database: it takes
// the run-long lock, keeps the version table (one row per head, Alembic's
// layout) and its append-only log, runs each step's statements inside the
// transactions the transaction mode asks for, checks that applied scripts
// have not changed since, and reports progress in Alembic's words.
package runtime

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/script"
)

// MySQL's DDL commits on its own, so its runs go through the batched
// journal; without these methods they would fall back to the inexact one.
var _ JournalBatcher = (*mysql.DB)(nil)

// PostgreSQL batches a migration's bookkeeping with its COMMIT.
var _ Batcher = (*postgres.DB)(nil)

// Open opens the database a URL names, with the dialect it names.
func Open(ctx context.Context, u *config.URL) (dialect.DB, error) {
	switch u.Dialect {
	case "sqlite":
		db, err := sqlite.Open(ctx, u.Database)
		if err != nil {
			return nil, err
		}
		return db, nil
	case "mysql":
		return mysql.Open(ctx, u)
	case "postgresql":
		db, err := postgres.Open(ctx, *u)
		if err != nil {
			return nil, err
		}
		return db, nil
	default:
		return nil, fmt.Errorf("unknown database dialect %q (expected sqlite, postgresql or mysql)", u.Dialect)
	}
}

// Mode is the transaction mode (transaction_mode in retort.ini).
type Mode int

const (
	// PerMigration runs each migration, with its version-table change and
	// log row, in a transaction of its own: a failure keeps the steps
	// before it.
	PerMigration Mode = iota
	// All runs every step of a command in one transaction: a failure
	// keeps nothing.
	All
	// None runs statements outside transactions, recording each in the log
	// as it completes, and moves the version rows after each migration.
	None
)

// ParseMode reads a transaction_mode value.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "per-migration", "":
		return PerMigration, nil
	case "all":
		return All, nil
	case "none":
		return None, nil
	}
	return 0, fmt.Errorf("unknown transaction mode %q (expected per-migration, all or none)", s)
}

func (m Mode) String() string {
	switch m {
	case All:
		return "all"
	case None:
		return "none"
	}
	return "per-migration"
}

// DefaultLockTimeout is used when Options.LockTimeout is zero.
const DefaultLockTimeout = 60 * time.Second

// Options configure a Migrator. The zero value works: version table
// retort_version, per-migration transactions, a 60s lock timeout.
type Options struct {
	VersionTable string // default "retort_version"; the log is <VersionTable>_log
	// VersionTableSchema is the schema holding the version table and its
	// log (PostgreSQL's version_table_schema); "" is the connection's
	// current schema. Dialects without schemas refuse it.
	VersionTableSchema string
	TransactionMode    Mode
	LockTimeout        time.Duration // 0: DefaultLockTimeout; negative: do not wait
	AllowChanged       bool          // run even if applied scripts changed since
	// Logger receives progress in Alembic's words ("Running upgrade A -> B,
	// message"); nil discards it.
	Logger *slog.Logger
	// OnEvent, when set, receives the same progress as structured events.
	OnEvent     func(Event)
	Who         string // recorded in the log as applied_by; default user@host
	ToolVersion string // recorded in the log as tool_version
	// Program names the command in advice that errors give ("run `retort
	// stamp ...`"); a project's own CLI passes its name. Default "retort".
	Program string
}

// Graph is what the runtime needs of the revision graph; *graph.Graph
// provides it. It plans and resolves; the runtime never walks the graph
// itself.
type Graph interface {
	Upgrade(current []string, target string) ([]graph.Step, error)
	Downgrade(current []string, target string) ([]graph.Step, error)
	Stamp(current, targets []string, purge bool) ([]graph.Step, error)
	Ancestors(ids ...string) map[string]bool
	Revision(id string) *graph.Revision
}

// Migration is the source of one revision's statements: *script.Script,
// or SQLMigration for statements given directly.
type Migration interface {
	Statements(dialect string, dir graph.Direction) ([]script.Statement, error)
	Checksum() string
}

// MigrationInfo is what the runtime needs besides statements.
type MigrationInfo struct {
	File          string // for messages
	NoTransaction bool   // run outside any transaction
}

// Informer is implemented by migrations that are not *script.Script but
// still have a file or must run outside a transaction.
type Informer interface {
	MigrationInfo() MigrationInfo
}

func infoOf(m Migration, rev *graph.Revision) MigrationInfo {
	var info MigrationInfo
	switch v := m.(type) {
	case *script.Script:
		info = MigrationInfo{File: v.File, NoTransaction: v.NoTransaction} // File is the path for messages
	case Informer:
		info = v.MigrationInfo()
	}
	if info.File == "" && rev != nil {
		info.File = rev.File
	}
	return info
}

// SQLMigration is a migration given as statements rather than read from a
// script: for library users, and tests.
type SQLMigration struct {
	Up, Down      []script.Statement
	Sum           string // checksum to record
	File          string
	NoTransaction bool
}

func (s *SQLMigration) Statements(_ string, dir graph.Direction) ([]script.Statement, error) {
	if dir == graph.Down {
		return s.Down, nil
	}
	return s.Up, nil
}

func (s *SQLMigration) Checksum() string { return s.Sum }

func (s *SQLMigration) MigrationInfo() MigrationInfo {
	return MigrationInfo{File: s.File, NoTransaction: s.NoTransaction}
}

// EventKind says what an Event reports.
type EventKind string

const (
	EventLockWait   EventKind = "lock-wait"   // the lock is held by another run; waiting
	EventStepStart  EventKind = "step-start"  // a step is about to run
	EventStepDone   EventKind = "step-done"   // a step committed
	EventStepFailed EventKind = "step-failed" // a step failed; Err says why
)

// Event is structured progress, for callers that want more than log lines.
type Event struct {
	Kind       EventKind
	Direction  string // upgrade, downgrade, stamp
	Revision   string
	From, To   []string
	Index      int // step Index of Total, 1-based
	Total      int
	Statements int // statements in the step
	Elapsed    time.Duration
	Err        error
	LockTarget string // for EventLockWait
	LockHolder string
}

// Migrator runs plans of one graph against one database.
type Migrator struct {
	db    dialect.DB
	d     dialect.Dialect
	g     Graph
	migs  map[string]Migration
	opts  Options
	log   *slog.Logger
	vt    string // version table, quoted and schema-qualified
	lt    string // log table, quoted and schema-qualified
	vtRaw string
}

// New makes a Migrator. migrations maps revision ids to their scripts; a
// step whose revision has none fails when planned.
func New(db dialect.DB, g Graph, migrations map[string]Migration, opts Options) *Migrator {
	if opts.VersionTable == "" {
		opts.VersionTable = "retort_version"
	}
	if opts.LockTimeout == 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Who == "" {
		opts.Who = defaultWho()
	}
	if opts.Program == "" {
		opts.Program = "retort"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d := db.Dialect()
	return &Migrator{
		db: db, d: d, g: g, migs: migrations, opts: opts, log: log,
		vt:    d.QualifiedName(opts.VersionTableSchema, opts.VersionTable),
		lt:    d.QualifiedName(opts.VersionTableSchema, opts.VersionTable+"_log"),
		vtRaw: opts.VersionTable,
	}
}

// lockKey names what the run lock guards: the version table, qualified by
// its schema when one is set, so that components with version tables of
// their own never wait for each other. A server dialect qualifies an
// unqualified key with the connection's current schema.
func (m *Migrator) lockKey() string {
	if m.opts.VersionTableSchema != "" {
		return m.opts.VersionTableSchema + "." + m.vtRaw
	}
	return m.vtRaw
}

func defaultWho() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return name + "@" + host
}

func (m *Migrator) emit(e Event) {
	if m.opts.OnEvent != nil {
		m.opts.OnEvent(e)
	}
}
