package mysql_test

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// server is one test's database, through one connection (MySQL's session
// state, such as the current database, belongs to a connection).
type server struct {
	conn    *sql.Conn
	mariadb bool
}

func newServer(t *testing.T) *server {
	t.Helper()
	db := open(t, testdb.MySQL(t))
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var v string
	if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return &server{conn: conn, mariadb: strings.Contains(v, "MariaDB")}
}

// run renders and executes operations in order, as a migration does.
func (s *server) run(t *testing.T, ops ...op.Op) {
	t.Helper()
	if err := s.try(ops...); err != nil {
		t.Fatal(err)
	}
}

func (s *server) try(ops ...op.Op) error {
	return op.New("mysql", mysql.Dialect{}, s.conn, func(ctx context.Context, stmt string) error {
		_, err := s.conn.ExecContext(ctx, stmt)
		return err
	}).Run(ctx, ops...)
}

func (s *server) exec(t *testing.T, stmts ...string) {
	t.Helper()
	for _, st := range stmts {
		if _, err := s.conn.ExecContext(ctx, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

func (s *server) table(t *testing.T, name string) *schema.Table {
	t.Helper()
	sc, err := mysql.Dialect{}.Inspect(ctx, s.conn, name)
	if err != nil {
		t.Fatal(err)
	}
	tb := sc.Table(name)
	if tb == nil {
		t.Fatalf("table %s does not exist", name)
	}
	return tb
}

// richTable has every portable type, a composite primary key, named and
// unnamed unique constraints, a self-referencing and a cross-table foreign
// key with actions, named and unnamed checks, comments and table options.
func richTable() *schema.Table {
	return schema.NewTable("rich",
		schema.Col("id", schema.BigInt(), schema.PrimaryKey()),
		schema.Col("seq", schema.SmallInt(), schema.PrimaryKey()),
		schema.Col("n", schema.Integer(), schema.Default("0")),
		schema.Col("flag", schema.Boolean(), schema.NotNull(), schema.Default("1")),
		schema.Col("label", schema.String(40), schema.Default("'it''s'"), schema.Comment(`what people see, "quoted" \ too`)),
		schema.Col("code", schema.String(8)),
		schema.Col("body", schema.Text()),
		schema.Col("born", schema.Date()),
		schema.Col("at", schema.Time()),
		schema.Col("stamp", schema.DateTime(), schema.Default("CURRENT_TIMESTAMP")),
		schema.Col("amount", schema.Numeric(10, 2)),
		schema.Col("ratio", schema.Float()),
		schema.Col("bytes", schema.Binary(16)),
		schema.Col("blob", schema.Binary(0)),
		schema.Col("token", schema.UUID(), schema.NotNull()),
		schema.Col("doc", schema.JSON()),
		schema.Col("state", schema.Enum("draft", "it's", `a\b`), schema.Default("'draft'")),
		schema.Col("tiny", schema.Raw("", "mysql", "TINYTEXT")),
		schema.Col("parent_id", schema.Integer(), schema.References("parent", "id", schema.OnDelete("CASCADE"), schema.OnUpdate("SET NULL"))),
		schema.Col("twin_id", schema.BigInt()),
		schema.Col("twin_seq", schema.SmallInt()),
		schema.UniqueOn("uq_rich_label", "label"),
		schema.UniqueOn("", "code", "token"),
		schema.UniqueIndexOn("ux_rich_token", "token"),
		schema.IndexOn("ix_rich_stamp", "stamp", "born"),
		schema.ForeignKeyOn("fk_rich_twin", []string{"twin_id", "twin_seq"}, "rich", []string{"id", "seq"}, schema.OnDelete("SET NULL")),
		schema.CheckOn("ck_rich_amount", "amount > 0"),
		schema.CheckOn("", "seq >= 0"),
		schema.TableComment("every kind of column"),
		schema.MySQLOptions(schema.Options{Engine: "InnoDB", Charset: "utf8mb4", Collate: "utf8mb4_unicode_ci"}),
	)
}

func parentTable() *schema.Table {
	return schema.NewTable("parent", schema.Col("id", schema.Integer(), schema.PrimaryKey()), schema.Col("code", schema.String(16), schema.NotNull()))
}

// TestInspectRichTable creates the rich table from its declaration and
// checks every part of what Inspect reads back.
func TestInspectRichTable(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()})
	got := s.table(t, "rich")

	want := richTable()
	want.PrimaryKey.Name = "PRIMARY"
	// What the server reports differently from what was declared:
	// MySQL knows no unique constraints, only unique indexes, and names an
	// unnamed one after its first column; it names an unnamed check itself.
	want.Indexes = []*schema.Index{
		{Name: "code", Columns: []string{"code", "token"}, Unique: true},
		{Name: "ix_rich_stamp", Columns: []string{"stamp", "born"}},
		{Name: "uq_rich_label", Columns: []string{"label"}, Unique: true},
		{Name: "ux_rich_token", Columns: []string{"token"}, Unique: true},
	}
	want.Uniques = nil
	// The indexes MySQL made for the foreign keys are not listed, but each
	// key names its own.
	for _, fk := range want.ForeignKeys {
		fk.Index = fk.Name
	}
	unnamedCheck, stamp := "rich_chk_1", "CURRENT_TIMESTAMP"
	if s.mariadb {
		unnamedCheck, stamp = "CONSTRAINT_1", "current_timestamp()"
	}
	want.Checks = []*schema.CheckConstraint{{Name: unnamedCheck, Expr: "`seq` >= 0"}, {Name: "ck_rich_amount", Expr: "`amount` > 0"}}
	slices.SortFunc(want.Checks, func(a, b *schema.CheckConstraint) int { return strings.Compare(a.Name, b.Name) })
	want.Column("stamp").Default = stamp
	want.Column("tiny").Type = schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"mysql": "tinytext"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rich inspects as\n %s\nwant\n %s", describe(got), describe(want))
	}
	for i, c := range want.Columns {
		if i < len(got.Columns) && !reflect.DeepEqual(got.Columns[i], c) {
			t.Errorf("column %s: got %+v, want %+v", c.Name, *got.Columns[i], *c)
		}
	}
}

