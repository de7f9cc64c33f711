package mysql_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// childDDL is written in MySQL's own SQL, for what the portable model
// cannot declare but an ALTER must keep: a column collation other than the
// table's, and ON UPDATE.
const childDDL = "CREATE TABLE child (" +
	"id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, " +
	"parent_id INT NULL, " +
	"name VARCHAR(32) NOT NULL COMMENT 'shown', " +
	"score INT NULL DEFAULT 5 COMMENT 'points', " +
	"note VARCHAR(64) NULL, " +
	"tag VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL, " +
	"touched DATETIME NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, " +
	"INDEX ix_child_name (name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"

func setupChild(t *testing.T, s *server) {
	t.Helper()
	s.run(t, &op.CreateTable{Table: parentTable()})
	s.exec(t, childDDL)
	s.run(t,
		&op.BulkInsert{Table: "parent", Columns: []string{"id", "code"}, Rows: [][]any{{1, "a"}, {2, "b"}}},
		&op.BulkInsert{Table: "child", Columns: []string{"parent_id", "name", "score", "note", "tag"}, Rows: [][]any{
			{1, "one", 10, "it's", "A"}, {2, "two", 20, nil, "b"}, {1, "three", nil, `back\slash`, nil}}})
}

// columnFacts reads what the model does not hold: collation and EXTRA.
func columnFacts(t *testing.T, s *server, col string) string {
	t.Helper()
	got := testdb.Strings(t, s.conn, "SELECT CONCAT(COALESCE(COLLATION_NAME, ''), '|', LOWER(EXTRA)) FROM information_schema.COLUMNS "+
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'child' AND COLUMN_NAME = ?", col)
	if len(got) != 1 {
		t.Fatalf("column %s: %v", col, got)
	}
	return got[0]
}

// TestOperationsRoundTrip runs each operation on the live database, checks
// the inspected result, runs the reverse operation and checks that the
// table inspects as it did before.
func TestOperationsRoundTrip(t *testing.T) {
	s := newServer(t)
	setupChild(t, s)
	original := s.table(t, "child")
	col := func(tb *schema.Table, name string) *schema.Column {
		c := tb.Column(name)
		if c == nil {
			t.Fatalf("no column %s: %s", name, describe(tb))
		}
		return c
	}
	cases := []struct {
		name    string
		forward []op.Op
		check   func(t *testing.T, tb *schema.Table)
		reverse []op.Op
	}{
		{
			name:    "add and drop column",
			forward: []op.Op{&op.AddColumn{Table: "child", Column: schema.NewColumn("state", schema.Enum("new", "old"), schema.NotNull(), schema.Default("'new'"), schema.Comment("lifecycle"))}},
			check: func(t *testing.T, tb *schema.Table) {
				c := col(tb, "state")
				if !c.Type.Equal(schema.Enum("new", "old")) || c.Nullable || c.Default != "'new'" || c.Comment != "lifecycle" {
					t.Errorf("state: %+v", *c)
				}
				if got := testdb.Strings(t, s.conn, "SELECT state FROM child"); strings.Join(got, ",") != "new,new,new" {
					t.Errorf("existing rows got %v", got)
				}
			},
			reverse: []op.Op{&op.DropColumn{Table: "child", Column: "state"}},
		},
		{
			name:    "nullability alone keeps comment and default",
			forward: []op.Op{&op.Execute{SQL: "UPDATE child SET score = 0 WHERE score IS NULL"}, &op.AlterColumn{Table: "child", Column: "score", Nullable: op.Bool(false)}},
			check: func(t *testing.T, tb *schema.Table) {
				c := col(tb, "score")
				if c.Nullable || c.Comment != "points" || c.Default != "5" || !c.Type.Equal(schema.Integer()) {
					t.Errorf("score: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Nullable: op.Bool(true)}, &op.Execute{SQL: "UPDATE child SET score = NULL WHERE score = 0"}},
		},
		{
			name:    "type",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.String(128))}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := col(tb, "note"); !c.Type.Equal(schema.String(128)) || !c.Nullable {
					t.Errorf("note: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.String(64))}},
		},
		{
			name:    "comment alone keeps NOT NULL",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str(`it's "new" \ here`)}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := col(tb, "name"); c.Comment != `it's "new" \ here` || c.Nullable || !c.Type.Equal(schema.String(32)) {
					t.Errorf("name: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str("shown")}},
		},
		{
			name:    "rename and type together (CHANGE COLUMN)",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Rename: "points", Type: op.TypePtr(schema.BigInt())}},
			check: func(t *testing.T, tb *schema.Table) {
				if tb.Column("score") != nil {
					t.Error("score still there")
				}
				if c := col(tb, "points"); !c.Type.Equal(schema.BigInt()) || c.Comment != "points" || c.Default != "5" || !c.Nullable {
					t.Errorf("points: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "points", Rename: "score", Type: op.TypePtr(schema.Integer())}},
		},
		{
			name:    "rename alone keeps the collation",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "tag", Rename: "label"}},
			check: func(t *testing.T, tb *schema.Table) {
				col(tb, "label")
				if f := columnFacts(t, s, "label"); !strings.HasPrefix(f, "utf8mb4_bin|") {
					t.Errorf("label: %s", f)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "label", Rename: "tag"}},
		},
		{
			name:    "type change keeps the collation",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "tag", Type: op.TypePtr(schema.String(16))}},
			check: func(t *testing.T, tb *schema.Table) {
				if f := columnFacts(t, s, "tag"); !strings.HasPrefix(f, "utf8mb4_bin|") {
					t.Errorf("tag: %s", f)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "tag", Type: op.TypePtr(schema.String(8))}},
		},
		{
			name:    "nullability keeps ON UPDATE",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "touched", Nullable: op.Bool(false)}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := col(tb, "touched"); c.Nullable || c.Default == "" {
					t.Errorf("touched: %+v", *c)
				}
				if f := columnFacts(t, s, "touched"); !strings.Contains(f, "on update current_timestamp") {
					t.Errorf("touched lost ON UPDATE: %s", f)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "touched", Nullable: op.Bool(true)}},
		},
		{
			name:    "default alone",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("7")}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := col(tb, "score"); c.Default != "7" || c.Comment != "points" {
					t.Errorf("score: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("5")}},
		},
		{
			name:    "expression default and drop default",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Default: op.Str("CONCAT('a', 'b')")}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := col(tb, "note"); !strings.Contains(strings.ToLower(c.Default), "concat") {
					t.Errorf("note: %+v", *c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Default: op.Str("")}},
		},
		{
			name:    "table comment",
			forward: []op.Op{&op.SetTableComment{Table: "child", Comment: `kids' \ table`}},
			check: func(t *testing.T, tb *schema.Table) {
				if tb.Comment != `kids' \ table` {
					t.Errorf("comment %q", tb.Comment)
				}
			},
			reverse: []op.Op{&op.SetTableComment{Table: "child", Comment: ""}},
		},
		{
			name:    "index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ix_child_score", Columns: []string{"score", "name"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if ix := tb.Index("ix_child_score"); ix == nil || ix.Unique || strings.Join(ix.Columns, ",") != "score,name" {
					t.Errorf("indexes: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ix_child_score"}},
		},
		{
			name:    "unique constraint is a unique index",
			forward: []op.Op{&op.AddUnique{Table: "child", Constraint: &schema.UniqueConstraint{Name: "uq_child_name", Columns: []string{"name"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if ix := tb.Index("uq_child_name"); ix == nil || !ix.Unique || len(tb.Uniques) != 0 {
					t.Errorf("indexes: %s", describe(tb))
				}
				if s.try(&op.BulkInsert{Table: "child", Columns: []string{"name"}, Rows: [][]any{{"one"}}}) == nil {
					t.Error("a duplicate name was accepted")
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "uq_child_name", Kind: op.Unique}},
		},
		{
			name: "named foreign key and its index",
			forward: []op.Op{&op.AddForeignKey{Table: "child", Constraint: &schema.ForeignKeyConstraint{Name: "fk_child_parent",
				Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "RESTRICT"}}},
			check: func(t *testing.T, tb *schema.Table) {
				want := []*schema.ForeignKeyConstraint{{Name: "fk_child_parent", Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE", Index: "fk_child_parent"}}
				if !reflect.DeepEqual(tb.ForeignKeys, want) || len(tb.Indexes) != 1 {
					t.Errorf("foreign keys: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "fk_child_parent", Kind: op.ForeignKey}},
		},
		{
			name:    "unnamed foreign key and its index",
			forward: []op.Op{&op.AddForeignKey{Table: "child", Constraint: &schema.ForeignKeyConstraint{Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if len(tb.ForeignKeys) != 1 || tb.ForeignKeys[0].Name != "child_ibfk_1" || len(tb.Indexes) != 1 {
					t.Errorf("foreign keys: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "child_ibfk_1", Kind: op.ForeignKey}},
		},
		{
			name:    "check constraint",
			forward: []op.Op{&op.AddCheck{Table: "child", Constraint: &schema.CheckConstraint{Name: "ck_child_score", Expr: "score >= 0"}}},
			check: func(t *testing.T, tb *schema.Table) {
				if len(tb.Checks) != 1 || tb.Checks[0].Name != "ck_child_score" || tb.Checks[0].Expr != "`score` >= 0" {
					t.Errorf("checks: %s", describe(tb))
				}
				if s.try(&op.BulkInsert{Table: "child", Columns: []string{"name", "score"}, Rows: [][]any{{"neg", -1}}}) == nil {
					t.Error("a negative score was accepted")
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "ck_child_score", Kind: op.Check}},
		},
		{
			name:    "rename table",
			forward: []op.Op{&op.RenameTable{Old: "child", New: "kid"}},
			check: func(t *testing.T, _ *schema.Table) {
				if n := testdb.Strings(t, s.conn, "SELECT COUNT(*) FROM kid"); n[0] != "3" {
					t.Errorf("kid has %s rows", n[0])
				}
			},
			reverse: []op.Op{&op.RenameTable{Old: "kid", New: "child"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.run(t, c.forward...)
			if c.check != nil {
				sc, err := mysql.Dialect{}.Inspect(ctx, s.conn, "child")
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, sc.Table("child")) // nil while renamed
			}
			s.run(t, c.reverse...)
			if got := s.table(t, "child"); !reflect.DeepEqual(got, original) {
				t.Errorf("after %s and back:\n got  %s\n want %s", c.name, describe(got), describe(original))
			}
			// What Inspect cannot see must have come back too.
			if got := columnFacts(t, s, "tag"); got != "utf8mb4_bin|" {
				t.Errorf("after %s and back, tag is %s", c.name, got)
			}
			if got := columnFacts(t, s, "touched"); !strings.Contains(got, "on update current_timestamp") {
				t.Errorf("after %s and back, touched is %s", c.name, got)
			}
			if n := testdb.Strings(t, s.conn, "SELECT COUNT(*) FROM child"); n[0] != "3" {
				t.Errorf("child has %s rows after %s and back", n[0], c.name)
			}
		})
	}
}

// TestAlterColumnOfflineMatchesOnline: given the live column as Existing,
// offline SQL is what the live run renders.
func TestAlterColumnOfflineMatchesOnline(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()})
	live := s.table(t, "rich")
	for _, name := range []string{"label", "flag", "amount", "state", "doc"} {
		online := &op.AlterColumn{Table: "rich", Column: name, Nullable: op.Bool(true), Comment: op.Str("x")}
		offline := *online
		offline.Existing = live.Column(name)
		a, err := mysql.Dialect{}.Render(ctx, s.conn, online)
		if err != nil {
			t.Fatal(err)
		}
		b := renderOffline(t, &offline)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: online %q, offline %q", name, a, b)
		}
		s.run(t, online)
		if c := s.table(t, "rich").Column(name); !c.Type.Equal(live.Column(name).Type) || c.Default != live.Column(name).Default || c.Comment != "x" {
			t.Errorf("%s after MODIFY: %+v, was %+v", name, *c, *live.Column(name))
		}
	}
	if ck := s.table(t, "rich").Checks; len(ck) != 2 {
		t.Errorf("checks after MODIFY of the JSON column: %+v", ck)
	}
	_, err := mysql.Dialect{}.Render(ctx, s.conn, &op.AlterColumn{Table: "rich", Column: "nope", Nullable: op.Bool(true)})
	if err == nil || err.Error() != "table rich has no column nope" {
		t.Errorf("missing column: %v", err)
	}
	_, err = mysql.Dialect{}.Render(ctx, s.conn, &op.AlterColumn{Table: "nope", Column: "x", Nullable: op.Bool(true)})
	if err == nil || err.Error() != "table nope does not exist" {
		t.Errorf("missing table: %v", err)
	}
}

// TestDropColumnWithForeignKey: the foreign key on the column goes with it.
func TestDropColumnWithForeignKey(t *testing.T) {
	s := newServer(t)
	setupChild(t, s)
	s.run(t, &op.AddForeignKey{Table: "child", Constraint: &schema.ForeignKeyConstraint{Name: "fk_child_parent",
		Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}}})
	stmts, err := mysql.Dialect{}.Render(ctx, s.conn, &op.DropColumn{Table: "child", Column: "parent_id"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "ALTER TABLE `child` DROP FOREIGN KEY `fk_child_parent`, DROP COLUMN `parent_id`"; len(stmts) != 1 || stmts[0] != want {
		t.Errorf("rendered %q, want %q", stmts, want)
	}
	s.run(t, &op.DropColumn{Table: "child", Column: "parent_id"})
	tb := s.table(t, "child")
	if tb.Column("parent_id") != nil || len(tb.ForeignKeys) != 0 || len(tb.Indexes) != 1 {
		t.Errorf("after the drop: %s", describe(tb))
	}
}

// TestPrimaryKeyRoundTrip adds and drops a composite primary key.
func TestPrimaryKeyRoundTrip(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: schema.NewTable("pairs",
		schema.Col("a", schema.Integer(), schema.NotNull()), schema.Col("b", schema.String(8), schema.NotNull()))})
	original := s.table(t, "pairs")
	s.run(t, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Name: "pk_pairs", Columns: []string{"b", "a"}}})
	if pk := s.table(t, "pairs").PrimaryKey; pk == nil || pk.Name != "PRIMARY" || strings.Join(pk.Columns, ",") != "b,a" {
		t.Fatalf("primary key %+v", pk)
	}
	s.run(t, &op.DropConstraint{Table: "pairs", Name: "pk_pairs", Kind: op.PrimaryKey})
	if got := s.table(t, "pairs"); !reflect.DeepEqual(got, original) {
		t.Errorf("after adding and dropping the key: %s", describe(got))
	}
	s.run(t, &op.DropTable{Name: "pairs"})
	if sc, err := (mysql.Dialect{}).Inspect(ctx, s.conn, "pairs"); err != nil || len(sc.Tables) != 0 {
		t.Errorf("pairs after DropTable: %v %v", sc, err)
	}
}

// TestBulkInsertValues: every kind of Go value reads back as written,
// whatever the session's sql_mode.
func TestBulkInsertValues(t *testing.T) {
	s := newServer(t)
	s.run(t, &op.CreateTable{Table: schema.NewTable("vals",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("s", schema.Text()), schema.Col("b", schema.Binary(0)), schema.Col("f", schema.Float()),
		schema.Col("ok", schema.Boolean()), schema.Col("at", schema.Raw("", "mysql", "DATETIME(6)")))})
	at := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC)
	strs := []string{"plain", "it's", `back\slash`, `"dq"`, "new\nline", "ünïcode ☃", "?", ""}
	var rows [][]any
	for i, str := range strs {
		rows = append(rows, []any{i, str, []byte{0, byte(i), 0xff, '\''}, float64(i) + 0.5, i%2 == 0, at})
	}
	rows = append(rows, []any{100, nil, nil, nil, nil, nil})
	s.exec(t, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
	s.run(t, &op.BulkInsert{Table: "vals", Columns: []string{"id", "s", "b", "f", "ok", "at"}, Rows: rows})
	r, err := s.conn.QueryContext(ctx, "SELECT id, s, b, f, ok, at FROM vals ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		var id int
		var str, ok, stamp *string
		var b []byte
		var f *float64
		if err := r.Scan(&id, &str, &b, &f, &ok, &stamp); err != nil {
			t.Fatal(err)
		}
		n++
		if id == 100 {
			if str != nil || b != nil || f != nil || ok != nil || stamp != nil {
				t.Error("nil values did not read back as NULL")
			}
			continue
		}
		want := rows[id]
		if *str != want[1] || !bytes.Equal(b, want[2].([]byte)) || *f != want[3] || (*ok == "1") != want[4] || *stamp != "2024-02-29 23:59:58.123456" {
			t.Errorf("row %d reads back as %q %x %v %s %s", id, *str, b, *f, *ok, *stamp)
		}
	}
	if n != len(rows) {
		t.Errorf("%d rows, want %d", n, len(rows))
	}
}
