package op_test

// One suite, three dialects: every operation is run forward and back on a
// real SQLite file, PostgreSQL database and MariaDB database, and the
// result is checked by inspecting the live schema, not by reading the SQL.

import (
	"context"
	"database/sql"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/retort-sql/retort/internal/dialecttest"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// harness is one test's database of one dialect, with the operations
// handle a Go migration would get (see internal/dialecttest).
type harness struct{ *dialecttest.DB }

// eachDialect runs fn once per dialect, on a database of its own.
func eachDialect(t *testing.T, fn func(t *testing.T, h *harness)) {
	dialecttest.Each(t, func(t *testing.T, db *dialecttest.DB) { fn(t, &harness{db}) })
}

// table inspects one table; nil when it does not exist.
func (h *harness) table(t *testing.T, name string) *schema.Table {
	t.Helper()
	s, err := h.Inspector.Inspect(context.Background(), h.Conn, name)
	if err != nil {
		t.Fatalf("inspecting %s: %v", name, err)
	}
	return s.Table(name)
}

func (h *harness) mustTable(t *testing.T, name string) *schema.Table {
	t.Helper()
	tb := h.table(t, name)
	if tb == nil {
		t.Fatalf("table %s does not exist", name)
	}
	return tb
}

func (h *harness) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := h.Conn.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+h.D.QuoteIdent(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// same fails unless the table inspects as it did before (want).
func (h *harness) same(t *testing.T, want *schema.Table, what string) {
	t.Helper()
	got := h.mustTable(t, want.Name)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after %s the table differs from the original:\n got  %s\n want %s", what, describe(got), describe(want))
	}
}

// describe prints a table for a failure message.
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
		b.WriteString(" pk" + strings.Join(t.PrimaryKey.Columns, ","))
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
	}
	for _, c := range t.Checks {
		b.WriteString(" check " + c.Name + " " + c.Expr)
	}
	if t.Comment != "" {
		b.WriteString(" comment " + t.Comment)
	}
	return b.String()
}

// normDefault reads a default the way a person compares them: without
// PostgreSQL's casts.
var pgCast = regexp.MustCompile(`::[a-z ]+(\(\d+\))?$`)

func normDefault(s string) string { return pgCast.ReplaceAllString(s, "") }

// parent and child: the tables every case starts from, with rows.
func parent() *schema.Table {
	return schema.NewTable("parent",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("code", schema.String(16), schema.NotNull()),
	)
}

func child() *schema.Table {
	return schema.NewTable("child",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("parent_id", schema.Integer()),
		schema.Col("name", schema.String(32), schema.NotNull()),
		schema.Col("score", schema.Integer()),
		schema.Col("note", schema.String(64)),
		schema.IndexOn("ix_child_name", "name"),
	)
}

func setup(t *testing.T, h *harness) {
	t.Helper()
	h.Run(t,
		&op.CreateTable{Table: parent()},
		&op.CreateTable{Table: child()},
		&op.BulkInsert{Table: "parent", Columns: []string{"id", "code"}, Rows: [][]any{{1, "a"}, {2, "b"}}},
		&op.BulkInsert{Table: "child", Columns: []string{"parent_id", "name", "score", "note"}, Rows: [][]any{
			{1, "one", 10, "it's"}, {2, "two", 20, nil}, {1, "three", nil, `back\slash`}}},
	)
}

