package testdb

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retort-sql/retort/config"
)

// exists reports whether the database named by a URL is on its server,
// asked through a separate admin connection from the server URL in env.
func exists(t *testing.T, dialect, name string) bool {
	t.Helper()
	var n int
	switch dialect {
	case "postgresql":
		u := serverURL(t, EnvPostgres, dialect)
		dsn, _ := u.PgxDSN()
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
	default:
		u := serverURL(t, EnvMySQL, dialect)
		cfg, err := u.MySQLConfig()
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n == 1
}

// use connects to a test database, creates a table in it and leaves the
// connection open, as a careless test would: cleanup must cope. It returns
// a func that closes the leaked connection.
func use(t *testing.T, raw string) (closeLeaked func()) {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", raw, err)
	}
	ctx := context.Background()
	const ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY)"
	switch u.Dialect {
	case "postgresql":
		dsn, err := u.PgxDSN()
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatalf("using %s: %v", u.Redacted(), err)
		}
		return func() { conn.Close(ctx) }
	default:
		cfg, err := u.MySQLConfig()
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatalf("using %s: %v", u.Redacted(), err)
		}
		if _, err := db.Conn(ctx); err != nil { // held open past the test's end
			t.Fatal(err)
		}
		return func() { db.Close() }
	}
}

func testServer(t *testing.T, dialect string, create func(testing.TB) string) {
	var name string
	closeLeaked := func() {}
	t.Run("inner", func(t *testing.T) {
		raw := create(t)
		u, err := config.ParseURL(raw)
		if err != nil {
			t.Fatalf("returned URL %q does not parse: %v", raw, err)
		}
		if u.Dialect != dialect || !strings.HasPrefix(raw, dialect+"://") {
			t.Fatalf("returned URL %s, want a %s:// URL", u.Redacted(), dialect)
		}
		name = u.Database
		if !strings.HasPrefix(name, "rt_testpostgres_inner_") && !strings.HasPrefix(name, "rt_testmysql_inner_") {
			t.Errorf("database name %q does not name the test", name)
		}
		if !exists(t, dialect, name) {
			t.Fatalf("database %s was not created", name)
		}
		closeLeaked = use(t, raw)
		// A second call gets a different database.
		other, _ := config.ParseURL(create(t))
		if other.Database == name {
			t.Errorf("two calls returned the same database %s", name)
		}
	})
	defer closeLeaked()
	if name != "" && exists(t, dialect, name) {
		t.Errorf("database %s still exists after the test ended", name)
	}
}

func TestPostgres(t *testing.T) { testServer(t, "postgresql", Postgres) }

func TestMySQL(t *testing.T) { testServer(t, "mysql", MySQL) }

func TestSQLite(t *testing.T) {
	raw := SQLite(t)
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Dialect != "sqlite" || !strings.HasPrefix(u.Database, "/") || !strings.HasSuffix(u.Database, "/test.db") || !strings.HasPrefix(raw, "sqlite:////") {
		t.Errorf("SQLite() = %q (database %q)", raw, u.Database)
	}
}

func TestUniqueName(t *testing.T) {
	t.Run("a/very long (sub) test name with UPPER case and punctuation!? repeated repeated repeated", func(t *testing.T) {
		n := uniqueName(t)
		if len(n) > 63 || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("uniqueName = %q (%d chars)", n, len(n))
		}
	})
}
