// Package dialect holds what the runtime needs to know about one kind of
// database: how to quote names, which SQL keeps the version table and its
// log, whether DDL is transactional, and how to take the lock that a whole
// migration run holds. Each database lives in its own package
// (dialect/sqlite now; dialect/postgres and dialect/mysql later) and is
// reached through the two small interfaces here, Dialect and DB.
package dialect

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Dialect describes the SQL of one kind of database. It holds no connection
// and no state, so one value serves any number of databases.
type Dialect interface {
	// Name selects the script sections to run ("sqlite", "postgresql",
	// "mysql"): the same word scripts use in `-- retort:upgrade dialect=`.
	Name() string
	// ImplName is Alembic's name for the implementation, for the
	// "Context impl SQLiteImpl." progress line.
	ImplName() string
	// TransactionalDDL reports whether DDL can be rolled back. When it
	// cannot (MySQL), the runtime journals each statement in the log as it
	// completes, so that a failed run can say exactly where it stopped.
	TransactionalDDL() bool
	// QuoteIdent quotes a table or column name.
	QuoteIdent(name string) string
	// Placeholder is the n-th (1-based) bind parameter: "?" or "$n".
	Placeholder(n int) string
	// BeginSQL opens a transaction that writes: SQLite's "BEGIN IMMEDIATE"
	// takes the write lock at once, so two writers cannot both read and
	// then deadlock on upgrading their locks.
	BeginSQL() string
	// QualifiedName is table quoted, prefixed by its quoted schema when
	// schema is not empty ("app"."retort_version"): how the runtime names
	// the version table and its log in every statement.
	QualifiedName(schema, table string) string
	// VersionTableDDL creates the version table in schema ("" for the
	// connection's current one), Alembic's layout: version_num VARCHAR(255)
	// NOT NULL, primary key named <table>_pkc where the database allows it.
	VersionTableDDL(schema, table string) []string
	// LogTableDDL creates the log table (see DESIGN.md, "in the database").
	LogTableDDL(schema, table string) []string
	// ErrorMessage is a driver error as a person should read it in a
	// FAILED line: the database's own message, without the driver's
	// decorations (SQLite: "no such table: foo", not "SQL logic error: no
	// such table: foo (1)").
	ErrorMessage(err error) string
	// TableExists reports whether the table exists in schema, or when schema
	// is "" in the database (SQLite) or the connection's current schema
	// (servers: the first schema of PostgreSQL's search_path). A dialect
	// without schemas fails when schema is set.
	TableExists(ctx context.Context, q Querier, schema, table string) (bool, error)
}

// Querier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database of some dialect.
type DB interface {
	Dialect() Dialect
	// SQL is the connection pool. A migration run takes one *sql.Conn from it
	// for its whole length: session state (SQLite's transaction, a server's
	// advisory lock) belongs to a connection, not to the pool.
	SQL() *sql.DB
	// Lock takes the lock that a whole run holds, keyed on key (the version
	// table's name, "schema.table" when version_table_schema is set: two
	// components with their own version tables in one database do not
	// serialize each other on servers). conn is the run's
	// connection, which session-scoped locks (pg_advisory_lock, GET_LOCK)
	// belong to. It waits up to opts.Timeout, calling opts.Waiting once if
	// it has to wait, then fails with *LockTimeoutError. The returned func
	// releases the lock.
	Lock(ctx context.Context, conn *sql.Conn, key string, opts LockOptions) (release func() error, err error)
	// Describe names the database for messages, without any password.
	Describe() string
	// Close closes the pool, then anything the lock needed.
	Close() error
}

// LockOptions says how long Lock waits and whom it tells.
type LockOptions struct {
	Timeout time.Duration // <= 0: do not wait at all
	// Waiting is called once, when the lock is found held, with a
	// description of the holder ("another process" when unknown).
	Waiting func(target, holder string)
}

// LockTimeoutError says the run lock stayed held by someone else for the
// whole lock timeout.
type LockTimeoutError struct {
	Target string        // what was locked: a file, or a lock name on a server
	Holder string        // who holds it, when known
	Waited time.Duration // how long we waited
}

func (e *LockTimeoutError) Error() string {
	holder := e.Holder
	if holder == "" {
		holder = "another process"
	}
	return fmt.Sprintf("timed out after %s waiting for the lock on %s, held by %s (raise lock_timeout, or check for a stuck migration run)",
		e.Waited.Round(time.Millisecond), e.Target, holder)
}