// TestInspectServerQuirks reads a table written in the server's own SQL,
// with what MariaDB and MySQL report in their own ways.
func TestInspectServerQuirks(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: parentTable()})
	s.exec(t, "CREATE TABLE quirks ("+
		"id INT(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, "+
		"plain VARCHAR(10), "+
		"null_text VARCHAR(10) DEFAULT 'NULL', "+
		"empty VARCHAR(10) NOT NULL DEFAULT '', "+
		"doc JSON, "+
		"flag TINYINT(1) DEFAULT 1, "+
		"small TINYINT, "+
		"pos INT UNSIGNED, "+
		"p INT, "+
		"q INT, "+
		"FOREIGN KEY (p) REFERENCES parent (id), "+
		"CONSTRAINT fk_q FOREIGN KEY (q) REFERENCES parent (id) ON DELETE NO ACTION ON UPDATE RESTRICT) COMMENT 'q''s'")
	got := s.table(t, "quirks")
	cols := map[string]string{}
	for _, c := range got.Columns {
		cols[c.Name] = c.Type.String() + "|" + c.Default
		if c.AutoIncrement {
			cols[c.Name] += "|auto"
		}
	}
	small, pos := "tinyint(4)", "int(10) unsigned"
	if !s.mariadb {
		small, pos = "tinyint", "int unsigned"
	}
	wantCols := map[string]string{
		"id": "integer||auto", "plain": "string(10)|", "null_text": "string(10)|'NULL'", "empty": "string(10)|''",
		"doc": "json|", "flag": "boolean|1", "small": "raw(mysql:" + small + ")|", "pos": "raw(mysql:" + pos + ")|",
		"p": "integer|", "q": "integer|",
	}
	if !reflect.DeepEqual(cols, wantCols) {
		t.Errorf("columns (type|default):\n got  %v\n want %v", cols, wantCols)
	}
	if len(got.Checks) != 0 {
		t.Errorf("checks %+v: MariaDB's json_valid check belongs to the json type", got.Checks[0])
	}
	// The indexes MySQL made for the two foreign keys (p, fk_q) are theirs.
	if len(got.Indexes) != 0 {
		t.Errorf("indexes %s: the foreign keys' own indexes are listed", describe(got))
	}
	wantFKs := []*schema.ForeignKeyConstraint{
		{Name: "fk_q", Columns: []string{"q"}, RefTable: "parent", RefColumns: []string{"id"}, Index: "fk_q"},
		{Name: "quirks_ibfk_1", Columns: []string{"p"}, RefTable: "parent", RefColumns: []string{"id"}, Index: "p"},
	}
	if !reflect.DeepEqual(got.ForeignKeys, wantFKs) {
		t.Errorf("foreign keys: %s", describe(got))
	}
	if got.Comment != "q's" || got.Options.Engine != "InnoDB" || got.Options.Charset != "utf8mb4" || !strings.HasPrefix(got.Options.Collate, "utf8mb4_") {
		t.Errorf("comment %q, options %+v", got.Comment, got.Options)
	}
}

