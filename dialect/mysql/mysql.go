// Package mysql is the MySQL and MariaDB dialect, on go-sql-driver/mysql.
//
// MySQL commits each DDL statement on its own, so the runtime cannot wrap a
// migration in a transaction; it journals each statement in the log table
// instead. To make that journal exact, connections are opened with
// multiStatements: the runtime sends each statement and its journal update
// in one round trip (see Literal and runtime's journal), which the server
// runs to the end even if the client dies after sending it.
package mysql

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
)

// DefaultConnectTimeout bounds connecting (TCP and handshake) when the URL
// sets no timeout= of its own.
const DefaultConnectTimeout = 10 * time.Second

// maxLockName is MySQL's limit on GET_LOCK names (MariaDB has none, but a
// name must work on both).
const maxLockName = 64

// Dialect is MySQL's SQL. The zero value is ready to use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

func (Dialect) Name() string           { return "mysql" }
func (Dialect) ImplName() string       { return "MySQLImpl" }
func (Dialect) TransactionalDDL() bool { return false }
func (Dialect) Placeholder(int) string { return "?" }
func (Dialect) BeginSQL() string       { return "BEGIN" }

// QuoteIdent quotes with backticks, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// Literal renders s as a string literal that the server reads back as s
// whatever the session's sql_mode: plain quotes when s holds nothing that
// NO_BACKSLASH_ESCAPES or ANSI_QUOTES would read differently, a hex literal
// otherwise. The journal writes its log updates with literals so that they
// can travel in one multi-statement round trip with a migration's own
// statement, which must reach the server untouched (client-side
// interpolation would rewrite any '?' in it).
func (Dialect) Literal(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\'' || c == '\\' || c == '"' {
			return "_utf8mb4 X'" + hex.EncodeToString([]byte(s)) + "'"
		}
	}
	return "'" + s + "'"
}

// QualifiedName is `schema`.`table`, or `table` when schema is "" (the
// connection's database; a MySQL schema is a database).
func (d Dialect) QualifiedName(schema, table string) string {
	return dialect.Qualify(d.QuoteIdent, schema, table)
}

// VersionTableDDL is Alembic's version table, so that version_table =
// alembic_version reads and writes a table Alembic made (and vice versa).
// MySQL names every primary key PRIMARY, so the constraint name is only for
// symmetry with the other dialects.
func (d Dialect) VersionTableDDL(schema, table string) []string {
	return []string{dialect.VersionTableSQL(d.QualifiedName(schema, table), d.QuoteIdent(table+"_pkc"), " ENGINE=InnoDB")}
}

// LogTableDDL mirrors SQLite's columns. InnoDB, because the journal's
// updates commit together with version-row changes. Times are DATETIME(6),
// which takes the runtime's "2006-01-02 15:04:05.000000" text as it is and,
// without parseTime, hands it back as the same text.
func (d Dialect) LogTableDDL(schema, table string) []string {
	return []string{dialect.LogTableSQL(d.QualifiedName(schema, table), "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)", " ENGINE=InnoDB")}
}

// ErrorMessage is the server's message with its error number and SQLSTATE,
// as the mariadb client prints it: "ERROR 1050 (42S01): Table 't' already
// exists".
func (Dialect) ErrorMessage(err error) string {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return err.Error()
	}
	if me.SQLState != [5]byte{} {
		return fmt.Sprintf("ERROR %d (%s): %s", me.Number, me.SQLState[:], me.Message)
	}
	return fmt.Sprintf("ERROR %d: %s", me.Number, me.Message)
}

// TableExists looks the table up in schema, or in the connection's current
// database when schema is "".
func (Dialect) TableExists(ctx context.Context, q dialect.Querier, schema, table string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?",
		schema, table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking for table %s: %w", table, err)
	}
	return n > 0, nil
}

// DB is an open MySQL or MariaDB database.
type DB struct {
	db       *sql.DB
	database string
	addr     string // host:port, or the socket path
}

var _ dialect.DB = (*DB)(nil)

// nopLogger keeps the driver from printing its own notes on stderr; every
// error it logs is also returned to us.
type nopLogger struct{}

func (nopLogger) Print(...any) {}

// Open connects to the database a mysql URL names and checks that it
// answers, within the URL's timeout= or DefaultConnectTimeout. Its errors
// never hold the password: access denied, unknown database and an
// unreachable server each say so in plain words.
func Open(ctx context.Context, u *config.URL) (*DB, error) {
	cfg, err := u.MySQLConfig()
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("mysql URL %s names no database (mysql://user@host/DATABASE)", u.Redacted())
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultConnectTimeout
	}
	cfg.MultiStatements = true // for the journal's batches; see the package comment
	cfg.Logger = nopLogger{}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql URL %s: %s", u.Redacted(), u.Mask(err.Error()))
	}
	d := &DB{db: sql.OpenDB(conn), database: cfg.DBName, addr: cfg.Addr}
	// The handshake can stall after the TCP connect (a server that accepts
	// but never greets); bound the whole ping, not only the dial.
	pctx, cancel := context.WithTimeout(ctx, cfg.Timeout+time.Second)
	defer cancel()
	if err := d.db.PingContext(pctx); err != nil {
		d.db.Close()
		return nil, d.openError(u, cfg.Timeout, err)
	}
	return d, nil
}

