// Package sqlite is the SQLite dialect, on modernc.org/sqlite (pure Go, so
// the retort binary needs no cgo).
//
// Performance note: a per-migration run is bound by commit syncs.
// modernc's build calls fsync(2) where C SQLite on Linux calls
// fdatasync(2), which costs about twice as much per call on ext4; holding
// the write lock for the whole run (see Lock) wins that back, since the
// journal is then zeroed rather than created, synced and deleted at each
// commit, and no lock is taken and dropped around each transaction.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/retort-sql/retort/dialect"

	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver
)

// BusyTimeout is how long a connection waits for another's write lock
// before SQLite reports SQLITE_BUSY. Readers (`retort current` during an
// upgrade) wait out a migration's commit instead of failing.
const BusyTimeout = 10 * time.Second

// header opens every SQLite 3 database file.
var header = []byte("SQLite format 3\x00")

// Dialect is SQLite's SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

func (Dialect) Name() string           { return "sqlite" }
func (Dialect) ImplName() string       { return "SQLiteImpl" }
func (Dialect) TransactionalDDL() bool { return true }
func (Dialect) Placeholder(int) string { return "?" }
func (Dialect) BeginSQL() string       { return "BEGIN IMMEDIATE" }

// QuoteIdent quotes with double quotes, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// VersionTableDDL is Alembic's version table, so that version_table =
// alembic_version reads and writes a table Alembic made (and vice versa).
func (d Dialect) VersionTableDDL(schema, table string) []string {
	return []string{dialect.VersionTableSQL(d.QualifiedName(schema, table), d.QuoteIdent(table+"_pkc"), "")}
}

// LogTableDDL: id is INTEGER PRIMARY KEY, SQLite's rowid, which numbers
// rows in insertion order on its own; AUTOINCREMENT would only add a write
// to sqlite_sequence in every migration's commit, and the log never
// deletes rows, so ids are never reused anyway. Times are
// ISO-8601 text (SQLite's own convention for dates), declared VARCHAR rather than TIMESTAMP so that drivers hand them
// back as the strings that were written.
func (d Dialect) LogTableDDL(schema, table string) []string {
	return []string{dialect.LogTableSQL(d.QualifiedName(schema, table), "id INTEGER PRIMARY KEY", "VARCHAR(32)", "")}
}

// ErrorMessage strips modernc's "<errstr>: " prefix and " (<code>)"
// suffix around SQLite's own message.
func (Dialect) ErrorMessage(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	msg := strings.TrimSuffix(se.Error(), " (SQLITE_BUSY)")
	msg = strings.TrimSuffix(msg, fmt.Sprintf(" (%d)", se.Code()))
	// SQLite's generic strings (sqlite3_errstr) hold no ": ", so the first
	// one ends the generic part and starts the specific message.
	if _, specific, ok := strings.Cut(msg, ": "); ok && specific != "" {
		msg = specific
	}
	return msg
}

// QualifiedName quotes table. SQLite's schemas are attached database
// files, not what version_table_schema means, so schema is ignored here and
// refused by TableExists, which every run calls first.
func (d Dialect) QualifiedName(_, table string) string { return d.QuoteIdent(table) }

// TableExists looks the table up in sqlite_master.
func (Dialect) TableExists(ctx context.Context, q dialect.Querier, schema, table string) (bool, error) {
	if schema != "" {
		return false, fmt.Errorf("version_table_schema is %q, but SQLite has no schemas: remove the setting for SQLite databases", schema)
	}
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking for table %s: %w", table, err)
	}
	return n > 0, nil
}

// DB is an open SQLite database.
type DB struct {
	db   *sql.DB
	path string // "" for an in-memory database

	// lockFile is an fd of the database file, open from Open to Close, on
	// which runs take flock(2). It must outlive every SQLite connection:
	// closing any fd of a file drops all of the process's fcntl locks on it,
	// and fcntl locks are what SQLite itself locks with.
	lockFile *os.File
	// sem serializes runs inside this process on this DB: flock on one fd
	// does not exclude another goroutine using the same fd.
	sem chan struct{}
}

