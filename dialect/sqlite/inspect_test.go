package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

func TestPortableType(t *testing.T) {
	raw := func(s string) schema.Type {
		return schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"sqlite": s}}
	}
	for decl, want := range map[string]schema.Type{
		"INTEGER": schema.Integer(), "int": schema.Integer(), "SMALLINT": schema.SmallInt(), "BigInt": schema.BigInt(),
		"BOOLEAN": schema.Boolean(), "VARCHAR(36)": schema.String(36), "varchar ( 8 )": schema.String(8), "VARCHAR": schema.String(0),
		"CHAR(36)": schema.UUID(), "TEXT": schema.Text(), "DATE": schema.Date(), "TIME": schema.Time(),
		"DATETIME": schema.DateTime(), "TIMESTAMP": schema.DateTime(), "NUMERIC(10,2)": schema.Numeric(10, 2),
		"DECIMAL(8, 3)": schema.Numeric(8, 3), "NUMERIC(5)": schema.Numeric(5, 0), "NUMERIC": schema.Numeric(0, 0),
		"FLOAT": schema.Float(), "REAL": schema.Float(), "DOUBLE": schema.Float(), "double  precision": schema.Float(),
		"BLOB": schema.Binary(0), "JSON": schema.JSON(),
		"CHAR(10)": raw("CHAR(10)"), "NVARCHAR(10)": raw("NVARCHAR(10)"), "INTEGER(11)": raw("INTEGER(11)"),
		"": raw(""), "UNSIGNED BIG INT": raw("UNSIGNED BIG INT"), "VARCHAR(10,2)": raw("VARCHAR(10,2)"),
	} {
		if got := portableType(decl); !got.Equal(want) {
			t.Errorf("%q: %s, want %s", decl, got, want)
		}
	}
}

// A schema written by hand, with SQLite's quirks: names in every quoting
// style, comments, strings holding commas, parentheses and quotes,
// foreign keys without columns, two keys to one table, expression and
// partial indexes.
func TestInspectHandWritten(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE "Parent Table" ([a b] INTEGER, "c""d" TEXT, PRIMARY KEY ([a b], "c""d"))`,
		`CREATE TABLE kid ( -- a comment, with a comma
			id integer CONSTRAINT [pk kid] PRIMARY KEY AUTOINCREMENT,
			x INT NOT NULL DEFAULT -1 CHECK (x <> 0),
			y VARCHAR(10) DEFAULT 'it''s, (really)' CONSTRAINT "uq ""y""" UNIQUE,
			z DATETIME DEFAULT (datetime('now')) /* block, comment */,
			pa INTEGER,
			pc TEXT,
			qa INTEGER, qc TEXT,
			self INTEGER REFERENCES kid,
			CONSTRAINT `+"`ck_xy`"+` CHECK ( x > 0 OR y IN ('a,b', ')') ),
			CONSTRAINT fk_p FOREIGN KEY (pa, pc) REFERENCES "Parent Table" ON DELETE SET DEFAULT ON UPDATE NO ACTION,
			FOREIGN KEY (qa, qc) REFERENCES "Parent Table" ([a b], "c""d") MATCH SIMPLE,
			UNIQUE (pa, pc),
			CONSTRAINT uq_q UNIQUE (qa, qc)
		)`,
		`CREATE INDEX ix_kid_expr ON kid (lower(y), x DESC)`,
		`CREATE UNIQUE INDEX ix_kid_partial ON kid (x) WHERE y IS NOT NULL AND x > 0`,
		`CREATE VIEW kid_view AS SELECT * FROM kid`,
		`INSERT INTO kid (x) VALUES (1)`, // makes sqlite_sequence
	)
	s, err := Dialect{}.Inspect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || s.Tables[0].Name != "Parent Table" || s.Tables[1].Name != "kid" {
		t.Fatalf("tables: %d", len(s.Tables))
	}
	sameTable(t, s.Tables[0], &schema.Table{Name: "Parent Table",
		Columns: []*schema.Column{
			{Name: "a b", Type: schema.Integer()},
			{Name: `c"d`, Type: schema.Text()},
		},
		PrimaryKey: &schema.PrimaryKeyConstraint{Columns: []string{"a b", `c"d`}},
	}, "Parent Table")
	sameTable(t, s.Tables[1], &schema.Table{Name: "kid",
		Columns: []*schema.Column{
			{Name: "id", Type: schema.Integer(), AutoIncrement: true},
			{Name: "x", Type: schema.Integer(), Default: "-1"},
			{Name: "y", Type: schema.String(10), Nullable: true, Default: "'it''s, (really)'"},
			{Name: "z", Type: schema.DateTime(), Nullable: true, Default: "datetime('now')"},
			{Name: "pa", Type: schema.Integer(), Nullable: true},
			{Name: "pc", Type: schema.Text(), Nullable: true},
			{Name: "qa", Type: schema.Integer(), Nullable: true},
			{Name: "qc", Type: schema.Text(), Nullable: true},
			{Name: "self", Type: schema.Integer(), Nullable: true},
		},
		PrimaryKey: &schema.PrimaryKeyConstraint{Name: "pk kid", Columns: []string{"id"}},
		Indexes: []*schema.Index{
			{Name: "ix_kid_expr", Columns: []string{"lower(y)", "x"}},
			{Name: "ix_kid_partial", Columns: []string{"x"}, Unique: true, Where: "y IS NOT NULL AND x > 0"},
		},
		Uniques: []*schema.UniqueConstraint{
			{Columns: []string{"pa", "pc"}},
			{Name: `uq "y"`, Columns: []string{"y"}},
			{Name: "uq_q", Columns: []string{"qa", "qc"}},
		},
		ForeignKeys: []*schema.ForeignKeyConstraint{
			{Columns: []string{"self"}, RefTable: "kid", RefColumns: []string{"id"}},
			{Columns: []string{"qa", "qc"}, RefTable: "Parent Table", RefColumns: []string{"a b", `c"d`}},
			{Name: "fk_p", Columns: []string{"pa", "pc"}, RefTable: "Parent Table", RefColumns: []string{"a b", `c"d`}, OnDelete: "SET DEFAULT"},
		},
		Checks: []*schema.CheckConstraint{
			{Expr: "x <> 0"},
			{Name: "ck_xy", Expr: "x > 0 OR y IN ('a,b', ')')"},
		},
	}, "kid")
}

