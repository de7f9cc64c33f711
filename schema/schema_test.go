package schema_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort/schema"
)

func TestNewTable(t *testing.T) {
	got := schema.NewTable("orders",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("customer_id", schema.Integer(), schema.NotNull(), schema.Indexed(),
			schema.References("customers", "id", schema.OnDelete("CASCADE"))),
		schema.Col("code", schema.String(12), schema.Unique(), schema.Comment("printed on the invoice")),
		schema.Col("state", schema.Enum("draft", "paid"), schema.Default("'draft'")),
		schema.CheckOn("ck_orders_code", "code <> ''"),
		schema.TableComment("one row per order"),
		schema.MySQLOptions(schema.Options{Engine: "InnoDB"}),
	)
	want := &schema.Table{
		Name: "orders",
		Columns: []*schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.KindInteger}, AutoIncrement: true},
			{Name: "customer_id", Type: schema.Type{Kind: schema.KindInteger}},
			{Name: "code", Type: schema.Type{Kind: schema.KindString, Length: 12}, Nullable: true, Comment: "printed on the invoice"},
			{Name: "state", Type: schema.Type{Kind: schema.KindEnum, Values: []string{"draft", "paid"}}, Nullable: true, Default: "'draft'"},
		},
		PrimaryKey:  &schema.PrimaryKeyConstraint{Columns: []string{"id"}},
		Indexes:     []*schema.Index{{Name: "ix_orders_customer_id", Columns: []string{"customer_id"}}},
		Uniques:     []*schema.UniqueConstraint{{Name: "uq_orders_code", Columns: []string{"code"}}},
		ForeignKeys: []*schema.ForeignKeyConstraint{{Name: "fk_orders_customer_id_customers", Columns: []string{"customer_id"}, RefTable: "customers", RefColumns: []string{"id"}, OnDelete: "CASCADE"}},
		Checks:      []*schema.CheckConstraint{{Name: "ck_orders_code", Expr: "code <> ''"}},
		Comment:     "one row per order",
		Options:     schema.Options{Engine: "InnoDB"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewTable built\n%#v\nwant\n%#v", got, want)
	}
}

func TestPrimaryKeyOnMakesColumnsNotNull(t *testing.T) {
	tb := schema.NewTable("pairs",
		schema.Col("a", schema.Integer()),
		schema.Col("b", schema.Integer()),
		schema.PrimaryKeyOn("pk_pairs", "a", "b"))
	if tb.Column("a").Nullable || tb.Column("b").Nullable {
		t.Error("primary key columns left nullable")
	}
	if tb.PrimaryKey.Name != "pk_pairs" {
		t.Errorf("primary key name %q", tb.PrimaryKey.Name)
	}
}

func TestCloneIsDeep(t *testing.T) {
	orig := schema.NewTable("t",
		schema.Col("a", schema.Enum("x", "y"), schema.PrimaryKey()),
		schema.IndexOn("ix_t_a", "a"))
	c := orig.Clone()
	c.Columns[0].Type.Values[0] = "changed"
	c.Columns[0].Name = "changed"
	c.PrimaryKey.Columns[0] = "changed"
	c.Indexes[0].Columns[0] = "changed"
	if orig.Columns[0].Name != "a" || orig.Columns[0].Type.Values[0] != "x" || orig.PrimaryKey.Columns[0] != "a" || orig.Indexes[0].Columns[0] != "a" {
		t.Errorf("editing the clone changed the original: %+v", orig)
	}
}

func TestTypeString(t *testing.T) {
	for _, c := range []struct {
		typ  schema.Type
		want string
	}{
		{schema.String(36), "string(36)"},
		{schema.Numeric(10, 2), "numeric(10,2)"},
		{schema.DateTimeTZ(), "datetime with time zone"},
		{schema.Binary(0), "binary"},
		{schema.Enum("a", "it's"), "enum('a','it''s')"},
		{schema.Raw("INET"), "INET"},
		{schema.Raw("", "postgresql", "inet", "mysql", "varchar(45)"), "raw(mysql:varchar(45), postgresql:inet)"},
	} {
		if got := c.typ.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.typ, got, c.want)
		}
	}
}

func TestTypeEqual(t *testing.T) {
	if !schema.Raw("inet").Equal(schema.Raw("INET")) {
		t.Error("raw types differing in case are not equal")
	}
	if schema.String(36).Equal(schema.UUID()) || schema.DateTime().Equal(schema.DateTimeTZ()) || schema.Enum("a").Equal(schema.Enum("a", "b")) {
		t.Error("different types compare equal")
	}
}

// PrimaryKeyOn makes its columns NOT NULL wherever it stands among the
// parts.
func TestPrimaryKeyOnBeforeColumns(t *testing.T) {
	tb := schema.NewTable("pairs", schema.PrimaryKeyOn("pk_pairs", "a", "b"),
		schema.Col("a", schema.Integer()), schema.Col("b", schema.String(8)), schema.Col("c", schema.Text()))
	if tb.Column("a").Nullable || tb.Column("b").Nullable || !tb.Column("c").Nullable {
		t.Fatalf("nullability: a %v, b %v, c %v", tb.Column("a").Nullable, tb.Column("b").Nullable, tb.Column("c").Nullable)
	}
}

func TestRawDialects(t *testing.T) {
	ty := schema.Raw("TEXT", "postgres", "INET", "mariadb", "VARCHAR(45)")
	for d, want := range map[string]string{"postgresql": "INET", "mysql": "VARCHAR(45)", "sqlite": "TEXT"} {
		if got, ok := ty.RawFor(d); !ok || got != want {
			t.Errorf("RawFor(%s) = %q, %v; want %q", d, got, ok, want)
		}
	}
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), `dialect "mysql" has no SQL after it`) {
			t.Errorf("recovered %v", v)
		}
	}()
	schema.Raw("", strings.Fields("postgresql INET mysql")...) // a slice, as staticcheck rightly flags the literal
}
