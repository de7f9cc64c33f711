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
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
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

// Scripter is what a dialect adds so that retort can write offline SQL
// (`upgrade --sql`): a script for the dialect's own command-line client
// (sqlite3, psql, mysql/mariadb) instead of statements sent to a server.
// It is an interface of its own, not part of Dialect, so that a dialect
// still being written keeps compiling; the offline writer asks for it and
// says which dialect lacks it.
type Scripter interface {
	// QuoteString renders s as a string literal that the dialect reads
	// back as exactly s.
	QuoteString(s string) string
	// ScriptStatement renders one statement, as script.Split returns it
	// (trimmed, without its terminating ";"), terminated the way the
	// dialect's command-line client expects, with no trailing newline.
	ScriptStatement(stmt string) string
}

// QuoteStringStandard is the SQL standard's string literal: single quotes,
// doubled inside. It suits SQLite, and PostgreSQL with
// standard_conforming_strings on (its default since 9.1).
func QuoteStringStandard(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// QuoteStringBackslash is the literal for servers that treat backslash as
// an escape inside strings, as MySQL and MariaDB do unless sql_mode has
// NO_BACKSLASH_ESCAPES: backslashes are doubled too.
func QuoteStringBackslash(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(s) + "'"
}

// TerminateStatement ends stmt with ";" for clients that find statement
// ends by lexing (sqlite3 knows trigger bodies, psql knows $$ bodies and
// BEGIN ATOMIC). When the statement's last line holds a "--", the ";" goes
// on a line of its own, so that a trailing comment cannot swallow it.
func TerminateStatement(stmt string) string {
	last := stmt[strings.LastIndexByte(stmt, '\n')+1:]
	if strings.Contains(last, "--") {
		return stmt + "\n;"
	}
	return stmt + ";"
}

// TerminateDelimited is TerminateStatement for the mysql and mariadb
// clients, which end a statement at the first ";" outside quotes and
// comments whatever the statement is: one that holds a ";" (a trigger or
// procedure body) is wrapped in DELIMITER lines with a delimiter it does
// not contain.
func TerminateDelimited(stmt string) string {
	if !strings.Contains(stmt, ";") {
		return TerminateStatement(stmt)
	}
	delim := "//"
	for _, d := range []string{"//", "$$", "##", "~~", "@@@"} {
		if !strings.Contains(stmt, d) {
			delim = d
			break
		}
	}
	return "DELIMITER " + delim + "\n" + stmt + "\n" + delim + "\nDELIMITER ;"
}

// VersionTableSQL is Alembic's version table: version_num VARCHAR(255),
// primary key named <table>_pkc, so that version_table = alembic_version
// reads and writes a table Alembic made. suffix ends the statement (MySQL's
// engine clause).
func VersionTableSQL(qualified, pkc, suffix string) string {
	return fmt.Sprintf("CREATE TABLE %s (version_num VARCHAR(255) NOT NULL, CONSTRAINT %s PRIMARY KEY (version_num))%s",
		qualified, pkc, suffix)
}

// LogTableSQL is the version log (DESIGN.md, "in the database"): the same
// columns on every dialect, but for how the id numbers rows (idColumn),
// the type the two times are kept in, and a suffix ending the statement.
func LogTableSQL(qualified, idColumn, timeType, suffix string) string {
	return fmt.Sprintf(`CREATE TABLE %s (
	%s,
	revision VARCHAR(255) NOT NULL,
	direction VARCHAR(16) NOT NULL,
	checksum VARCHAR(64) NOT NULL DEFAULT '',
	started_at %s NOT NULL,
	finished_at %s NULL,
	status VARCHAR(16) NOT NULL,
	statements_done INTEGER NOT NULL DEFAULT 0,
	statements_total INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	applied_by VARCHAR(255) NOT NULL DEFAULT '',
	tool_version VARCHAR(64) NOT NULL DEFAULT ''
)%s`, qualified, idColumn, timeType, timeType, suffix)
}

// Qualify is schema.table with each part quoted by quote, or the table
// alone when schema is "" (the connection's current schema or database).
func Qualify(quote func(string) string, schema, table string) string {
	if schema == "" {
		return quote(table)
	}
	return quote(schema) + "." + quote(table)
}

// PlainValue reduces a value for a BulkInsert literal to one of the
// types every renderer writes: nil, bool, the sized integer and float
// types, string, []byte and time.Time. It calls a driver.Valuer (such as
// sql.NullString), follows pointers, and reads a named type (type Status
// string) as its underlying kind, so that the same rows render on every
// dialect. A value it cannot reduce is returned as it is, for the
// renderer to refuse by name.
func PlainValue(v any) (any, error) {
	for range 8 { // a Valuer may give a pointer, a pointer a Valuer
		switch x := v.(type) {
		case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
			float32, float64, string, []byte, time.Time:
			return v, nil
		case driver.Valuer:
			rv := reflect.ValueOf(x)
			if rv.Kind() == reflect.Pointer && rv.IsNil() {
				return nil, nil
			}
			dv, err := x.Value()
			if err != nil {
				return nil, fmt.Errorf("value of type %T: %w", x, err)
			}
			v = dv
			continue
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Pointer:
			if rv.IsNil() {
				return nil, nil
			}
			v = rv.Elem().Interface()
			continue
		case reflect.Bool:
			return rv.Bool(), nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int(), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return rv.Uint(), nil
		case reflect.Float32:
			return float32(rv.Float()), nil
		case reflect.Float64:
			return rv.Float(), nil
		case reflect.String:
			return rv.String(), nil
		case reflect.Slice:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				return rv.Bytes(), nil
			}
		}
		return v, nil
	}
	return v, nil
}