var _ dialect.DB = (*DB)(nil)

// Open opens the SQLite database at path, creating the file if it is
// missing (as SQLAlchemy does); "" or ":memory:" is a private in-memory
// database. A missing directory, or a file that is not a SQLite database,
// fails here rather than at the first migration.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		return openMemory(ctx)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("cannot open SQLite database %s: directory %s does not exist", path, dir)
		}
		return nil, fmt.Errorf("cannot open SQLite database %s: %w", path, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("cannot open SQLite database %s: %s is not a directory", path, dir)
	}

	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, os.ErrPermission) {
		// A read-only file still serves `current` and `verify`; flock
		// works on a read-only fd.
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening SQLite database %s: %w", path, err)
	}
	if err := checkHeader(f, path); err != nil {
		f.Close()
		return nil, err
	}

	// Plain path plus driver parameters: modernc strips the query part
	// unless the name starts with "file:".
	dsn := path + fmt.Sprintf("?_pragma=busy_timeout(%d)", BusyTimeout.Milliseconds())
	if strings.ContainsAny(path, "?#") {
		dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
			fmt.Sprintf("?_pragma=busy_timeout(%d)", BusyTimeout.Milliseconds())
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening SQLite database %s: %w", path, err)
	}
	d := &DB{db: db, path: path, lockFile: f, sem: make(chan struct{}, 1)}
	if err := d.probe(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func openMemory(ctx context.Context) (*DB, error) {
	db, err := sql.Open("sqlite", fmt.Sprintf(":memory:?_pragma=busy_timeout(%d)", BusyTimeout.Milliseconds()))
	if err != nil {
		return nil, fmt.Errorf("opening in-memory SQLite database: %w", err)
	}
	// Each connection to ":memory:" is a database of its own: keep exactly
	// one, forever, so every call sees the same tables.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	d := &DB{db: db, sem: make(chan struct{}, 1)}
	if err := d.probe(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// checkHeader fails on a non-empty file that does not start with SQLite's
// header. SQLite itself would only notice at the first query, with "file
// is not a database", which names no file.
func checkHeader(f *os.File, path string) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("opening SQLite database %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory, not a SQLite database", path)
	}
	if st.Size() == 0 {
		return nil // new, or created empty: SQLite writes the header on first write
	}
	buf := make([]byte, len(header))
	if _, err := io.ReadFull(f, buf); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("%s is not a SQLite database", path)
		}
		return fmt.Errorf("reading SQLite database %s: %w", path, err)
	}
	if !bytes.Equal(buf, header) {
		return fmt.Errorf("%s is not a SQLite database", path)
	}
	return nil
}

// probe makes SQLite read the file now, so that a damaged or encrypted
// database fails at Open with SQLite's own words.
func (d *DB) probe(ctx context.Context) error {
	var n int
	if err := d.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return fmt.Errorf("%s is not a SQLite database: %w", d.Describe(), err)
		}
		return fmt.Errorf("opening SQLite database %s: %w", d.Describe(), err)
	}
	return nil
}

func (d *DB) Dialect() dialect.Dialect { return Dialect{} }
func (d *DB) SQL() *sql.DB             { return d.db }

// Path is the database file ("" in memory).
func (d *DB) Path() string { return d.path }

// Describe names the database file.
func (d *DB) Describe() string {
	if d.path == "" {
		return "in-memory SQLite database"
	}
	return d.path
}

