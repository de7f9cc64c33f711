// Package dialecttest runs a test once per dialect, each on a database of
// its own (internal/testdb), with what operation tests need at hand: the
// dialect, one connection, its renderer and its inspector, and a way to
// run operations as a migration step does.
package dialecttest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
)

// Dialects are the three, each with the function that makes a test's
// database of it (which skips the test when its server is not set, or
// fails it when servers are required).
var Dialects = []struct {
	Name string
	URL  func(testing.TB) string
}{
	{"sqlite", testdb.SQLite},
	{"postgresql", testdb.Postgres},
	{"mysql", testdb.MySQL},
}

// DB is one test's database of one dialect.
type DB struct {
	Dialect   string // sqlite, postgresql or mysql
	D         dialect.Dialect
	Conn      *sql.Conn
	Renderer  op.Renderer
	Inspector dialect.Inspector
}

// Each runs fn in a subtest per dialect, on a database of its own.
func Each(t *testing.T, fn func(t *testing.T, db *DB)) {
	for _, dc := range Dialects {
		t.Run(dc.Name, func(t *testing.T) {
			fn(t, Open(t, dc.Name, dc.URL(t)))
		})
	}
}

// Open connects to the database at url, closed when t ends.
func Open(t *testing.T, name, url string) *DB {
	t.Helper()
	ctx := context.Background()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := &DB{Dialect: name, D: db.Dialect(), Conn: conn}
	var ok bool
	if h.Renderer, ok = db.Dialect().(op.Renderer); !ok {
		t.Fatalf("dialect %s renders no operations", name)
	}
	if h.Inspector, ok = db.Dialect().(dialect.Inspector); !ok {
		t.Fatalf("dialect %s inspects nothing", name)
	}
	return h
}

// Run runs operations as one migration step does (in a transaction where
// DDL is transactional, statement by statement otherwise), failing t on
// an error.
func (h *DB) Run(t *testing.T, ops ...op.Op) {
	t.Helper()
	if err := h.Try(ops...); err != nil {
		t.Fatal(err)
	}
}

// Try is Run returning the error.
func (h *DB) Try(ops ...op.Op) error {
	ctx := context.Background()
	tx := h.D.TransactionalDDL()
	if tx {
		if _, err := h.Conn.ExecContext(ctx, h.D.BeginSQL()); err != nil {
			return err
		}
	}
	handle := op.New(h.Dialect, h.Renderer, h.Conn, func(ctx context.Context, stmt string) error {
		_, err := h.Conn.ExecContext(ctx, stmt)
		return err
	})
	err := handle.Run(ctx, ops...)
	if tx {
		end := "COMMIT"
		if err != nil {
			end = "ROLLBACK"
		}
		if _, cerr := h.Conn.ExecContext(ctx, end); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// Inspect reads the database's tables (or only those named).
func (h *DB) Inspect(t *testing.T, names ...string) *schema.Schema {
	t.Helper()
	s, err := h.Inspector.Inspect(context.Background(), h.Conn, names...)
	if err != nil {
		t.Fatalf("inspecting: %v", err)
	}
	return s
}
