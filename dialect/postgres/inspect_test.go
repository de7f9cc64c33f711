package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// pg is a fresh database of the test's own, as a pool.
func pg(t testing.TB) *sql.DB {
	t.Helper()
	db, _ := fresh(t)
	return db.SQL()
}

// run renders and runs operations in one transaction, as a migration step
// does on PostgreSQL: rendering reads the catalog inside it.
func run(t testing.TB, db *sql.DB, ops ...op.Op) {
	t.Helper()
	if err := try(db, ops...); err != nil {
		t.Fatal(err)
	}
}

func try(db *sql.DB, ops ...op.Op) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, o := range ops {
		stmts, err := postgres.Dialect{}.Render(ctx, tx, o)
		if err != nil {
			return fmt.Errorf("%s: %w", o.Describe(), err)
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %s: %w", o.Describe(), s, err)
			}
		}
	}
	return tx.Commit()
}

func inspect(t testing.TB, q dialect.Querier, names ...string) *schema.Schema {
	t.Helper()
	s, err := postgres.Dialect{}.Inspect(context.Background(), q, names...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func inspectTable(t testing.TB, q dialect.Querier, name string) *schema.Table {
	t.Helper()
	tb := inspect(t, q, name).Table(name)
	if tb == nil {
		t.Fatalf("table %s does not exist", name)
	}
	return tb
}

// parentTable has an identity key, an unnamed unique constraint and a
// plain unique index that rich's foreign key refers to.
func parentTable() *schema.Table {
	return schema.NewTable("parent",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("code", schema.String(16), schema.NotNull()),
		schema.Col("alt", schema.Integer(), schema.NotNull()),
		schema.UniqueOn("", "code"),
		schema.UniqueIndexOn("ux_parent_alt", "alt"),
	)
}

// richTable holds every portable type and every kind of constraint.
func richTable() *schema.Table {
	return schema.NewTable("rich",
		schema.Col("id", schema.BigInt()),
		schema.Col("seq", schema.SmallInt()),
		schema.Col("flag", schema.Boolean(), schema.NotNull(), schema.Default("false")),
		schema.Col("label", schema.String(40), schema.Comment("what people see, it's said")),
		schema.Col("body", schema.Text()),
		schema.Col("born", schema.Date()),
		schema.Col("at", schema.Time()),
		schema.Col("stamp", schema.DateTime()),
		schema.Col("stamp_tz", schema.DateTimeTZ(), schema.NotNull(), schema.Default("CURRENT_TIMESTAMP")),
		schema.Col("amount", schema.Numeric(10, 2), schema.Default("0")),
		schema.Col("any_amount", schema.Numeric(0, 0)),
		schema.Col("ratio", schema.Float()),
		schema.Col("blob", schema.Binary(0)),
		schema.Col("token", schema.UUID(), schema.NotNull()),
		schema.Col("doc", schema.JSON()),
		schema.Col("mood", schema.Type{Kind: schema.KindEnum, Name: "mood", Values: []string{"sad", "ok", "happy"}}, schema.Default("'ok'")),
		schema.Col("state", schema.Enum("new", "done")),
		schema.Col("addr", schema.Raw("", "postgresql", "inet")),
		schema.Col("free", schema.String(0)),
		schema.Col("parent_id", schema.Integer(), schema.References("parent", "id", schema.OnDelete("CASCADE"))),
		schema.Col("parent_alt", schema.Integer()),
		schema.Col("twin_id", schema.BigInt()),
		schema.Col("twin_seq", schema.SmallInt()),
		schema.PrimaryKeyOn("pk_rich", "id", "seq"),
		schema.UniqueOn("uq_rich_label", "label"),
		schema.UniqueOn("", "token"),
		schema.ForeignKeyOn("fk_rich_twin", []string{"twin_id", "twin_seq"}, "rich", []string{"id", "seq"},
			schema.OnDelete("SET NULL"), schema.OnUpdate("CASCADE")),
		schema.ForeignKeyOn("", []string{"parent_alt"}, "parent", []string{"alt"}, schema.OnDelete("RESTRICT")),
		schema.CheckOn("ck_rich_amount", "amount > 0"),
		schema.CheckOn("", "ratio < 1 OR ratio IS NULL"),
		schema.IndexOn("ix_rich_stamp", "stamp", "born"),
		schema.PartialIndexOn("ix_rich_live", "stamp IS NOT NULL", true, "label"),
		schema.TableComment("every kind of column"),
	)
}

// TestInspectRich creates the rich table from its declaration and reads
// it back: the model is the declaration, but for what the server names or
// rewrites (constraint names, defaults with casts, expressions).
func TestInspectRich(t *testing.T) {
	db := pg(t)
	run(t, db, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()})
	got := inspect(t, db)
	if n := len(got.Tables); n != 2 || got.Tables[0].Name != "parent" || got.Tables[1].Name != "rich" {
		t.Fatalf("tables: %v", got.Tables)
	}

	wantParent := parentTable()
	wantParent.PrimaryKey.Name = "parent_pkey"
	wantParent.Uniques[0].Name = "parent_code_key"
	if !reflect.DeepEqual(got.Tables[0], wantParent) {
		t.Errorf("parent inspects as\n%s\nwant\n%s", dump(got.Tables[0]), dump(wantParent))
	}

	want := richTable()
	defaults := map[string]string{"amount": "0", "mood": "'ok'::mood"}
	for col, d := range defaults {
		want.Column(col).Default = d
	}
	want.Column("state").Type.Name = "rich_state"
	// Constraints come sorted by name.
	want.Uniques = []*schema.UniqueConstraint{
		{Name: "rich_token_key", Columns: []string{"token"}},
		{Name: "uq_rich_label", Columns: []string{"label"}},
	}
	want.ForeignKeys = []*schema.ForeignKeyConstraint{
		{Name: "fk_rich_parent_id_parent", Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "CASCADE"},
		{Name: "fk_rich_twin", Columns: []string{"twin_id", "twin_seq"}, RefTable: "rich", RefColumns: []string{"id", "seq"}, OnDelete: "SET NULL", OnUpdate: "CASCADE"},
		{Name: "rich_parent_alt_fkey", Columns: []string{"parent_alt"}, RefTable: "parent", RefColumns: []string{"alt"}, OnDelete: "RESTRICT"},
	}
	want.Checks = []*schema.CheckConstraint{
		{Name: "ck_rich_amount", Expr: "amount > (0)::numeric"},
		{Name: "rich_ratio_check", Expr: "(ratio < (1)::double precision) OR (ratio IS NULL)"},
	}
	want.Indexes = []*schema.Index{
		{Name: "ix_rich_live", Columns: []string{"label"}, Unique: true, Where: "stamp IS NOT NULL"},
		{Name: "ix_rich_stamp", Columns: []string{"stamp", "born"}},
	}
	if !reflect.DeepEqual(got.Tables[1], want) {
		t.Errorf("rich inspects as\n%s\nwant\n%s", dump(got.Tables[1]), dump(want))
	}

	// Names select tables; names that do not exist are left out.
	if s := inspect(t, db, "rich", "nosuch"); len(s.Tables) != 1 || s.Tables[0].Name != "rich" {
		t.Errorf("Inspect(rich, nosuch) gives %d tables", len(s.Tables))
	}
	if s := inspect(t, db, "nosuch"); len(s.Tables) != 0 {
		t.Errorf("Inspect(nosuch) gives %d tables", len(s.Tables))
	}
}

// dump prints a table in full for a failure message.
func dump(t *schema.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table %q comment %q schema %q options %+v\n", t.Name, t.Comment, t.Schema, t.Options)
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "  column %+v type %+v\n", *c, c.Type)
	}
	if t.PrimaryKey != nil {
		fmt.Fprintf(&b, "  pk %+v\n", *t.PrimaryKey)
	}
	for _, ix := range t.Indexes {
		fmt.Fprintf(&b, "  index %+v\n", *ix)
	}
	for _, u := range t.Uniques {
		fmt.Fprintf(&b, "  unique %+v\n", *u)
	}
	for _, fk := range t.ForeignKeys {
		fmt.Fprintf(&b, "  fk %+v\n", *fk)
	}
	for _, c := range t.Checks {
		fmt.Fprintf(&b, "  check %+v\n", *c)
	}
	return b.String()
}
