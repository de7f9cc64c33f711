package sqlite

import (
	"strings"
	"testing"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Every operation runs on a real SQLite file, forward and back; the result
// is read back with Inspect, and the reverse must give back exactly the
// table inspected before, with its rows.

func parentTable() *schema.Table {
	return schema.NewTable("parent",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("code", schema.String(16), schema.NotNull()),
	)
}

func childTable() *schema.Table {
	return schema.NewTable("child",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("parent_id", schema.Integer()),
		schema.Col("name", schema.String(32), schema.NotNull()),
		schema.Col("score", schema.Integer()),
		schema.Col("note", schema.String(64)),
		schema.IndexOn("ix_child_name", "name"),
	)
}

func TestOperationsForwardAndBack(t *testing.T) {
	type opCase struct {
		name    string
		forward []op.Op
		check   func(t *testing.T, tb *schema.Table)
		reverse []op.Op
	}
	cases := []opCase{
		{
			name:    "add column natively",
			forward: []op.Op{&op.AddColumn{Table: "child", Column: schema.NewColumn("state", schema.String(16), schema.NotNull(), schema.Default("'new'"))}},
			check: func(t *testing.T, tb *schema.Table) {
				c := tb.Column("state")
				if c == nil || !c.Type.Equal(schema.String(16)) || c.Nullable || c.Default != "'new'" {
					t.Fatalf("state: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropColumn{Table: "child", Column: "state"}},
		},
		{
			name:    "add column with a non-constant default (rebuild)",
			forward: []op.Op{&op.AddColumn{Table: "child", Column: schema.NewColumn("seen", schema.DateTime(), schema.NotNull(), schema.Default("CURRENT_TIMESTAMP"))}},
			check: func(t *testing.T, tb *schema.Table) {
				c := tb.Column("seen")
				if c == nil || c.Nullable || c.Default != "CURRENT_TIMESTAMP" {
					t.Fatalf("seen: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropColumn{Table: "child", Column: "seen"}},
		},
		{
			name:    "rename column",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Rename: "title"}},
			check: func(t *testing.T, tb *schema.Table) {
				if tb.Column("name") != nil || tb.Column("title") == nil {
					t.Fatalf("columns: %s", show(tb))
				}
				if ix := tb.Index("ix_child_name"); ix == nil || ix.Columns[0] != "title" {
					t.Fatalf("the index does not follow the rename: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "title", Rename: "name"}},
		},
		{
			name:    "alter type",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.Text())}},
			check: func(t *testing.T, tb *schema.Table) {
				if !tb.Column("note").Type.Equal(schema.Text()) {
					t.Fatalf("note: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "note", Type: op.TypePtr(schema.String(64))}},
		},
		{
			name:    "alter type and rename at once",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Rename: "points", Type: op.TypePtr(schema.BigInt())}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := tb.Column("points"); c == nil || !c.Type.Equal(schema.BigInt()) || tb.Column("score") != nil {
					t.Fatalf("points: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "points", Rename: "score", Type: op.TypePtr(schema.Integer())}},
		},
		{
			name:    "rename an indexed column and change its type at once",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Rename: "title", Type: op.TypePtr(schema.String(40))}},
			check: func(t *testing.T, tb *schema.Table) {
				if c := tb.Column("title"); c == nil || !c.Type.Equal(schema.String(40)) || c.Nullable {
					t.Fatalf("title: %s", show(tb))
				}
				if ix := tb.Index("ix_child_name"); ix == nil || ix.Columns[0] != "title" {
					t.Fatalf("the index does not follow the rename: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "title", Rename: "name", Type: op.TypePtr(schema.String(32))}},
		},
		{
			name:    "expression index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ix_child_lower", Columns: []string{"lower(name)", "score"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if ix := tb.Index("ix_child_lower"); ix == nil || strings.Join(ix.Columns, ",") != "lower(name),score" {
					t.Fatalf("indexes: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ix_child_lower"}},
		},
		{
			name:    "alter nullability",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "parent_id", Nullable: op.Bool(false)}},
			check: func(t *testing.T, tb *schema.Table) {
				if tb.Column("parent_id").Nullable {
					t.Fatalf("parent_id: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "parent_id", Nullable: op.Bool(true)}},
		},
		{
			name:    "alter default",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("7")}},
			check: func(t *testing.T, tb *schema.Table) {
				if tb.Column("score").Default != "7" {
					t.Fatalf("score: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "score", Default: op.Str("")}},
		},
		{
			name:    "comments are ignored",
			forward: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str("shown")}, &op.SetTableComment{Table: "child", Comment: "kids"}},
			reverse: []op.Op{&op.AlterColumn{Table: "child", Column: "name", Comment: op.Str("")}, &op.SetTableComment{Table: "child"}},
		},
		{
			name:    "index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ix_child_score", Columns: []string{"score", "name"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if ix := tb.Index("ix_child_score"); ix == nil || ix.Unique || strings.Join(ix.Columns, ",") != "score,name" {
					t.Fatalf("indexes: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ix_child_score"}},
		},
		{
			name:    "partial unique index",
			forward: []op.Op{&op.CreateIndex{Table: "child", Index: &schema.Index{Name: "ux_child_scored", Columns: []string{"name"}, Unique: true, Where: "score IS NOT NULL"}}},
			check: func(t *testing.T, tb *schema.Table) {
				if ix := tb.Index("ux_child_scored"); ix == nil || !ix.Unique || ix.Where != "score IS NOT NULL" {
					t.Fatalf("indexes: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropIndex{Table: "child", Name: "ux_child_scored"}},
		},
		{
			name:    "unique constraint",
			forward: []op.Op{&op.AddUnique{Table: "child", Constraint: &schema.UniqueConstraint{Name: "uq_child_name_score", Columns: []string{"name", "score"}}}},
			check: func(t *testing.T, tb *schema.Table) {
				if len(tb.Uniques) != 1 || tb.Uniques[0].Name != "uq_child_name_score" || strings.Join(tb.Uniques[0].Columns, ",") != "name,score" {
					t.Fatalf("uniques: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "uq_child_name_score", Kind: op.Unique}},
		},
		{
			name: "foreign key",
			forward: []op.Op{&op.AddForeignKey{Table: "child", Constraint: &schema.ForeignKeyConstraint{Name: "fk_child_parent",
				Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "SET NULL"}}},
			check: func(t *testing.T, tb *schema.Table) {
				fk := tb.ForeignKey("fk_child_parent")
				if fk == nil || fk.RefTable != "parent" || fk.RefColumns[0] != "id" || fk.OnDelete != "CASCADE" || fk.OnUpdate != "SET NULL" {
					t.Fatalf("foreign keys: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "fk_child_parent", Kind: op.ForeignKey}},
		},
		{
			name:    "check constraint",
			forward: []op.Op{&op.AddCheck{Table: "child", Constraint: &schema.CheckConstraint{Name: "ck_child_score", Expr: "score >= 0"}}},
			check: func(t *testing.T, tb *schema.Table) {
				if len(tb.Checks) != 1 || tb.Checks[0].Name != "ck_child_score" || tb.Checks[0].Expr != "score >= 0" {
					t.Fatalf("checks: %s", show(tb))
				}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "ck_child_score", Kind: op.Check}},
		},
		{
			name:    "constraint dropped by name alone",
			forward: []op.Op{&op.AddCheck{Table: "child", Constraint: &schema.CheckConstraint{Name: "ck_child_name", Expr: "length(name) > 0"}}},
			reverse: []op.Op{&op.DropConstraint{Table: "child", Name: "ck_child_name"}},
		},
		{
			name:    "rename table",
			forward: []op.Op{&op.RenameTable{Old: "child", New: "kid"}},
			reverse: []op.Op{&op.RenameTable{Old: "kid", New: "child"}},
		},
		{
			name:    "execute and bulk insert",
			forward: []op.Op{&op.Execute{SQL: "DELETE FROM child WHERE name = 'three'"}},
			reverse: []op.Op{&op.BulkInsert{Table: "child", Columns: []string{"id", "parent_id", "name", "score", "note"}, Rows: [][]any{{3, 1, "three", nil, `back\slash`}}}},
		},
	}
	conn := testConn(t)
	mustMigrate(t, conn,
		&op.CreateTable{Table: parentTable()},
		&op.CreateTable{Table: childTable()},
		&op.BulkInsert{Table: "parent", Columns: []string{"id", "code"}, Rows: [][]any{{1, "a"}, {2, "b"}}},
		&op.BulkInsert{Table: "child", Columns: []string{"parent_id", "name", "score", "note"}, Rows: [][]any{
			{1, "one", 10, "it's"}, {2, "two", 20, nil}, {1, "three", nil, `back\slash`}}},
	)
	original := inspectTable(t, conn, "child")
	rows := strs(t, conn, "SELECT quote(id) || ',' || quote(parent_id) || ',' || quote(name) || ',' || quote(score) || ',' || quote(note) FROM child ORDER BY id")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustMigrate(t, conn, c.forward...)
			if c.check != nil {
				c.check(t, inspectTable(t, conn, "child"))
			}
			mustMigrate(t, conn, c.reverse...)
			sameTable(t, inspectTable(t, conn, "child"), original, "after "+c.name+" and back")
			after := strs(t, conn, "SELECT quote(id) || ',' || quote(parent_id) || ',' || quote(name) || ',' || quote(score) || ',' || quote(note) FROM child ORDER BY id")
			if strings.Join(after, "\n") != strings.Join(rows, "\n") {
				t.Errorf("rows after %s and back:\n%s\nwant\n%s", c.name, strings.Join(after, "\n"), strings.Join(rows, "\n"))
			}
		})
	}
}

// Adding a primary key to a table without one, and dropping it.
func TestPrimaryKeyForwardAndBack(t *testing.T) {
	conn := testConn(t)
	mustMigrate(t, conn, &op.CreateTable{Table: schema.NewTable("pairs",
		schema.Col("a", schema.Integer(), schema.NotNull()),
		schema.Col("b", schema.String(8), schema.NotNull()))},
		&op.BulkInsert{Table: "pairs", Columns: []string{"a", "b"}, Rows: [][]any{{1, "x"}, {1, "y"}}})
	original := inspectTable(t, conn, "pairs")
	mustMigrate(t, conn, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Name: "pk_pairs", Columns: []string{"a", "b"}}})
	tb := inspectTable(t, conn, "pairs")
	if tb.PrimaryKey == nil || tb.PrimaryKey.Name != "pk_pairs" || strings.Join(tb.PrimaryKey.Columns, ",") != "a,b" {
		t.Fatalf("after adding the key: %s", show(tb))
	}
	err := migrate(conn, &op.BulkInsert{Table: "pairs", Columns: []string{"a", "b"}, Rows: [][]any{{1, "x"}}})
	if err == nil || !strings.Contains(err.Error(), "UNIQUE constraint failed") {
		t.Errorf("a duplicate key: %v", err)
	}
	if err := migrate(conn, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Columns: []string{"a"}}}); err == nil ||
		!strings.Contains(err.Error(), "has a primary key already") {
		t.Errorf("a second key: %v", err)
	}
	mustMigrate(t, conn, &op.DropConstraint{Table: "pairs", Name: "pk_pairs", Kind: op.PrimaryKey})
	sameTable(t, inspectTable(t, conn, "pairs"), original, "after adding and dropping the key")

	// A key over duplicate rows fails in the copy, and the rollback leaves
	// the table as it was.
	mustMigrate(t, conn, &op.BulkInsert{Table: "pairs", Columns: []string{"a", "b"}, Rows: [][]any{{1, "x"}}})
	err = migrate(conn, &op.AddPrimaryKey{Table: "pairs", Key: &schema.PrimaryKeyConstraint{Columns: []string{"a", "b"}}})
	if err == nil || !strings.Contains(err.Error(), "UNIQUE constraint failed") {
		t.Errorf("a key over duplicates: %v", err)
	}
	sameTable(t, inspectTable(t, conn, "pairs"), original, "after a failed key")
	if n := one(t, conn, "SELECT count(*) FROM pairs"); n != "3" {
		t.Errorf("%s rows after a failed key, want 3", n)
	}
}

// TestCreateAndDropRich creates a table with every portable type and kind
// of constraint and checks what Inspect reads back against the
// declaration.
func TestCreateAndDropRich(t *testing.T) {
	conn := testConn(t)
	rich := richTable()
	mustMigrate(t, conn, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: rich})
	got := inspectTable(t, conn, "rich")
	want := richInspected()
	sameTable(t, got, want, "rich as inspected")
	mustMigrate(t, conn, &op.DropTable{Name: "rich", Table: rich})
	if s, _ := (Dialect{}).Inspect(ctx, conn, "rich"); len(s.Tables) != 0 {
		t.Errorf("rich is still there after DropTable")
	}
}

// richTable has every portable type, a composite key, named and unnamed
// uniques, foreign keys to itself and to another table with actions, a
// check, and plain and partial indexes.
func richTable() *schema.Table {
	return schema.NewTable("rich",
		schema.Col("id", schema.BigInt(), schema.PrimaryKey()),
		schema.Col("seq", schema.SmallInt(), schema.PrimaryKey()),
		schema.Col("flag", schema.Boolean(), schema.NotNull(), schema.Default("0")),
		schema.Col("label", schema.String(40), schema.Comment("what people see")),
		schema.Col("body", schema.Text()),
		schema.Col("born", schema.Date()),
		schema.Col("at", schema.Time()),
		schema.Col("stamp", schema.DateTimeTZ()),
		schema.Col("amount", schema.Numeric(10, 2)),
		schema.Col("ratio", schema.Float()),
		schema.Col("blob", schema.Binary(16)),
		schema.Col("token", schema.UUID()),
		schema.Col("doc", schema.JSON()),
		schema.Col("state", schema.Enum("draft", "published")),
		schema.Col("addr", schema.Raw("", "sqlite", "INET", "postgresql", "inet")),
		schema.Col("parent_id", schema.Integer(), schema.References("parent", "id", schema.OnDelete("CASCADE"), schema.OnUpdate("RESTRICT"))),
		schema.Col("twin_id", schema.BigInt()),
		schema.Col("twin_seq", schema.SmallInt()),
		schema.Col("code", schema.String(8), schema.Unique()),
		schema.UniqueOn("uq_rich_label", "label"),
		schema.UniqueOn("", "body", "born"),
		schema.ForeignKeyOn("fk_rich_twin", []string{"twin_id", "twin_seq"}, "rich", []string{"id", "seq"}, schema.OnDelete("SET NULL")),
		schema.CheckOn("ck_rich_amount", "amount > 0"),
		schema.CheckOn("ck_rich_label", "label <> 'x, y (z)'"),
		schema.IndexOn("ix_rich_stamp", "stamp", "born"),
		schema.PartialIndexOn("ix_rich_live", "state = 'published'", false, "label"),
		schema.TableComment("every kind of column"),
	)
}

// richInspected is richTable as SQLite gives it back: no comments, no time
// zone, enum as a string, binary without length.
func richInspected() *schema.Table {
	return &schema.Table{
		Name: "rich",
		Columns: []*schema.Column{
			{Name: "id", Type: schema.BigInt()},
			{Name: "seq", Type: schema.SmallInt()},
			{Name: "flag", Type: schema.Boolean(), Default: "0"},
			{Name: "label", Type: schema.String(40), Nullable: true},
			{Name: "body", Type: schema.Text(), Nullable: true},
			{Name: "born", Type: schema.Date(), Nullable: true},
			{Name: "at", Type: schema.Time(), Nullable: true},
			{Name: "stamp", Type: schema.DateTime(), Nullable: true},
			{Name: "amount", Type: schema.Numeric(10, 2), Nullable: true},
			{Name: "ratio", Type: schema.Float(), Nullable: true},
			{Name: "blob", Type: schema.Binary(0), Nullable: true},
			{Name: "token", Type: schema.UUID(), Nullable: true},
			{Name: "doc", Type: schema.JSON(), Nullable: true},
			{Name: "state", Type: schema.String(9), Nullable: true},
			{Name: "addr", Type: schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"sqlite": "INET"}}, Nullable: true},
			{Name: "parent_id", Type: schema.Integer(), Nullable: true},
			{Name: "twin_id", Type: schema.BigInt(), Nullable: true},
			{Name: "twin_seq", Type: schema.SmallInt(), Nullable: true},
			{Name: "code", Type: schema.String(8), Nullable: true},
		},
		PrimaryKey: &schema.PrimaryKeyConstraint{Columns: []string{"id", "seq"}},
		Indexes: []*schema.Index{
			{Name: "ix_rich_live", Columns: []string{"label"}, Where: "state = 'published'"},
			{Name: "ix_rich_stamp", Columns: []string{"stamp", "born"}},
		},
		Uniques: []*schema.UniqueConstraint{
			{Name: "", Columns: []string{"body", "born"}},
			{Name: "uq_rich_code", Columns: []string{"code"}},
			{Name: "uq_rich_label", Columns: []string{"label"}},
		},
		ForeignKeys: []*schema.ForeignKeyConstraint{
			{Name: "fk_rich_parent_id_parent", Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "RESTRICT"},
			{Name: "fk_rich_twin", Columns: []string{"twin_id", "twin_seq"}, RefTable: "rich", RefColumns: []string{"id", "seq"}, OnDelete: "SET NULL"},
		},
		Checks: []*schema.CheckConstraint{
			{Name: "ck_rich_amount", Expr: "amount > 0"},
			{Name: "ck_rich_label", Expr: "label <> 'x, y (z)'"},
		},
	}
}