// TestOperations runs each operation and its reverse on each dialect.
func TestOperations(t *testing.T) {
	type opCase struct {
		name    string
		forward []op.Op
		check   func(t *testing.T, h *harness, tb *schema.Table) // the child table after forward
		reverse []op.Op
		// lacks names the dialect without the feature: SQLite keeps no
		// comments, so it accepts the operation and changes nothing (as
		// Alembic does); MySQL has no partial indexes, so it refuses.
		lacks string
	}
	cases := []opCase{
		{
			name:    "add and drop column",
			forward: []op.Op{&op.AddColumn{Table: "child", Column: schema.NewColumn("state", schema.String(16), schema.NotNull(), schema.Default("'new'"))}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				c := tb.Column("state")
				if c == nil || !c.Type.Equal(schema.String(16)) || c.Nullable || normDefault(c.Default) != "'new'" {
					t.Fatalf("state column: %+v", c)
				}
				states := testdb.Strings(t, h.Conn, "SELECT state FROM child")
				if strings.Join(states, ",") != "new,new,new" {
					t.Errorf("existing rows got %v, want the default", states)
				}
			},
			reverse: []op.Op{&op.DropColumn{Table: "child", Column: "state"}},
		},
		{
			name:    "rename column",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Rename: "remark"}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if tb.Column("note") != nil || tb.Column("remark") == nil || !tb.Column("remark").Type.Equal(schema.String(64)) {
					t.Fatalf("columns after rename: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "remark", Rename: "note"}},
		},
		{
			name:    "alter type",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.String(128))}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if got := tb.Column("note").Type; !got.Equal(schema.String(128)) {
					t.Fatalf("note is %s, want string(128)", got)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.String(64))}},
		},
		{
			name:    "alter nullability",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "parent_id", Nullable: op.Bool(false)}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if tb.Column("parent_id").Nullable {
					t.Fatal("parent_id still nullable")
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "parent_id", Nullable: op.Bool(true)}},
		},
		{
			name:    "alter default",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("7")}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if d := normDefault(tb.Column("score").Default); d != "7" {
					t.Fatalf("score default %q, want 7", d)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("")}},
		},
		{
			name:    "column comment",
			lacks:   "sqlite",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str("shown to users")}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				c := tb.Column("name")
				if c.Comment != "shown to users" || c.Nullable || !c.Type.Equal(schema.String(32)) {
					t.Fatalf("name after comment: %+v", c)
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str("")}},
		},
		{
			name:    "table comment",
			lacks:   "sqlite",
			forward: []op.Op{&op.SetTableComment{Table: "child", Comment: "children of parents"}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if tb.Comment != "children of parents" {
					t.Fatalf("table comment %q", tb.Comment)
				}
			},
			reverse: []op.Op{&op.SetTableComment{Table: "child", Comment: ""}},
		},
		{
			name:    "index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ix_child_score", Columns: []string{"score", "name"}}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				ix := tb.Index("ix_child_score")
				if ix == nil || ix.Unique || strings.Join(ix.Columns, ",") != "score,name" {
					t.Fatalf("indexes: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ix_child_score"}},
		},
		{
			name:    "unique index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ux_child_name", Columns: []string{"name"}, Unique: true}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if ix := tb.Index("ux_child_name"); ix == nil || !ix.Unique {
					t.Fatalf("indexes: %s", describe(tb))
				}
				if h.Try(&op.BulkInsert{Table: "child", Columns: []string{"name"}, Rows: [][]any{{"one"}}}) == nil {
					t.Error("a duplicate name was accepted")
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ux_child_name"}},
		},
		{
			name:    "partial index",
			lacks:   "mysql",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ix_child_scored", Columns: []string{"name"}, Where: "score IS NOT NULL"}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				ix := tb.Index("ix_child_scored")
				if ix == nil || !strings.Contains(strings.ToLower(ix.Where), "score is not null") {
					t.Fatalf("indexes: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ix_child_scored"}},
		},
		{
			name:    "unique constraint",
			forward: []op.Op{&op.AddUnique{Table: "child", Constraint: &schema.UniqueConstraint{Name: "uq_child_name_score", Columns: []string{"name", "score"}}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				// MySQL cannot tell a unique constraint from a unique index.
				found := false
				for _, u := range tb.Uniques {
					found = found || (u.Name == "uq_child_name_score" && strings.Join(u.Columns, ",") == "name,score")
				}
				if ix := tb.Index("uq_child_name_score"); h.Dialect == "mysql" && ix != nil && ix.Unique {
					found = true
				}
				if !found {
					t.Fatalf("no unique constraint: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "uq_child_name_score", Kind: op.Unique}},
		},
		{
			name: "foreign key",
			forward: []op.Op{&op.AddForeignKey{Table: "child", Constraint: &schema.ForeignKeyConstraint{Name: "fk_child_parent",
				Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE"}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				fk := tb.ForeignKey("fk_child_parent")
				if fk == nil || fk.RefTable != "parent" || strings.Join(fk.RefColumns, ",") != "id" || fk.OnDelete != "CASCADE" {
					t.Fatalf("foreign keys: %s", describe(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "fk_child_parent", Kind: op.ForeignKey}},
		},
		{
			name:    "check constraint",
			forward: []op.Op{&op.AddCheck{Table: "child", Constraint: &schema.CheckConstraint{Name: "ck_child_score", Expr: "score >= 0"}}},
			check: func(t *testing.T, h *harness, tb *schema.Table) {
				if len(tb.Checks) != 1 || tb.Checks[0].Name != "ck_child_score" || !strings.Contains(tb.Checks[0].Expr, "0") {
					t.Fatalf("checks: %s", describe(tb))
				}
				if h.Try(&op.BulkInsert{Table: "child", Columns: []string{"name", "score"}, Rows: [][]any{{"neg", -1}}}) == nil {
					t.Error("a negative score was accepted")
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "ck_child_score", Kind: op.Check}},
		},
		{
			name:    "rename table",
			forward: []op.Op{&op.RenameTable{Old: "child", New: "kid"}},
			check: func(t *testing.T, h *harness, _ *schema.Table) {
				if h.table(t, "kid") == nil {
					t.Fatal("no table kid after the rename")
				}
				if h.count(t, "kid") != 3 {
					t.Fatal("rows lost in the rename")
				}
			},
			reverse: []op.Op{&op.RenameTable{Old: "kid", New: "child"}},
		},
		{
			name:    "execute",
			forward: []op.Op{&op.Execute{SQL: "UPDATE child SET score = 99 WHERE name = 'two'"}},
			check: func(t *testing.T, h *harness, _ *schema.Table) {
				if got := testdb.Strings(t, h.Conn, "SELECT name FROM child WHERE score = 99"); len(got) != 1 || got[0] != "two" {
					t.Fatalf("rows with score 99: %v", got)
				}
			},
			reverse: []op.Op{&op.Execute{SQL: "UPDATE child SET score = 20 WHERE name = 'two'"}},
		},
	}
	eachDialect(t, func(t *testing.T, h *harness) {
		setup(t, h)
		original := h.mustTable(t, "child")
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.lacks == h.Dialect {
					err := h.Try(c.forward...)
					switch {
					case h.Dialect == "sqlite" && err != nil:
						t.Fatalf("SQLite should ignore %s, got: %v", c.name, err)
					case h.Dialect != "sqlite" && err == nil:
						t.Fatalf("%s accepted %s, which it cannot do", h.Dialect, c.name)
					}
					h.same(t, original, c.name+" on "+h.Dialect)
					return
				}
				h.Run(t, c.forward...)
				if c.check != nil {
					c.check(t, h, h.table(t, "child"))
				}
				h.Run(t, c.reverse...)
				h.same(t, original, c.name+" and back")
				if n := h.count(t, "child"); n != 3 {
					t.Errorf("child has %d rows after %s and back, want 3", n, c.name)
				}
			})
		}
	})
}

// TestPrimaryKey adds and drops a primary key on a table without one.
func TestPrimaryKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		h.Run(t, &op.CreateTable{Table: schema.NewTable("pairs",
			schema.Col("a", schema.Integer(), schema.NotNull()),
			schema.Col("b", schema.String(8), schema.NotNull()))},
			&op.BulkInsert{Table: "pairs", Columns: []string{"a", "b"}, Rows: [][]any{{1, "x"}, {1, "y"}}})
		original := h.mustTable(t, "pairs")
		if original.PrimaryKey != nil {
			t.Fatalf("pairs has a primary key already: %+v", original.PrimaryKey)
		}
		h.Run(t, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Name: "pk_pairs", Columns: []string{"a", "b"}}})
		tb := h.mustTable(t, "pairs")
		if tb.PrimaryKey == nil || strings.Join(tb.PrimaryKey.Columns, ",") != "a,b" {
			t.Fatalf("primary key after adding: %+v", tb.PrimaryKey)
		}
		if h.Try(&op.BulkInsert{Table: "pairs", Columns: []string{"a", "b"}, Rows: [][]any{{1, "x"}}}) == nil {
			t.Error("a duplicate key was accepted")
		}
		h.Run(t, &op.DropConstraint{Table: "pairs", Name: "pk_pairs", Kind: op.PrimaryKey})
		h.same(t, original, "adding and dropping the primary key")

		// A primary key is dropped without naming it on every dialect.
		h.Run(t, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Name: "pk_pairs2", Columns: []string{"a", "b"}}})
		h.Run(t, &op.DropConstraint{Table: "pairs", Kind: op.PrimaryKey})
		h.same(t, original, "dropping the primary key by kind alone")
	})
}

