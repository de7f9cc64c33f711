package retort

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/retort-sql/retort/runtime"
)

// Option configures Open. An option that is given a bad value makes Open
// fail with its error.
type Option func(*options) error

type options struct {
	url         string
	configFile  string
	osloFiles   []string
	fsys        fs.FS
	fsysDir     string
	scriptDir   string
	migrations  []*Migration
	versionTbl  string
	vtSchema    string
	mode        *runtime.Mode
	lockTimeout *time.Duration
	allowChange bool
	logger      *slog.Logger
	onEvent     func(Event)
	program     string
	who         string
}

// WithURL connects to the database a URL names, written as SQLAlchemy
// writes them (sqlite:///rel.db, sqlite:////abs/path.db,
// postgresql+psycopg2://u:p@host/db, mysql+pymysql://u:p@host/db) or as the
// drivers do (postgres://...). It wins over every configuration file.
func WithURL(url string) Option {
	return func(o *options) error {
		if url == "" {
			return errors.New("WithURL: empty URL")
		}
		o.url = url
		return nil
	}
}

// WithConfigFile reads a retort.ini: its [retort] settings (version table,
// transaction mode, lock timeout, script location) and its [database]
// connection. Options given to Open override what it says. Without it,
// Open reads no retort.ini at all (not even ./retort.ini) and no
// environment variable: a library takes its settings from its caller.
func WithConfigFile(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("WithConfigFile: empty path")
		}
		o.configFile = path
		return nil
	}
}

// WithOsloConfig reads the database URL from OpenStack-style
// configuration files (nova.conf, neutron.conf): [database] connection, or
// the older names oslo.db accepts. Of several files the last that names a
// connection wins; WithURL wins over them all.
func WithOsloConfig(paths ...string) Option {
	return func(o *options) error {
		if len(paths) == 0 {
			return errors.New("WithOsloConfig: no file given")
		}
		o.osloFiles = append(o.osloFiles, paths...)
		return nil
	}
}

// WithScripts reads SQL revision scripts (*.sql) from dir of fsys: an
// embed.FS compiles them into the program.
//
//	//go:embed migrations/versions/*.sql
//	var scripts embed.FS
//	retort.Open(ctx, retort.WithScripts(scripts, "migrations/versions"), ...)
func WithScripts(fsys fs.FS, dir string) Option {
	return func(o *options) error {
		if fsys == nil {
			return errors.New("WithScripts: nil fs.FS")
		}
		if dir == "" {
			dir = "."
		}
		o.fsys, o.fsysDir = fsys, dir
		return nil
	}
}

// WithScriptDir reads SQL revision scripts from a folder on disk (a
// project's migrations/versions).
func WithScriptDir(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("WithScriptDir: empty path")
		}
		o.scriptDir = path
		return nil
	}
}

// WithMigrations adds Go migrations. They join the SQL scripts in one
// graph: a Go migration may revise a script and the other way round.
func WithMigrations(ms ...*Migration) Option {
	return func(o *options) error {
		for i, m := range ms {
			if m == nil {
				return fmt.Errorf("WithMigrations: migration #%d is nil", i)
			}
		}
		o.migrations = append(o.migrations, ms...)
		return nil
	}
}

// WithVersionTable names the version table (default retort_version; its
// log is <name>_log). alembic_version takes over a database that Alembic
// managed; two components sharing a database each keep their own.
func WithVersionTable(name string) Option {
	return func(o *options) error {
		if name == "" {
			return errors.New("WithVersionTable: empty name")
		}
		o.versionTbl = name
		return nil
	}
}

// WithVersionTableSchema puts the version table and its log in a
// PostgreSQL schema other than the connection's current one.
func WithVersionTableSchema(schema string) Option {
	return func(o *options) error {
		o.vtSchema = schema
		return nil
	}
}

// WithTransactionMode sets the transaction mode: "per-migration" (the
// default: each migration commits with its version change), "all" (one
// transaction for the whole run) or "none".
func WithTransactionMode(mode string) Option {
	return func(o *options) error {
		m, err := runtime.ParseMode(mode)
		if err != nil {
			return fmt.Errorf("WithTransactionMode: %w", err)
		}
		o.mode = &m
		return nil
	}
}

// WithLockTimeout sets how long a run waits for the lock held by another
// run before failing with *LockTimeoutError (default 60s; 0 fails at once).
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("WithLockTimeout: negative duration %s", d)
		}
		o.lockTimeout = &d
		return nil
	}
}

// WithAllowChanged runs upgrades even when an applied script has changed
// since it ran (the CLI's --allow-changed).
func WithAllowChanged() Option {
	return func(o *options) error {
		o.allowChange = true
		return nil
	}
}

// WithLogger receives progress in Alembic's words, the lines the CLI
// prints ("Running upgrade 4358d1b8cc75 -> 1284c81cf727, create ...").
// slog.New(retort.NewLogHandler(os.Stderr, nil)) prints them exactly as
// the CLI does. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		o.logger = l
		return nil
	}
}

// WithEvents calls fn with each progress event (a step starting, done or
// failed; waiting for the lock), on the goroutine running the command.
func WithEvents(fn func(Event)) Option {
	return func(o *options) error {
		o.onEvent = fn
		return nil
	}
}

// WithProgram names the command that errors advise running ("run
// `myproject-db-manage stamp ...`"); default "retort".
func WithProgram(name string) Option {
	return func(o *options) error {
		o.program = name
		return nil
	}
}

// WithAppliedBy sets who the log records as having run each step
// (default user@host).
func WithAppliedBy(who string) Option {
	return func(o *options) error {
		o.who = who
		return nil
	}
}
