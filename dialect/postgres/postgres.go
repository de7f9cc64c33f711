// Package postgres is the PostgreSQL dialect, on pgx v5 through
// database/sql (github.com/jackc/pgx/v5/stdlib).
//
// DDL is transactional on PostgreSQL, so the runtime runs each migration
// with its version-table change in one transaction; the run lock is a
// session-level advisory lock on the run's connection.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
)

// DefaultConnectTimeout bounds connecting (dial, TLS, authentication) when
// the URL sets no connect_timeout: an unreachable server fails in seconds
// instead of at the kernel's TCP timeout, minutes later.
const DefaultConnectTimeout = 10 * time.Second

// ApplicationName is set on retort's connections (unless the URL sets
// application_name), so that pg_stat_activity, and a run waiting for the
// lock, can tell a retort run from other clients.
const ApplicationName = "retort"

// Dialect is PostgreSQL's SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

func (Dialect) Name() string           { return "postgresql" }
func (Dialect) ImplName() string       { return "PostgresqlImpl" }
func (Dialect) TransactionalDDL() bool { return true }
func (Dialect) Placeholder(n int) string {
	return "$" + strconv.Itoa(n)
}

// BeginSQL is a plain BEGIN: PostgreSQL's row and advisory locks already
// keep two writers apart, and the run lock keeps two runs apart.
func (Dialect) BeginSQL() string { return "BEGIN" }

// QuoteIdent quotes with double quotes, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QualifiedName is "schema"."table", or "table" when schema is empty (then
// PostgreSQL resolves it through search_path).
func (d Dialect) QualifiedName(schema, table string) string {
	return dialect.Qualify(d.QuoteIdent, schema, table)
}

// VersionTableDDL is Alembic's version table (Alembic names the primary key
// <table>_pkc too), so that version_table = alembic_version reads and writes
// a table Alembic made, and vice versa.
func (d Dialect) VersionTableDDL(schema, table string) []string {
	return []string{dialect.VersionTableSQL(d.QualifiedName(schema, table), d.QuoteIdent(table+"_pkc"), "")}
}

// LogTableDDL has the columns of every dialect's log. Times are kept as
// the text the runtime writes (UTC, "2006-01-02 15:04:05.000000", which
// sorts as it reads) rather than TIMESTAMP: database/sql would hand a
// TIMESTAMP back as a time.Time rendered in RFC 3339, so the log would read
// differently here than on SQLite. A user wanting times can cast:
// started_at::timestamp.
func (d Dialect) LogTableDDL(schema, table string) []string {
	return []string{dialect.LogTableSQL(d.QualifiedName(schema, table), "id BIGSERIAL PRIMARY KEY", "VARCHAR(32)", "")}
}

// ErrorMessage is the server's own message, then its detail and hint when
// it sent them, and the SQLSTATE: `permission denied for schema public
// (SQLSTATE 42501)`. pgx's own rendering puts "ERROR: " in front and drops
// the detail and hint, which are often the useful part.
func (Dialect) ErrorMessage(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := pe.Message
	if pe.Detail != "" {
		msg += "; detail: " + pe.Detail
	}
	if pe.Hint != "" {
		msg += "; hint: " + pe.Hint
	}
	return msg + " (SQLSTATE " + pe.Code + ")"
}