// TestCreateDropTable creates a table holding every portable type and
// constraint kind, checks the inspected model against the declaration,
// and drops it.
func TestCreateDropTable(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		h.Run(t, &op.CreateTable{Table: parent()})
		rich := schema.NewTable("rich",
			schema.Col("id", schema.BigInt(), schema.PrimaryKey()),
			schema.Col("seq", schema.SmallInt(), schema.PrimaryKey()),
			schema.Col("flag", schema.Boolean(), schema.NotNull(), schema.Default(map[string]string{"mysql": "0", "postgresql": "false", "sqlite": "0"}[h.Dialect])),
			schema.Col("label", schema.String(40), schema.Comment("what people see")),
			schema.Col("body", schema.Text()),
			schema.Col("born", schema.Date()),
			schema.Col("at", schema.Time()),
			schema.Col("stamp", schema.DateTime()),
			schema.Col("amount", schema.Numeric(10, 2)),
			schema.Col("ratio", schema.Float()),
			schema.Col("blob", schema.Binary(0)),
			schema.Col("token", schema.UUID()),
			schema.Col("doc", schema.JSON()),
			schema.Col("parent_id", schema.Integer(), schema.References("parent", "id", schema.OnDelete("CASCADE"))),
			schema.Col("twin_id", schema.BigInt()),
			schema.Col("twin_seq", schema.SmallInt()),
			schema.UniqueOn("uq_rich_label", "label"),
			schema.ForeignKeyOn("fk_rich_twin", []string{"twin_id", "twin_seq"}, "rich", []string{"id", "seq"}),
			schema.CheckOn("ck_rich_amount", "amount > 0"),
			schema.IndexOn("ix_rich_stamp", "stamp", "born"),
			schema.TableComment("every kind of column"),
		)
		h.Run(t, &op.CreateTable{Table: rich})
		got := h.mustTable(t, "rich")
		for _, want := range rich.Columns {
			c := got.Column(want.Name)
			if c == nil {
				t.Errorf("column %s missing", want.Name)
				continue
			}
			if !c.Type.Equal(want.Type) {
				t.Errorf("column %s is %s, want %s", want.Name, c.Type, want.Type)
			}
			if c.Nullable != want.Nullable {
				t.Errorf("column %s nullable %v, want %v", want.Name, c.Nullable, want.Nullable)
			}
			if h.Dialect != "sqlite" && c.Comment != want.Comment {
				t.Errorf("column %s comment %q, want %q", want.Name, c.Comment, want.Comment)
			}
		}
		if got.PrimaryKey == nil || strings.Join(got.PrimaryKey.Columns, ",") != "id,seq" {
			t.Errorf("primary key %+v, want id,seq", got.PrimaryKey)
		}
		if len(got.ForeignKeys) != 2 || got.ForeignKeys[0].Name != "fk_rich_parent_id_parent" || got.ForeignKeys[0].OnDelete != "CASCADE" ||
			got.ForeignKeys[1].Name != "fk_rich_twin" || got.ForeignKeys[1].RefTable != "rich" {
			t.Errorf("foreign keys: %s", describe(got))
		}
		if len(got.Checks) != 1 || got.Checks[0].Name != "ck_rich_amount" {
			t.Errorf("checks: %s", describe(got))
		}
		if ix := got.Index("ix_rich_stamp"); ix == nil || strings.Join(ix.Columns, ",") != "stamp,born" {
			t.Errorf("indexes: %s", describe(got))
		}
		if h.Dialect != "sqlite" && got.Comment != "every kind of column" {
			t.Errorf("table comment %q", got.Comment)
		}
		h.Run(t, &op.DropTable{Name: "rich", Table: rich})
		if h.table(t, "rich") != nil {
			t.Error("rich still exists after DropTable")
		}
	})
}