// Close closes the pool first and the lock fd last (see lockFile).
func (d *DB) Close() error {
	err := d.db.Close()
	if d.lockFile != nil {
		if cerr := d.lockFile.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Lock takes the run lock, in two parts.
//
// An exclusive flock(2) on the database file orders retort runs: a second
// run waits for it, and can say so. The kernel drops it when the process
// dies, so a killed run leaves no stale lock behind.
//
// SQLite's own write lock is then kept for the whole run (the design's
// contract) by putting conn, the run's connection, in EXCLUSIVE locking
// mode: SQLite would otherwise take and drop its locks, and probe for a hot
// journal, around every per-migration transaction. Keeping it is also what
// makes a run of many small migrations as fast as the sqlite3 shell. The
// release returns conn to NORMAL locking.
func (d *DB) Lock(ctx context.Context, conn *sql.Conn, key string, opts dialect.LockOptions) (func() error, error) {
	start := time.Now()
	deadline := start.Add(opts.Timeout)
	waited := false
	wait := func() {
		if !waited && opts.Waiting != nil {
			opts.Waiting(d.Describe(), "another process")
		}
		waited = true
	}
	timeout := func() error {
		return &dialect.LockTimeoutError{Target: d.Describe(), Holder: "another process", Waited: time.Since(start)}
	}

	// First the in-process semaphore.
	select {
	case d.sem <- struct{}{}:
	default:
		wait()
		t := time.NewTimer(max(time.Until(deadline), 0))
		defer t.Stop()
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
			return nil, timeout()
		}
	}
	// Releasing twice (a deferred release after an explicit one) must not
	// block on the semaphore.
	var once sync.Once
	releaseSem := func() { once.Do(func() { <-d.sem }) }
	if d.lockFile == nil { // in memory: nobody else can see it
		return func() error { releaseSem(); return nil }, nil
	}

	backoff := 5 * time.Millisecond
	for {
		ok, err := tryFlock(d.lockFile)
		if err != nil {
			releaseSem()
			return nil, fmt.Errorf("locking %s: %w", d.path, err)
		}
		if ok {
			unhold, err := d.holdWriteLock(ctx, conn)
			if err != nil {
				_ = unflock(d.lockFile)
				releaseSem()
				return nil, err
			}
			var unlockOnce sync.Once
			return func() (err error) {
				unlockOnce.Do(func() {
					defer releaseSem()
					err = unhold()
					if uerr := unflock(d.lockFile); uerr != nil && err == nil {
						err = fmt.Errorf("unlocking %s: %w", d.path, uerr)
					}
				})
				return err
			}, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			releaseSem()
			return nil, timeout()
		}
		wait()
		t := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			t.Stop()
			releaseSem()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, 250*time.Millisecond)
	}
}

// holdWriteLock puts conn in EXCLUSIVE locking mode: from its first write
// on, SQLite keeps the database's write lock until the returned func puts
// it back to NORMAL. In that mode SQLite zeroes the rollback journal at
// each commit rather than deleting it, so with the default DELETE journal
// the release removes the file (by passing through PERSIST, which SQLite
// leaves by deleting it); a database in WAL or another mode the user chose
// is left as it is.
func (d *DB) holdWriteLock(ctx context.Context, conn *sql.Conn) (func() error, error) {
	if conn == nil {
		return func() error { return nil }, nil
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, fmt.Errorf("reading the journal mode of %s: %w", d.path, err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA locking_mode = EXCLUSIVE"); err != nil {
		return nil, fmt.Errorf("locking %s: %w", d.path, err)
	}
	return func() error {
		// The run's context may be cancelled by now; the release must
		// still happen, but not hang: the busy timeout bounds each step.
		ctx := context.WithoutCancel(ctx)
		if _, err := conn.ExecContext(ctx, "PRAGMA locking_mode = NORMAL"); err != nil {
			return fmt.Errorf("unlocking %s: %w", d.path, err)
		}
		var steps []string
		if strings.EqualFold(mode, "delete") {
			steps = []string{"PRAGMA journal_mode = PERSIST", "PRAGMA journal_mode = DELETE"}
		}
		// NORMAL takes effect at the next read of the database file.
		steps = append(steps, "SELECT count(*) FROM sqlite_master")
		for _, q := range steps {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("unlocking %s: %w", d.path, err)
			}
		}
		return nil
	}, nil
}

var _ dialect.Scripter = Dialect{}

// QuoteString: SQLite treats backslash as an ordinary character.
func (Dialect) QuoteString(s string) string { return dialect.QuoteStringStandard(s) }

// ScriptStatement: the sqlite3 shell keeps reading a CREATE TRIGGER up to
// its END, so even trigger bodies need only the ";".
func (Dialect) ScriptStatement(stmt string) string { return dialect.TerminateStatement(stmt) }
