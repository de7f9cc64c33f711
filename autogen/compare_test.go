package autogen

// Normalisation and ordering, without a database.

import (
	"strings"
	"testing"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

func TestTypeKeyNormalises(t *testing.T) {
	tb := &schema.Table{Name: "orders"}
	col := func(ty schema.Type) *schema.Column { return &schema.Column{Name: "state", Type: ty} }
	same := []struct {
		dialect string
		a, b    schema.Type
	}{
		{"mysql", schema.Raw("int(11)"), schema.Integer()},
		{"mysql", schema.Raw("INT(10)"), schema.Integer()},
		{"mysql", schema.Raw("bigint(20)"), schema.BigInt()},
		{"mysql", schema.Raw("tinyint(1)"), schema.Boolean()},
		{"mysql", schema.Raw("BOOL"), schema.Boolean()},
		{"mysql", schema.Raw("VARCHAR(45)"), schema.String(45)},
		{"mysql", schema.DateTimeTZ(), schema.DateTime()},
		{"mysql", schema.Raw("decimal"), schema.Numeric(10, 0)},
		{"postgresql", schema.Raw("serial"), schema.Integer()},
		{"postgresql", schema.Raw("bigserial"), schema.BigInt()},
		{"postgresql", schema.Raw("VARCHAR(20)"), schema.String(20)},
		{"postgresql", schema.Raw("timestamptz"), schema.DateTimeTZ()},
		{"postgresql", schema.Binary(16), schema.Binary(0)},
		{"postgresql", schema.Enum("a", "b"), schema.Type{Kind: schema.KindEnum, Name: "orders_state", Values: []string{"a", "b"}}},
		{"sqlite", schema.Enum("draft", "live"), schema.String(5)},
		{"sqlite", schema.DateTimeTZ(), schema.DateTime()},
		{"sqlite", schema.Raw("int"), schema.Integer()},
	}
	for _, c := range same {
		n := normalizer{dialect: c.dialect}
		if a, b := n.typeKey(tb, col(c.a)), n.typeKey(tb, col(c.b)); a != b {
			t.Errorf("%s: %s reads as %q, %s as %q; want the same", c.dialect, c.a, a, c.b, b)
		}
	}
	differ := []struct {
		dialect string
		a, b    schema.Type
	}{
		{"mysql", schema.Raw("tinyint(4)"), schema.Boolean()},
		{"postgresql", schema.DateTimeTZ(), schema.DateTime()},
		{"postgresql", schema.String(20), schema.String(30)},
		{"mysql", schema.Binary(16), schema.Binary(0)},
		{"postgresql", schema.Enum("a", "b"), schema.Enum("a", "c")},
	}
	for _, c := range differ {
		n := normalizer{dialect: c.dialect}
		if n.typeKey(tb, col(c.a)) == n.typeKey(tb, col(c.b)) {
			t.Errorf("%s: %s and %s read the same; want different", c.dialect, c.a, c.b)
		}
	}
	// SQLite's AUTOINCREMENT column is an INTEGER whatever the model says.
	n := normalizer{dialect: "sqlite"}
	if n.typeKey(tb, &schema.Column{Type: schema.BigInt(), AutoIncrement: true}) != n.typeKey(tb, &schema.Column{Type: schema.Integer()}) {
		t.Error("sqlite: an autoincrement bigint does not read as the INTEGER SQLite made it")
	}
}

func TestDefaultKeyNormalises(t *testing.T) {
	same := []struct {
		dialect string
		kind    schema.Type
		a, b    string
	}{
		{"postgresql", schema.String(10), "'x'::character varying", "'x'"},
		{"postgresql", schema.Numeric(10, 2), "'0'::numeric", "0"},
		{"postgresql", schema.Integer(), "'-1'::integer", "-1"},
		{"postgresql", schema.Integer(), "(-1)", "-1"},
		{"postgresql", schema.DateTime(), "now()", "CURRENT_TIMESTAMP"},
		{"postgresql", schema.Enum("a"), "'a'::orders_state", "'a'"},
		{"postgresql", schema.JSON(), "'{}'::jsonb", "'{}'"},
		{"postgresql", schema.Boolean(), "false", "FALSE"},
		{"mysql", schema.DateTime(), "current_timestamp()", "CURRENT_TIMESTAMP"},
		{"mysql", schema.Numeric(10, 2), "0.00", "0"},
		{"mysql", schema.Boolean(), "1", "true"},
		{"mysql", schema.String(10), "'it\\'s'", "'it''s'"},
		{"mysql", schema.Integer(), "(1)", "1"},
		{"mysql", schema.String(10), "NULL", ""},
		{"sqlite", schema.Boolean(), "true", "1"},
		{"sqlite", schema.Float(), "1.50", "1.5"},
		{"sqlite", schema.String(10), "'0'", "0"},
	}
	for _, c := range same {
		n := normalizer{dialect: c.dialect}
		a, b := n.defaultKey(&schema.Column{Type: c.kind, Default: c.a}), n.defaultKey(&schema.Column{Type: c.kind, Default: c.b})
		if a != b {
			t.Errorf("%s: default %s reads as %q, %s as %q; want the same", c.dialect, c.a, a, c.b, b)
		}
	}
	n := normalizer{dialect: "postgresql"}
	for _, p := range [][2]string{{"'a'", "'b'"}, {"0", "1"}, {"'x'", ""}, {"now()", "'now'"}} {
		if n.defaultKey(&schema.Column{Type: schema.Text(), Default: p[0]}) == n.defaultKey(&schema.Column{Type: schema.Text(), Default: p[1]}) {
			t.Errorf("defaults %q and %q read the same", p[0], p[1])
		}
	}
}

func TestExprKey(t *testing.T) {
	n := normalizer{dialect: "postgresql"}
	for _, p := range [][2]string{
		{"((code)::text <> ''::text)", "code <> ''"},
		{"lower((name)::text)", "lower(name)"},
		{"(visits >= '-1'::integer)", "visits >= -1"},
		{"`role` <> ''", "role <> ''"},
		{"(role)::text = 'admin'::character varying", "role = 'admin'"},
	} {
		if a, b := n.exprKey(p[0]), n.exprKey(p[1]); a != b {
			t.Errorf("%s reads as %q, %s as %q", p[0], a, p[1], b)
		}
	}
	if n.exprKey("role = 'Admin'") == n.exprKey("role = 'admin'") {
		t.Error("the case of a string literal was lost")
	}
}

func TestCompareOrderAndContext(t *testing.T) {
	cur := schema.NewSchema(
		schema.NewTable("b",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("old", schema.String(10), schema.NotNull(), schema.Default("'x'")),
			schema.Col("n", schema.Integer()),
		),
		schema.NewTable("a", schema.Col("id", schema.Integer(), schema.PrimaryKey())),
		schema.NewTable("retort_version", schema.Col("version_num", schema.String(255))),
	)
	des := schema.NewSchema(
		schema.NewTable("B",
			schema.Col("ID", schema.Integer(), schema.PrimaryKey()),
			schema.Col("new", schema.String(10)),
			schema.Col("n", schema.BigInt(), schema.NotNull()),
		),
		schema.NewTable("c", schema.Col("id", schema.Integer(), schema.PrimaryKey())),
	)
	opts := Options{Dialect: "postgresql", IncludeTable: func(n string) bool { return n != "retort_version" }}
	cs := Compare(cur, des, opts)
	var got []string
	for _, c := range cs {
		got = append(got, string(c.Kind)+" "+c.Table+"."+c.Name)
	}
	want := []string{"remove_table a.", "add_column B.new", "modify_type B.n", "modify_nullable B.n", "remove_column B.old", "add_table c."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The drop is reversible: its Down adds the whole column back.
	drop := cs[4]
	if add, ok := drop.Down[0].(*op.AddColumn); !ok || add.Column.Default != "'x'" || add.Column.Nullable {
		t.Errorf("remove_column's Down is %#v, want the full column back", drop.Down[0])
	}
	if !strings.Contains(drop.Note, "rename of column old to new") || !strings.Contains(cs[1].Note, "rename of column old to new") {
		t.Errorf("no rename note: %q, %q", drop.Note, cs[1].Note)
	}
	// The second alter of one column starts from what the first left.
	typ, null := cs[2].Up[0].(*op.AlterColumn), cs[3].Up[0].(*op.AlterColumn)
	if typ.Existing.Type.Kind != schema.KindInteger || null.Existing.Type.Kind != schema.KindBigInt || !null.Existing.Nullable {
		t.Errorf("Existing: %v then %v", typ.Existing, null.Existing)
	}
	if d := cs[0].Up[0].(*op.DropTable); d.Table == nil || d.Table.Name != "a" {
		t.Errorf("DropTable carries no table: %#v", d)
	}
	if s := cs[1].String(); s != "add_column B.new string(10) NULL (may be a rename of column old to new)" {
		t.Errorf("String() = %q", s)
	}
	if s := cs[2].String(); s != "modify_type B.n: integer -> bigint" {
		t.Errorf("String() = %q", s)
	}
	if again := Compare(cur, des, opts); len(again) != len(cs) {
		t.Error("Compare is not deterministic")
	}
}

func TestSQLiteIgnoresComments(t *testing.T) {
	a := schema.NewSchema(schema.NewTable("t", schema.Col("c", schema.Integer(), schema.Comment("x")), schema.TableComment("y")))
	b := schema.NewSchema(schema.NewTable("t", schema.Col("c", schema.Integer())))
	if cs := Compare(a, b, Options{Dialect: "sqlite"}); len(cs) != 0 {
		t.Errorf("sqlite: %v", cs)
	}
	if cs := Compare(a, b, Options{Dialect: "postgresql"}); len(cs) != 2 {
		t.Errorf("postgresql: %v, want a column and a table comment change", cs)
	}
}

func TestUnnamedConstraintsMatchByDefinition(t *testing.T) {
	cur := schema.NewSchema(schema.NewTable("t",
		schema.Col("a", schema.Integer()), schema.Col("b", schema.Integer()),
		schema.PrimaryKeyOn("t_pkey", "a"),
		schema.UniqueOn("t_b_key", "b"),
		schema.ForeignKeyOn("t_b_fkey", []string{"b"}, "u", []string{"id"}, schema.OnDelete("NO ACTION")),
		schema.CheckOn("t_a_check", "(a > 0)"),
	))
	des := schema.NewSchema(schema.NewTable("t",
		schema.Col("a", schema.Integer(), schema.PrimaryKey()), schema.Col("b", schema.Integer()),
		schema.UniqueOn("", "b"),
		schema.ForeignKeyOn("", []string{"b"}, "u", []string{"id"}),
		schema.CheckOn("", "a > 0"),
	))
	if cs := Compare(cur, des, Options{Dialect: "postgresql"}); len(cs) != 0 {
		t.Errorf("unnamed constraints: %v", cs)
	}
	// On MySQL a unique constraint and a unique index are one thing.
	curM := schema.NewSchema(schema.NewTable("t", schema.Col("b", schema.Integer()),
		schema.UniqueIndexOn("uq_t_b", "b")))
	desM := schema.NewSchema(schema.NewTable("t", schema.Col("b", schema.Integer()), schema.UniqueOn("uq_t_b", "b")))
	if cs := Compare(curM, desM, Options{Dialect: "mysql"}); len(cs) != 0 {
		t.Errorf("mysql unique constraint against unique index: %v", cs)
	}
}

func TestPlanOrdersForeignKeys(t *testing.T) {
	// New tables a -> b -> a (a cycle) and c -> a; dropped tables x -> y.
	cur := schema.NewSchema(
		schema.NewTable("y", schema.Col("id", schema.Integer(), schema.PrimaryKey())),
		schema.NewTable("x", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("y_id", schema.Integer(), schema.References("y", "id"))),
		schema.NewTable("k", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("y_id", schema.Integer(), schema.References("y", "id"))),
	)
	des := schema.NewSchema(
		schema.NewTable("c", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("a_id", schema.Integer(), schema.References("a", "id"))),
		schema.NewTable("b", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("a_id", schema.Integer(), schema.References("a", "id"))),
		schema.NewTable("a", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("b_id", schema.Integer(), schema.References("b", "id"))),
		schema.NewTable("k", schema.Col("id", schema.Integer(), schema.PrimaryKey())),
	)
	up, down := Plan(Compare(cur, des, Options{Dialect: "postgresql"}))
	want := []string{
		"drop constraint fk_k_y_id_y on k",
		"create table a", "create table b", "create table c",
		"add foreign key fk_a_b_id_b on a",
		"drop column k.y_id",
		"drop table x", "drop table y",
	}
	if got := describe(up); got != strings.Join(want, "\n") {
		t.Errorf("upgrade:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	if ct := up[1].Op.(*op.CreateTable).Table; len(ct.ForeignKeys) != 0 {
		t.Errorf("a is created with its foreign key to b, which does not exist yet")
	}
	wantDown := []string{
		"create table y", "create table x",
		"add column k.y_id",
		"add foreign key fk_k_y_id_y on k",
		"drop constraint fk_a_b_id_b on a",
		"drop table c", "drop table b", "drop table a",
	}
	if got := describe(down); got != strings.Join(wantDown, "\n") {
		t.Errorf("downgrade:\n%s\nwant\n%s", got, strings.Join(wantDown, "\n"))
	}
}

func describe(steps []Step) string {
	var lines []string
	for _, s := range steps {
		lines = append(lines, s.Op.Describe())
	}
	return strings.Join(lines, "\n")
}

// Detected phrases each kind as Alembic's autogenerate logs it.
func TestDetected(t *testing.T) {
	for _, tc := range []struct {
		c    Change
		want string
	}{
		{Change{Kind: AddTable, Table: "accounts"}, "added table 'accounts'"},
		{Change{Kind: RemoveColumn, Table: "accounts", Name: "email"}, "removed column 'accounts.email'"},
		{Change{Kind: ModifyNullable, Table: "accounts", Name: "email", From: "NULL", To: "NOT NULL"}, "NOT NULL on column 'accounts.email'"},
		{Change{Kind: ModifyNullable, Table: "accounts", Name: "email", From: "NOT NULL", To: "NULL"}, "NULL on column 'accounts.email'"},
		{Change{Kind: ModifyType, Table: "a", Name: "n", From: "integer", To: "bigint"}, "type change from integer to bigint on 'a.n'"},
		{Change{Kind: ModifyDefault, Table: "a", Name: "n", To: "0"}, "server default change from none to 0 on 'a.n'"},
		{Change{Kind: AddIndex, Table: "a", Name: "ix_a_n"}, "added index 'ix_a_n' on 'a'"},
		{Change{Kind: RemoveFK, Table: "a", Name: "fk_a_b"}, "removed foreign key 'fk_a_b' on 'a'"},
	} {
		if got := tc.c.Detected(); got != tc.want {
			t.Errorf("%s: Detected() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

// An index replaced by another is dropped once the new one exists (MySQL
// refuses to drop the index a foreign key relies on while none other
// serves it); one replaced under the same name is dropped first.
func TestPlanDropsReplacedIndexesLast(t *testing.T) {
	table := func(parts ...schema.TablePart) *schema.Table {
		return schema.NewTable("posts", append([]schema.TablePart{
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("user_id", schema.Integer()),
			schema.Col("score", schema.Integer()),
		}, parts...)...)
	}
	cur := schema.NewSchema(table(schema.IndexOn("ix_posts_user", "user_id"), schema.IndexOn("ix_posts_score", "score")))
	des := schema.NewSchema(table(schema.IndexOn("ix_posts_user_score", "user_id", "score"), schema.IndexOn("ix_posts_score", "score", "id")))
	up, down := Plan(Compare(cur, des, Options{Dialect: "mysql"}))
	want := []string{
		"drop index ix_posts_score on posts",
		"create index ix_posts_score on posts",
		"create index ix_posts_user_score on posts",
		"drop index ix_posts_user on posts",
	}
	if got := describe(up); got != strings.Join(want, "\n") {
		t.Errorf("upgrade:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	wantDown := []string{
		"drop index ix_posts_score on posts",
		"create index ix_posts_user on posts",
		"create index ix_posts_score on posts",
		"drop index ix_posts_user_score on posts",
	}
	if got := describe(down); got != strings.Join(wantDown, "\n") {
		t.Errorf("downgrade:\n%s\nwant\n%s", got, strings.Join(wantDown, "\n"))
	}
}

// What would fail on a table with rows is said in the script: a NOT NULL
// column added without a default, a column made NOT NULL.
func TestNotNullNotes(t *testing.T) {
	cur := schema.NewSchema(schema.NewTable("accounts",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("email", schema.String(50))))
	des := schema.NewSchema(schema.NewTable("accounts",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("email", schema.String(50), schema.NotNull()),
		schema.Col("state", schema.String(10), schema.NotNull()),
		schema.Col("kind", schema.String(10), schema.NotNull(), schema.Default("'a'"))))
	notes := map[string]string{}
	for _, c := range Compare(cur, des, Options{Dialect: "postgresql"}) {
		notes[string(c.Kind)+" "+c.Name] = c.Note
	}
	if n := notes["add_column state"]; !strings.Contains(n, "state is NOT NULL with no default: adding it fails if accounts has rows") {
		t.Errorf("add_column state note: %q", n)
	}
	if n := notes["add_column kind"]; n != "" {
		t.Errorf("add_column kind, which has a default, noted: %q", n)
	}
	if n := notes["modify_nullable email"]; n != "fails if a row of accounts holds NULL in email: fill those first" {
		t.Errorf("modify_nullable email note: %q", n)
	}
}