// TestSnapshotsTableAlike is issue 4's first must-show at the operations
// level: the database_snapshots table declared once inspects the same on
// all three dialects.
func TestSnapshotsTableAlike(t *testing.T) {
	var seen []*schema.Table
	var names []string
	eachDialect(t, func(t *testing.T, h *harness) {
		h.Run(t, &op.CreateTable{Table: snapshotsTable()})
		tb := h.mustTable(t, "database_snapshots")
		// The primary key's name is the database's own choice.
		if tb.PrimaryKey != nil {
			tb.PrimaryKey.Name = ""
		}
		// MySQL reports its engine and charset; the other two have none.
		tb.Options = schema.Options{}
		seen = append(seen, tb)
		names = append(names, h.Dialect)
	})
	for i := 1; i < len(seen); i++ {
		if !reflect.DeepEqual(seen[0], seen[i]) {
			t.Errorf("database_snapshots inspects differently:\n %s: %s\n %s: %s", names[0], describe(seen[0]), names[i], describe(seen[i]))
		}
	}
	if len(seen) > 0 {
		want := "database_snapshots(created_at datetime, updated_at datetime, deleted_at datetime, deleted boolean, " +
			"id integer not null autoincrement, uuid string(36) not null, user_id string(32) not null, instance_id string(36), " +
			"name string(255), description string(255), state string(32)) pkid " +
			"index ix_database_snapshots_user_id(user_id) index ix_database_snapshots_uuid(uuid) unique"
		if got := describe(seen[0]); got != want {
			t.Errorf("database_snapshots inspects as\n %s\nwant\n %s", got, want)
		}
	}
}