func (d *DB) openError(u *config.URL, timeout time.Duration, err error) error {
	var me *mysql.MySQLError
	var ne net.Error
	switch {
	case errors.As(err, &me):
		switch me.Number {
		case 1044, 1045, 1049:
			// "Access denied for user 'x'@'host' (using password: YES)",
			// "Unknown database 'x'": the server's words say it all.
			return fmt.Errorf("cannot open %s: %s", d.Describe(), me.Message)
		}
		return fmt.Errorf("cannot open %s: %s", d.Describe(), u.Mask(Dialect{}.ErrorMessage(err)))
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("cannot connect to the MySQL server at %s: no answer within %s (check host and port, or raise timeout= in the URL)", d.addr, timeout)
	default:
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Err != nil {
			msg := oe.Err.Error()
			var se interface{ Unwrap() error }
			if errors.As(oe.Err, &se) && se.Unwrap() != nil {
				msg = se.Unwrap().Error() // "connection refused" rather than "connect: connection refused"
			}
			return fmt.Errorf("cannot connect to the MySQL server at %s: %s", d.addr, msg)
		}
		return fmt.Errorf("cannot connect to the MySQL server at %s: %s", d.addr, u.Mask(err.Error()))
	}
}

func (d *DB) Dialect() dialect.Dialect { return Dialect{} }
func (d *DB) SQL() *sql.DB             { return d.db }

// Literal is the dialect's Literal; it is on DB too because only a DB
// opened here has multi-statements on, which batches need.
func (d *DB) Literal(s string) string { return Dialect{}.Literal(s) }

// progressVar holds, in the run's session, how far the current journal
// batch got (runtime.JournalBatcher).
const progressVar = "@retort_done"

// SetProgress records in the session that n statements of the batch's step
// are done.
func (d *DB) SetProgress(n int) string { return fmt.Sprintf("SET %s = %d", progressVar, n) }

// ProgressQuery reads the marker back; NULL when no batch set it.
func (d *DB) ProgressQuery() string { return "SELECT " + progressVar }

// Database is the database's name.
func (d *DB) Database() string { return d.database }

// Describe names the database and its server, never the password.
func (d *DB) Describe() string {
	return fmt.Sprintf("MySQL database %s at %s", d.database, d.addr)
}

func (d *DB) Close() error { return d.db.Close() }

// LockName is the GET_LOCK name for a version table: database.table (key
// as it is when the runtime already qualified it with a schema), or,
// past MySQL's 64 characters, a prefix of it and a hash of the whole, so
// that two long names never share a lock.
func LockName(database, key string) string {
	name := key
	if !strings.Contains(key, ".") {
		name = database + "." + key
	}
	if len(name) <= maxLockName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:])[:24]
	return name[:maxLockName-len(h)-1] + "~" + h
}

// Lock takes GET_LOCK on conn, polling with GET_LOCK(name, 0) and a growing
// pause rather than one GET_LOCK(name, timeout), so that the wait honours
// ctx and can say who holds the lock. The server drops the lock when conn's
// session ends, so a killed run leaves none behind; and it ends the session
// only after finishing what the dead client had sent, so the next run gets
// the lock only once the journal says all that the killed one did. (A
// reader that takes no lock can look in between and see a statement's
// effect before its journal update.)
func (d *DB) Lock(ctx context.Context, conn *sql.Conn, key string, opts dialect.LockOptions) (func() error, error) {
	name := LockName(d.database, key)
	target := fmt.Sprintf("%s on %s", name, d.addr)
	start := time.Now()
	deadline := start.Add(opts.Timeout)
	backoff := 5 * time.Millisecond
	waited := false
	for {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got); err != nil {
			return nil, fmt.Errorf("taking the lock %s: %w", target, err)
		}
		if got.Valid && got.Int64 == 1 {
			return func() error {
				// The run's context may be cancelled; the lock must still go.
				if _, err := conn.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK(?)", name); err != nil {
					return fmt.Errorf("releasing the lock %s: %w", target, err)
				}
				return nil
			}, nil
		}
		if !got.Valid {
			return nil, fmt.Errorf("taking the lock %s: GET_LOCK returned NULL (the server could not take the lock)", target)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &dialect.LockTimeoutError{Target: target, Holder: d.holder(ctx, conn, name), Waited: time.Since(start)}
		}
		if !waited {
			waited = true
			if opts.Waiting != nil {
				holder := d.holder(ctx, conn, name)
				if holder == "" {
					holder = "another process" // as LockOptions promises
				}
				opts.Waiting(target, holder)
			}
		}
		t := time.NewTimer(min(backoff, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, 250*time.Millisecond)
	}
}

// holder describes the session holding the lock, "connection 42, user
// root, host 127.0.0.1:51234", or as much of it as the server shows (a user
// without PROCESS privilege sees only its own sessions).
func (d *DB) holder(ctx context.Context, conn *sql.Conn, name string) string {
	var id sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT IS_USED_LOCK(?)", name).Scan(&id); err != nil || !id.Valid {
		return "" // released meanwhile, or unknown: the caller says "another process"
	}
	desc := "connection " + strconv.FormatInt(id.Int64, 10)
	var user, host sql.NullString
	err := conn.QueryRowContext(ctx, "SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?", id.Int64).Scan(&user, &host)
	if err == nil {
		desc += ", user " + user.String + ", host " + host.String
	}
	return desc
}