// The default is what SQLite reports, trimmed: pragma table_info gives
// DEFAULT (datetime('now')) without its parentheses. A rebuild puts them
// back, and every default survives it.
func TestInspectDefaults(t *testing.T) {
	conn := testConn(t)
	exec(t, conn, `CREATE TABLE d (a TEXT DEFAULT CURRENT_TIMESTAMP, b INT DEFAULT +3, c TEXT DEFAULT '', e BLOB DEFAULT x'00', `+
		`f INT DEFAULT NULL, g TEXT DEFAULT (datetime('now')), h INT DEFAULT (1) , i INT DEFAULT -2, j INT)`)
	defaults := func() string {
		var got []string
		for _, c := range inspectTable(t, conn, "d").Columns {
			got = append(got, c.Default)
		}
		return strings.Join(got, "|")
	}
	want := "CURRENT_TIMESTAMP|+3|''|x'00'|NULL|datetime('now')|1|-2|"
	if got := defaults(); got != want {
		t.Errorf("defaults %q, want %q", got, want)
	}
	mustMigrate(t, conn, &op.AlterColumn{Table: "d", Column: "j", Default: op.Str("abs(-4) + 1")})
	if got := defaults(); got != strings.TrimSuffix(want, "|")+"|abs(-4) + 1" {
		t.Errorf("defaults after a rebuild %q", got)
	}
	exec(t, conn, `INSERT INTO d DEFAULT VALUES`)
	if got := one(t, conn, "SELECT quote(b) || quote(h) || quote(i) || quote(j) || typeof(g) FROM d"); got != "31-25text" {
		t.Errorf("the defaults give %s", got)
	}
}

// Inspect leaves out SQLite's own tables, a rebuild's leftover copy,
// virtual tables and their shadow tables, and with names reads only those (in any case).
func TestInspectWhichTables(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT)`, `INSERT INTO b DEFAULT VALUES`,
		`CREATE TABLE a (x INT)`, `CREATE TABLE _retort_tmp_a (x INT)`, `CREATE TABLE "_retortXtmp" (x INT)`,
		`CREATE VIRTUAL TABLE v USING fts5(body)`, // and its shadow tables v_data, v_idx, ...
		`ANALYZE`, // sqlite_stat1
	)
	names := func(s *schema.Schema) string {
		var n []string
		for _, t := range s.Tables {
			n = append(n, t.Name)
		}
		return strings.Join(n, ",")
	}
	s, err := Dialect{}.Inspect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(s); got != "_retortXtmp,a,b" {
		t.Errorf("tables %s", got)
	}
	s, err = Dialect{}.Inspect(ctx, conn, "B", "nope", "a")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(s); got != "a,b" {
		t.Errorf("tables named B, nope, a: %s", got)
	}
}

// countingQuerier counts the queries Inspect makes.
type countingQuerier struct {
	dialect.Querier
	n int
}

func (c *countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n++
	return c.Querier.QueryContext(ctx, query, args...)
}

func (c *countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n++
	return c.Querier.QueryRowContext(ctx, query, args...)
}

// Four queries, for one table or thirty.
func TestInspectQueryCount(t *testing.T) {
	conn := testConn(t)
	count := func() int {
		q := &countingQuerier{Querier: conn}
		if _, err := (Dialect{}).Inspect(ctx, q); err != nil {
			t.Fatal(err)
		}
		return q.n
	}
	exec(t, conn, `CREATE TABLE p (id INTEGER PRIMARY KEY)`, `CREATE TABLE t0 (id INTEGER PRIMARY KEY, p INT REFERENCES p, u TEXT UNIQUE)`, `CREATE INDEX ix0 ON t0 (p)`)
	one := count()
	for i := 1; i < 30; i++ {
		exec(t, conn, fmt.Sprintf(`CREATE TABLE t%d (id INTEGER PRIMARY KEY, p INT REFERENCES p, u TEXT UNIQUE)`, i), fmt.Sprintf(`CREATE INDEX ix%d ON t%d (p)`, i, i))
	}
	if thirty := count(); one != 4 || thirty != 4 {
		t.Errorf("queries: %d for one table, %d for thirty; want 4", one, thirty)
	}
}