// countingQuerier counts the queries Inspect makes.
type countingQuerier struct {
	dialect.Querier
	n int
}

func (c *countingQuerier) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.n++
	return c.Querier.QueryContext(ctx, q, args...)
}

func (c *countingQuerier) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	c.n++
	return c.Querier.QueryRowContext(ctx, q, args...)
}

// TestInspectQueryCount: the number of catalog queries does not grow with
// the number of tables, and names restrict what is read.
func TestInspectQueryCount(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()}, &op.CreateTable{Table: snapshotsTable()})
	one := &countingQuerier{Querier: s.conn}
	sc, err := mysql.Dialect{}.Inspect(ctx, one, "rich", "no_such_table")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Tables) != 1 || sc.Tables[0].Name != "rich" {
		t.Errorf("inspecting rich gave %d tables", len(sc.Tables))
	}
	all := &countingQuerier{Querier: s.conn}
	sc, err = mysql.Dialect{}.Inspect(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range sc.Tables {
		names = append(names, tb.Name)
	}
	if strings.Join(names, ",") != "database_snapshots,parent,rich" {
		t.Errorf("tables %v, want them sorted by name", names)
	}
	if one.n != all.n || all.n > 6 {
		t.Errorf("one table took %d queries, three took %d: want the same, at most 6", one.n, all.n)
	}
	empty, err := mysql.Dialect{}.Inspect(ctx, s.conn, "no_such_table")
	if err != nil || len(empty.Tables) != 0 {
		t.Errorf("a missing table inspects as %v, %v", empty, err)
	}
}

// TestSnapshotsTable: the reference table inspects as declared.
func TestSnapshotsTable(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: snapshotsTable()})
	got := s.table(t, "database_snapshots")
	want := snapshotsTable()
	want.PrimaryKey.Name = "PRIMARY"
	want.Options = got.Options   // the server's defaults
	slices.Reverse(want.Indexes) // declared uuid, user_id; inspected by name
	if !reflect.DeepEqual(got, want) {
		t.Errorf("database_snapshots inspects as\n %s\nwant\n %s", describe(got), describe(want))
	}
	if got.Options.Engine != "InnoDB" || got.Options.Charset != "utf8mb4" {
		t.Errorf("options %+v", got.Options)
	}
}

// describe prints a table for failure messages.
func describe(t *schema.Table) string {
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
		if c.Comment != "" {
			b.WriteString(" comment " + c.Comment)
		}
	}
	b.WriteString(")")
	if t.PrimaryKey != nil {
		b.WriteString(" pk " + t.PrimaryKey.Name + "(" + strings.Join(t.PrimaryKey.Columns, ",") + ")")
	}
	for _, ix := range t.Indexes {
		b.WriteString(" index " + ix.Name + "(" + strings.Join(ix.Columns, ",") + ")")
		if ix.Unique {
			b.WriteString(" unique")
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
		b.WriteString(" check " + c.Name + " " + c.Expr)
	}
	if t.Comment != "" {
		b.WriteString(" comment " + t.Comment)
	}
	b.WriteString(" options " + t.Options.Engine + "/" + t.Options.Charset + "/" + t.Options.Collate)
	return b.String()
}