// TableExists looks in schema, or in current_schema() (the first schema of
// search_path that exists, where an unqualified CREATE TABLE puts a table)
// when schema is "".
func (Dialect) TableExists(ctx context.Context, q dialect.Querier, schema, table string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
		WHERE schemaname = COALESCE(NULLIF($1, ''), current_schema()) AND tablename = $2)`, schema, table).Scan(&ok)
	if err != nil {
		name := table
		if schema != "" {
			name = schema + "." + table
		}
		return false, fmt.Errorf("looking for table %s: %w", name, err)
	}
	return ok, nil
}

// DB is an open PostgreSQL database.
type DB struct {
	db  *sql.DB
	url config.URL
}

var _ dialect.DB = (*DB)(nil)

// Open connects to the database u names and checks that it answers. Its
// errors are the server's own words where the server gave any
// (`password authentication failed for user "x"`, `database "x" does not
// exist`), or say which host:port could not be reached and why; they never
// hold the password. Connecting is bounded by the URL's connect_timeout
// (seconds, as libpq reads it) or DefaultConnectTimeout.
func Open(ctx context.Context, u config.URL) (*DB, error) {
	if u.Dialect != "postgresql" {
		return nil, fmt.Errorf("not a postgresql URL: %s", u.Redacted())
	}
	shown := u // messages show the URL as the user wrote it
	q := make(map[string][]string, len(u.Query)+1)
	for k, v := range u.Query {
		q[k] = v
	}
	u.Query = q
	if u.Query.Get("application_name") == "" {
		u.Query.Set("application_name", ApplicationName)
	}
	dsn, err := u.PgxDSN()
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("invalid postgresql URL %s: %s", u.Redacted(), u.Mask(err.Error()))
	}
	if cfg.ConnectTimeout <= 0 { // unset, or libpq's 0 = forever: keep a bound
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	d := &DB{db: db, url: shown}

	// The ping's own bound, a little longer than the connect timeout, is a
	// backstop should a connect attempt ever ignore its own.
	pctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout+2*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, connectError(err, cfg, u)
	}
	return d, nil
}

// connectError turns a failed connect into one clear sentence.
func connectError(err error, cfg *pgx.ConnConfig, u config.URL) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// The server answered: its message says it best (28P01 `password
		// authentication failed for user "x"`, 28000 `role "x" does not
		// exist`, 3D000 `database "x" does not exist`).
		return errors.New(u.Mask(pe.Message))
	}
	addr := serverAddr(cfg)
	var errno syscall.Errno
	var nerr net.Error
	switch {
	case errors.As(err, &errno) && errno == syscall.ECONNREFUSED:
		return fmt.Errorf("connection to %s refused: is PostgreSQL running and accepting TCP connections there?", addr)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &nerr) && nerr.Timeout()):
		return fmt.Errorf("connect to %s timed out after %s (connect_timeout)", addr, cfg.ConnectTimeout)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("connect to %s cancelled", addr)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("cannot resolve host %s: %s", dnsErr.Name, dnsErr.Err)
	}
	// Anything else (TLS, a socket path that does not exist ...): the
	// innermost error, which names the address, without pgx's
	// "failed to connect to `user=... database=...`:" prefix.
	msg := err.Error()
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		msg = ce.Unwrap().Error()
	}
	return fmt.Errorf("cannot connect to %s: %s", addr, u.Mask(msg))
}

