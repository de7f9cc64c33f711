package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// testConn opens a database file of the test's own and one connection to
// it, as a migration run holds one.
func testConn(t testing.TB) *sql.Conn {
	t.Helper()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// migrate runs ops the way the runtime runs one migration on SQLite:
// BEGIN IMMEDIATE on the run's connection, each operation rendered on that
// connection and its statements executed there, then COMMIT, or ROLLBACK
// after a failure. It returns the operations' error.
func migrate(conn *sql.Conn, ops ...op.Op) error {
	if _, err := conn.ExecContext(ctx, Dialect{}.BeginSQL()); err != nil {
		return err
	}
	exec := func(ctx context.Context, stmt string) error {
		_, err := conn.ExecContext(ctx, stmt)
		return err
	}
	err := op.New("sqlite", Dialect{}, conn, exec).Run(ctx, ops...)
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	if _, cerr := conn.ExecContext(ctx, end); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func mustMigrate(t testing.TB, conn *sql.Conn, ops ...op.Op) {
	t.Helper()
	if err := migrate(conn, ops...); err != nil {
		t.Fatal(err)
	}
}

// inspectTable inspects one table, failing the test when it is missing.
func inspectTable(t testing.TB, conn *sql.Conn, name string) *schema.Table {
	t.Helper()
	s, err := Dialect{}.Inspect(ctx, conn, name)
	if err != nil {
		t.Fatalf("inspecting %s: %v", name, err)
	}
	tb := s.Table(name)
	if tb == nil {
		t.Fatalf("table %s does not exist", name)
	}
	return tb
}

// exec runs statements outside any migration, for test fixtures.
func exec(t testing.TB, conn *sql.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// strs runs a query whose rows are one value each, as text.
func strs(t testing.TB, conn *sql.Conn, query string, args ...any) []string {
	t.Helper()
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// one runs a query with a single text result.
func one(t testing.TB, conn *sql.Conn, query string, args ...any) string {
	t.Helper()
	got := strs(t, conn, query, args...)
	if len(got) != 1 {
		t.Fatalf("%s: %d rows, want 1", query, len(got))
	}
	return got[0]
}

// sameTable fails unless got and want are the same model.
func sameTable(t testing.TB, got, want *schema.Table, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, show(got), show(want))
	}
}

// show prints a table model for failure messages.
func show(t *schema.Table) string {
	var b strings.Builder
	b.WriteString(t.Name + "(")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name + " " + c.Type.String())
		if !c.Nullable {
			b.WriteString(" not null")
		}
		if c.Default != "" {
			b.WriteString(" default " + c.Default)
		}
		if c.AutoIncrement {
			b.WriteString(" autoincrement")
		}
	}
	b.WriteString(")")
	if pk := t.PrimaryKey; pk != nil {
		b.WriteString(" pk " + pk.Name + "(" + strings.Join(pk.Columns, ",") + ")")
	}
	for _, ix := range t.Indexes {
		b.WriteString(" index " + ix.Name + "(" + strings.Join(ix.Columns, ",") + ")")
		if ix.Unique {
			b.WriteString(" unique")
		}
		if ix.Where != "" {
			b.WriteString(" where " + ix.Where)
		}
	}
	for _, u := range t.Uniques {
		b.WriteString(" unique " + u.Name + "(" + strings.Join(u.Columns, ",") + ")")
	}
	for _, fk := range t.ForeignKeys {
		b.WriteString(" fk " + fk.Name + "(" + strings.Join(fk.Columns, ",") + ")->" + fk.RefTable + "(" + strings.Join(fk.RefColumns, ",") + ")")
		if fk.OnDelete != "" {
			b.WriteString(" on delete " + fk.OnDelete)
		}
		if fk.OnUpdate != "" {
			b.WriteString(" on update " + fk.OnUpdate)
		}
	}
	for _, c := range t.Checks {
		b.WriteString(" check " + c.Name + " (" + c.Expr + ")")
	}
	return b.String()
}
