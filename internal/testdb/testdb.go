// Package testdb gives each test a database of its own on the test servers
// named by RETORT_TEST_POSTGRES and RETORT_TEST_MYSQL (see scripts/test-servers.sh
// and `make test`), and drops it when the test ends.
//
// Without the variable a test skips, saying which variable to set; with
// RETORT_TEST_REQUIRE_SERVERS=1 (CI) it fails instead, so that a missing
// server can never turn a CI run green by skipping.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" database/sql driver
	"github.com/jackc/pgx/v5"

	"github.com/retort-sql/retort/config"
)

// Environment variables read by this package.
const (
	EnvPostgres       = "RETORT_TEST_POSTGRES"
	EnvMySQL          = "RETORT_TEST_MYSQL"
	EnvRequireServers = "RETORT_TEST_REQUIRE_SERVERS"
)

// setupTimeout bounds creating or dropping a database, so that a hung
// server fails the test instead of the whole run timing out.
const setupTimeout = 30 * time.Second

// Postgres creates a fresh database on the RETORT_TEST_POSTGRES server and
// returns a retort URL (postgresql://...) for it. The database is dropped
// when the test ends, after terminating any connection the test left open.
func Postgres(t testing.TB) string {
	t.Helper()
	server := serverURL(t, EnvPostgres, "postgresql")
	dsn, err := server.PgxDSN()
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvPostgres, err)
	}
	// pgx's own API rather than database/sql: pgx/v5/stdlib pulls in
	// pgxpool, whose puddle dependency go.sum does not list yet.
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("testdb: connecting to %s: %s", server.Redacted(), server.Mask(err.Error()))
	}
	name := uniqueName(t)
	if _, err := admin.Exec(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		admin.Close(context.Background())
		t.Fatalf("testdb: creating database %s on %s: %s", name, server.Redacted(), server.Mask(err.Error()))
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		defer admin.Close(ctx)
		// A test that leaks a connection would otherwise make DROP DATABASE
		// fail with "being accessed by other users".
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name); err != nil {
			t.Errorf("testdb: terminating connections to %s: %s", name, server.Mask(err.Error()))
		}
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS "`+name+`"`); err != nil {
			t.Errorf("testdb: dropping database %s: %s", name, server.Mask(err.Error()))
		}
	})

	u := *server
	u.Backend, u.Driver, u.Database = "postgresql", "", name
	return u.Reveal()
}

// MySQL creates a fresh database on the RETORT_TEST_MYSQL server (MySQL or
// MariaDB) and returns a retort URL (mysql://...) for it, dropped when the
// test ends.
func MySQL(t testing.TB) string {
	t.Helper()
	server := serverURL(t, EnvMySQL, "mysql")
	cfg, err := server.MySQLConfig()
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvMySQL, err)
	}
	cfg.DBName = ""
	admin := open(t, "mysql", cfg.FormatDSN(), server)
	name := uniqueName(t)

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4"); err != nil {
		admin.Close()
		t.Fatalf("testdb: creating database %s on %s: %s", name, server.Redacted(), server.Mask(err.Error()))
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		// MySQL's DROP DATABASE waits for metadata locks held by open
		// sessions, so kill what the test left behind first.
		rows, err := admin.QueryContext(ctx, "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()", name)
		if err == nil {
			var ids []int64
			for rows.Next() {
				var id int64
				if rows.Scan(&id) == nil {
					ids = append(ids, id)
				}
			}
			rows.Close()
			for _, id := range ids {
				// The session may end by itself meanwhile: ignore errors.
				_, _ = admin.ExecContext(ctx, fmt.Sprintf("KILL %d", id))
			}
		}
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("testdb: dropping database %s: %s", name, server.Mask(err.Error()))
		}
	})

	u := *server
	u.Database = name
	if u.Backend == "" {
		u.Backend = "mysql"
	}
	return u.Reveal()
}

// SQLite returns a URL for a SQLite file in the test's temporary directory
// (removed with it).
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:///" + filepath.ToSlash(filepath.Join(t.TempDir(), "test.db"))
}

// serverURL reads and parses the server URL in env, skipping (or, when
// servers are required, failing) the test when it is unset.
func serverURL(t testing.TB, env, dialect string) *config.URL {
	t.Helper()
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		msg := fmt.Sprintf("testdb: %s is not set: this test needs a %s server (run `make test`, or set %s to a URL such as %s)", env, dialect, env, example(dialect))
		if os.Getenv(EnvRequireServers) == "1" {
			t.Fatal(msg + "; " + EnvRequireServers + "=1 makes that a failure")
		}
		t.Skip(msg)
	}
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatalf("testdb: %s: %v", env, err)
	}
	if u.Dialect != dialect {
		t.Fatalf("testdb: %s is a %s URL (%s), want %s", env, u.Dialect, u.Redacted(), dialect)
	}
	return u
}

func example(dialect string) string {
	if dialect == "postgresql" {
		return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	return "mysql://root@127.0.0.1:3306/"
}

// open connects to the server's administrative database and checks that it
// answers, so that an unreachable server is reported as such.
func open(t testing.TB, driver, dsn string, server *config.URL) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("testdb: opening %s: %s", server.Redacted(), server.Mask(err.Error()))
	}
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		t.Fatalf("testdb: connecting to %s: %s", server.Redacted(), server.Mask(err.Error()))
	}
	return db
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// uniqueName makes a database name that says which test it belongs to (for
// whoever finds one left behind by a killed run) and cannot collide between
// parallel tests or packages. It stays within MySQL's 64 and PostgreSQL's 63
// character limits.
func uniqueName(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testdb: random name: %v", err)
	}
	slug := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_")
	if len(slug) > 36 {
		slug = slug[:36]
	}
	return "rt_" + slug + "_" + hex.EncodeToString(b[:])
}

// Queryer is what *sql.DB, *sql.Conn and *sql.Tx share for reading.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Strings runs a query returning one text column and returns its values in
// order, failing the test on any error: how tests list tables, version
// rows and the like.
func Strings(t testing.TB, q Queryer, query string, args ...any) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}