// serverAddr is host:port of the first host pgx tries, or the socket
// directory for a Unix socket.
func serverAddr(cfg *pgx.ConnConfig) string {
	if strings.HasPrefix(cfg.Host, "/") {
		return fmt.Sprintf("Unix socket %s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

func (d *DB) Dialect() dialect.Dialect { return Dialect{} }
func (d *DB) SQL() *sql.DB             { return d.db }

// Describe is the URL without its password.
func (d *DB) Describe() string { return d.url.Redacted() }

func (d *DB) Close() error { return d.db.Close() }

// LockKey is the advisory lock key for a lock name ("schema.table"): the
// first 8 bytes of its FNV-1a hash. Stable across processes, versions and
// machines, which is all an advisory key needs; a collision would only make
// two unrelated runs wait for each other.
func LockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// Lock takes a session-level advisory lock on conn, the run's connection,
// keyed on the version table qualified by its schema (an unqualified key
// is qualified by current_schema()). It polls pg_try_advisory_lock rather
// than blocking in pg_advisory_lock, so that waiting can be cancelled, can
// say who holds the lock, and ends at opts.Timeout. The server drops the
// lock when the session ends, so a killed run leaves none behind.
func (d *DB) Lock(ctx context.Context, conn *sql.Conn, key string, opts dialect.LockOptions) (func() error, error) {
	if conn == nil {
		c, err := d.db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", d.Describe(), err)
		}
		release, err := d.Lock(ctx, c, key, opts)
		if err != nil {
			c.Close()
			return nil, err
		}
		return func() error {
			err := release()
			if cerr := c.Close(); err == nil {
				err = cerr
			}
			return err
		}, nil
	}
	if !strings.Contains(key, ".") {
		// NULL when no schema of search_path exists: the key is then
		// ".table", and creating the version table fails in the server's
		// own words.
		var schema sql.NullString
		if err := conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("reading the current schema of %s: %w", d.Describe(), err)
		}
		key = schema.String + "." + key
	}
	k := LockKey(key)
	target := fmt.Sprintf("%s (advisory lock %d) in %s", key, k, d.Describe())

	start := time.Now()
	deadline := start.Add(opts.Timeout)
	backoff := 5 * time.Millisecond
	waited := false
	holder := ""
	for {
		var ok bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", k).Scan(&ok); err != nil {
			return nil, fmt.Errorf("taking the lock on %s: %w", target, err)
		}
		if ok {
			break
		}
		// Who holds it may change while we wait; report the latest.
		if h, err := lockHolder(ctx, conn, k); err == nil && h != "" {
			holder = h
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &dialect.LockTimeoutError{Target: target, Holder: holder, Waited: time.Since(start)}
		}
		if !waited && opts.Waiting != nil {
			h := holder
			if h == "" {
				h = "another process"
			}
			opts.Waiting(target, h)
		}
		waited = true
		t := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, 250*time.Millisecond)
	}

	var once sync.Once
	return func() (err error) {
		once.Do(func() {
			// A cancelled run must still unlock: the connection goes back
			// to the pool, and the lock with it otherwise.
			var ok bool
			if qerr := conn.QueryRowContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", k).Scan(&ok); qerr != nil {
				err = fmt.Errorf("releasing the lock on %s: %w", target, qerr)
			} else if !ok {
				err = fmt.Errorf("releasing the lock on %s: this session did not hold it", target)
			}
		})
		return err
	}, nil
}

// lockHolder describes the session holding advisory lock k in this
// database: `pid 12345, user postgres, host 127.0.0.1, application retort`.
// A bigint advisory key shows in pg_locks as classid (high 32 bits), objid
// (low 32 bits) and objsubid 1.
func lockHolder(ctx context.Context, conn *sql.Conn, k int64) (string, error) {
	var pid int64
	var user, host, app sql.NullString
	err := conn.QueryRowContext(ctx, `SELECT a.pid, a.usename, host(a.client_addr), a.application_name
		FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
		AND l.classid::bigint = ($1::bigint >> 32) & 4294967295 AND l.objid::bigint = $1::bigint & 4294967295
		LIMIT 1`, k).Scan(&pid, &user, &host, &app)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // released meanwhile
	}
	if err != nil {
		return "", err
	}
	parts := []string{fmt.Sprintf("pid %d", pid)}
	if user.String != "" {
		parts = append(parts, "user "+user.String)
	}
	if host.String != "" {
		parts = append(parts, "host "+host.String)
	} else if user.Valid {
		// A visible session with a NULL client_addr came over a Unix
		// socket. (To a role without pg_read_all_stats, other users'
		// sessions show NULLs: then nothing is said.)
		parts = append(parts, "host local socket")
	}
	if app.String != "" {
		parts = append(parts, "application "+app.String)
	}
	return strings.Join(parts, ", "), nil
}

var _ dialect.Scripter = Dialect{}

// QuoteString: standard_conforming_strings is on by default since
// PostgreSQL 9.1, so backslashes are ordinary characters in '...'.
func (Dialect) QuoteString(s string) string { return dialect.QuoteStringStandard(s) }

// ScriptStatement: psql finds statement ends by lexing, $$ bodies included,
// so a ";" is all a statement needs.
func (Dialect) ScriptStatement(stmt string) string { return dialect.TerminateStatement(stmt) }

// Literal renders s as a string literal for statements that carry their
// values inline (the runtime's one-round-trip batches: see
// runtime.Batcher). A string with a backslash is written as E'...' with the
// backslash doubled, which reads the same whatever
// standard_conforming_strings says.
func (d *DB) Literal(s string) string {
	if strings.Contains(s, `\`) {
		return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
	}
	return dialect.QuoteStringStandard(s)
}
