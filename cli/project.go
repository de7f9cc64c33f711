package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/script"
)

// project is what a command works on: the settings in effect, the scripts
// of the versions folder and the graph they form.
type project struct {
	settings    *config.Settings
	versionsDir string // the folder, as shown to the user
	scripts     []*script.Script
	byID        map[string]*script.Script
	graph       *graph.Graph
	migs        map[string]runtime.Migration // by revision: the scripts, and the Go migrations of a compiled project
}

// settings loads the configuration in effect for this invocation and
// remembers its password so that no output can carry it.
func (a *app) settings() (*config.Settings, error) {
	st, err := config.Load(config.Sources{
		ConfigPath:          a.flags.config,
		ConfigFiles:         a.flags.configFiles,
		DatabaseConnection:  a.flags.databaseConnection,
		Getenv:              a.opts.Getenv,
		NoImplicitConfig:    a.opts.compiled(),
		DefaultVersionTable: a.opts.VersionTable,
	})
	if err != nil {
		return nil, err
	}
	if st.Connection != "" {
		if u, err := config.ParseURL(st.Connection); err == nil && u.Password != "" {
			a.secrets = append(a.secrets, u.Password)
		}
	}
	return st, nil
}

// loadProject reads the settings, every script of the versions folder, and
// builds the graph; any error names the file and line it comes from.
func (a *app) loadProject() (*project, error) {
	st, err := a.settings()
	if err != nil {
		return nil, err
	}
	if a.opts.compiled() {
		return a.loadCompiled(st)
	}
	dir := filepath.Join(st.ScriptLocation, "versions")
	shown := displayPath(dir)
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		if st.File == "" {
			return nil, fmt.Errorf("no retort.ini here and no versions folder at %s: give -c/--config, set RETORT_CONFIG, or create a project with `%s init DIR`", shown, a.opts.Name)
		}
		return nil, fmt.Errorf("%s: script_location %s has no versions folder (%s)", displayPath(st.File), displayPath(st.ScriptLocation), shown)
	}
	scripts, err := script.LoadDir(shown)
	if err != nil {
		return nil, err
	}
	p := &project{settings: st, versionsDir: shown, scripts: scripts, byID: make(map[string]*script.Script, len(scripts))}
	revs := make([]*graph.Revision, len(scripts))
	for i, s := range scripts {
		revs[i] = &s.Revision
		p.byID[s.ID] = s
	}
	g, err := graph.New(revs)
	if err != nil {
		return nil, err
	}
	p.graph = g
	return p, nil
}

// loadCompiled is loadProject for a project whose migrations are given in
// Options: its scripts (from the fs.FS) and Go migrations in one graph.
func (a *app) loadCompiled(st *config.Settings) (*project, error) {
	var scripts []*script.Script
	if a.opts.Scripts != nil {
		var err error
		if scripts, err = script.Load(a.opts.Scripts, cmp.Or(a.opts.ScriptsDir, ".")); err != nil {
			return nil, err
		}
	}
	g, migs, err := retort.Assemble(scripts, a.opts.Migrations)
	if err != nil {
		return nil, err
	}
	p := &project{settings: st, scripts: scripts, byID: make(map[string]*script.Script, len(scripts)), graph: g, migs: migs}
	for _, s := range scripts {
		p.byID[s.ID] = s
	}
	return p, nil
}

// writable refuses, in a project whose migrations are compiled in, the
// commands that write scripts to a versions folder.
func (a *app) writable(command string) error {
	if !a.opts.compiled() {
		return nil
	}
	return fmt.Errorf("%s has its migrations compiled in, so `%s` has no versions folder to write to: add the revision to its source (a Go migration, or a script in its embedded folder) and rebuild",
		a.opts.Name, command)
}

// displayPath shows a path relative to the working directory when it lies
// below it, else absolute: the shortest form a user can still open.
func displayPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return abs
}

// session is a project with an open database.
type session struct {
	*project
	db       dialect.DB
	migrator *runtime.Migrator
	url      *config.URL
}

// open loads the project and connects to its database.
func (a *app) open(ctx context.Context, allowChanged bool) (*session, error) {
	p, err := a.loadProject()
	if err != nil {
		return nil, err
	}
	return a.connect(ctx, p, allowChanged)
}

func (a *app) connect(ctx context.Context, p *project, allowChanged bool) (*session, error) {
	st := p.settings
	if st.Connection == "" {
		if a.opts.compiled() {
			return nil, errors.New("no database connection: give --database-connection, set RETORT_DATABASE_URL, or give --config-file naming a file with [database] connection")
		}
		return nil, errors.New("no database connection: give --database-connection, set RETORT_DATABASE_URL, or set [database] connection in retort.ini")
	}
	u, err := config.ParseURL(st.Connection)
	if err != nil {
		return nil, fmt.Errorf("database connection from %s: %w", st.ConnectionSource, err)
	}
	opts, err := a.runtimeOptions(st)
	if err != nil {
		return nil, err
	}
	opts.AllowChanged = allowChanged
	db, err := runtime.Open(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", u.Redacted(), err)
	}
	m := runtime.New(db, p.graph, p.migrations(), opts)
	return &session{project: p, db: db, migrator: m, url: u}, nil
}

// runtimeOptions are the settings a run, online or offline, takes from the
// configuration and from this command tree.
func (a *app) runtimeOptions(st *config.Settings) (runtime.Options, error) {
	mode, err := runtime.ParseMode(st.TransactionMode)
	if err != nil {
		return runtime.Options{}, err
	}
	lockTimeout := st.LockTimeout
	if lockTimeout == 0 {
		lockTimeout = -1 // lock_timeout = 0 in retort.ini: fail at once rather than wait
	}
	return runtime.Options{
		VersionTable:       st.VersionTable,
		VersionTableSchema: st.VersionTableSchema,
		TransactionMode:    mode,
		LockTimeout:        lockTimeout,
		Program:            a.opts.Name,
		Logger:             a.logger("retort.runtime"),
		ToolVersion:        Version,
	}, nil
}

// migrations maps each revision to its script (or Go migration), as the
// runtime wants them.
func (p *project) migrations() map[string]runtime.Migration {
	if p.migs != nil {
		return p.migs
	}
	m := make(map[string]runtime.Migration, len(p.scripts))
	for _, s := range p.scripts {
		m[s.ID] = s
	}
	return m
}

func (s *session) Close() error { return s.db.Close() }