func snapshotsTable() *schema.Table {
	return schema.NewTable("database_snapshots",
		schema.Col("created_at", schema.DateTime()), schema.Col("updated_at", schema.DateTime()),
		schema.Col("deleted_at", schema.DateTime()), schema.Col("deleted", schema.Boolean()),
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("uuid", schema.String(36), schema.NotNull()),
		schema.Col("user_id", schema.String(32), schema.NotNull()),
		schema.Col("instance_id", schema.String(36)), schema.Col("name", schema.String(255)),
		schema.Col("description", schema.String(255)), schema.Col("state", schema.String(32)),
		schema.UniqueIndexOn("ix_database_snapshots_uuid", "uuid"),
		schema.IndexOn("ix_database_snapshots_user_id", "user_id"))
}

// status is a named string type, as applications declare them.
type status string

// BulkInsert takes the same Go values on every dialect: driver.Valuers
// (sql.Null*), named types, pointers and nil pointers.
func TestBulkInsertValues(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		h.Run(t, &op.CreateTable{Table: schema.NewTable("vals",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("s", schema.String(10)),
			schema.Col("n", schema.BigInt()))})
		five := int64(5)
		var none *string
		h.Run(t, &op.BulkInsert{Table: "vals", Columns: []string{"id", "s", "n"}, Rows: [][]any{
			{1, sql.NullString{String: "a", Valid: true}, sql.NullInt64{}},
			{2, status("b"), &five},
			{3, none, int8(3)},
		}})
		got := testdb.Strings(t, h.Conn, "SELECT "+concatRow(h.Dialect)+" FROM vals ORDER BY id")
		want := []string{"1|a|-", "2|b|5", "3|-|3"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rows %q, want %q", got, want)
		}
	})
}

// concatRow is id|s|n with - for NULL, in the dialect's SQL.
func concatRow(d string) string {
	if d == "mysql" {
		return "CONCAT(id, '|', COALESCE(s, '-'), '|', COALESCE(CAST(n AS CHAR), '-'))"
	}
	return "CAST(id AS VARCHAR(10)) || '|' || COALESCE(s, '-') || '|' || COALESCE(CAST(n AS VARCHAR(20)), '-')"
}

// An autoincrement column with a default is refused alike on every
// dialect (PostgreSQL's identity cannot have one, MySQL would ignore it),
// and nothing is created.
func TestAutoIncrementDefaultRefused(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		err := h.Try(&op.CreateTable{Table: schema.NewTable("counters",
			schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement(), schema.Default("1")))})
		if err == nil || !strings.Contains(err.Error(), "an autoincrement column cannot have a default (1)") || !strings.Contains(err.Error(), "id") {
			t.Fatalf("err = %v", err)
		}
		if h.table(t, "counters") != nil {
			t.Error("table counters was created")
		}
	})
}
