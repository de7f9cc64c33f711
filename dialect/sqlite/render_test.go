package sqlite

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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

// golden compares got with testdata/<name>, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n%s\nwant\n%s", path, got, want)
	}
}

// The database_snapshots table of the design's first workflow, offline,
// as a golden file; then run, and inspected back as declared.
func TestRenderDatabaseSnapshots(t *testing.T) {
	stmts, err := Dialect{}.Render(ctx, nil, &op.CreateTable{Table: snapshotsTable()})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render/database_snapshots.sql", strings.Join(stmts, ";\n")+";\n")

	conn := testConn(t)
	mustMigrate(t, conn, &op.CreateTable{Table: snapshotsTable()})
	want := snapshotsTable()
	// Inspected: sorted indexes, nothing else differs.
	want.Indexes[0], want.Indexes[1] = want.Indexes[1], want.Indexes[0]
	sameTable(t, inspectTable(t, conn, "database_snapshots"), want, "database_snapshots as inspected")
}

// Offline rendering of the operations that need no live schema.
func TestRenderOffline(t *testing.T) {
	when := time.Date(2026, 11, 22, 10, 15, 0, 500, time.FixedZone("", 3600))
	for _, tc := range []struct {
		name string
		op   op.Op
		want []string
	}{
		{"create table with every constraint", &op.CreateTable{Table: schema.NewTable("t",
			schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
			schema.Col("p", schema.Integer(), schema.References("p", "id", schema.OnDelete("set null"))),
			schema.Col("n", schema.Numeric(10, 2), schema.NotNull(), schema.Default("0"), schema.Comment("not kept")),
			schema.Col("s", schema.Enum("a", "ééé"), schema.Unique()),
			schema.PrimaryKeyOn("pk_t", "id"),
			schema.CheckOn("ck_n", "n >= 0"),
			schema.ForeignKeyOn("", []string{"p"}, "p", nil, schema.OnUpdate("CASCADE")),
			schema.PartialIndexOn("ix_t_s", "s <> 'a'", true, "s", "n"),
			schema.TableComment("not kept"))},
			[]string{"CREATE TABLE \"t\" (\n" +
				"\t\"id\" INTEGER NOT NULL CONSTRAINT \"pk_t\" PRIMARY KEY AUTOINCREMENT,\n" +
				"\t\"p\" INTEGER,\n" +
				"\t\"n\" NUMERIC(10,2) NOT NULL DEFAULT 0,\n" +
				"\t\"s\" VARCHAR(3),\n" +
				"\tCONSTRAINT \"uq_t_s\" UNIQUE (\"s\"),\n" +
				"\tCONSTRAINT \"fk_t_p_p\" FOREIGN KEY (\"p\") REFERENCES \"p\" (\"id\") ON DELETE SET NULL,\n" +
				"\tFOREIGN KEY (\"p\") REFERENCES \"p\" ON UPDATE CASCADE,\n" +
				"\tCONSTRAINT \"ck_n\" CHECK (n >= 0)\n)",
				`CREATE UNIQUE INDEX "ix_t_s" ON "t" ("s", "n") WHERE s <> 'a'`}},
		{"composite key", &op.CreateTable{Table: schema.NewTable(`we"ird`,
			schema.Col("a", schema.BigInt(), schema.PrimaryKey()), schema.Col("b", schema.String(0), schema.PrimaryKey()),
			schema.Col("c", schema.Raw("", "sqlite", "INT8")))},
			[]string{"CREATE TABLE \"we\"\"ird\" (\n\t\"a\" BIGINT NOT NULL,\n\t\"b\" VARCHAR NOT NULL,\n\t\"c\" INT8,\n\tPRIMARY KEY (\"a\", \"b\")\n)"}},
		{"drop table", &op.DropTable{Name: "t"}, []string{`DROP TABLE "t"`}},
		{"rename table", &op.RenameTable{Old: "a", New: "b"}, []string{`ALTER TABLE "a" RENAME TO "b"`}},
		{"add nullable column", &op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.UUID())},
			[]string{`ALTER TABLE "t" ADD COLUMN "c" CHAR(36)`}},
		{"add NOT NULL column with a default", &op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.String(8), schema.NotNull(), schema.Default("'it''s'"))},
			[]string{`ALTER TABLE "t" ADD COLUMN "c" VARCHAR(8) NOT NULL DEFAULT 'it''s'`}},
		{"add column with a negative default", &op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.Float(), schema.NotNull(), schema.Default("-1.5"))},
			[]string{`ALTER TABLE "t" ADD COLUMN "c" FLOAT NOT NULL DEFAULT -1.5`}},
		{"rename column", &op.AlterColumn{Table: "t", Column: "a", Rename: "b"}, []string{`ALTER TABLE "t" RENAME COLUMN "a" TO "b"`}},
		{"rename column, comment ignored", &op.AlterColumn{Table: "t", Column: "a", Rename: "b", Comment: op.Str("x")}, []string{`ALTER TABLE "t" RENAME COLUMN "a" TO "b"`}},
		{"column comment", &op.AlterColumn{Table: "t", Column: "a", Comment: op.Str("x")}, nil},
		{"table comment", &op.SetTableComment{Table: "t", Comment: "x"}, nil},
		{"create index", &op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ix", Columns: []string{"a", "b"}}}, []string{`CREATE INDEX "ix" ON "t" ("a", "b")`}},
		{"drop index", &op.DropIndex{Table: "t", Name: "ix"}, []string{`DROP INDEX "ix"`}},
		{"execute", &op.Execute{SQL: "UPDATE t SET a = 1"}, []string{"UPDATE t SET a = 1"}},
		{"bulk insert", &op.BulkInsert{Table: "t", Columns: []string{"a", "b", "c", "d", "e", "f", "g"}, Rows: [][]any{
			{nil, true, false, int64(-3), uint8(7), 2.5, float32(1)},
			{"it's", []byte{0xde, 0xad}, when, 1e21, int32(0), "", []byte{}}}},
			[]string{`INSERT INTO "t" ("a", "b", "c", "d", "e", "f", "g") VALUES (NULL, 1, 0, -3, 7, 2.5, 1.0), ` +
				`('it''s', X'dead', '2026-11-22 10:15:00.0000005+01:00', 1e+21, 0, '', X'')`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Dialect{}.Render(ctx, nil, tc.op)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ";\n") != strings.Join(tc.want, ";\n") || len(got) != len(tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, ";\n"), strings.Join(tc.want, ";\n"))
			}
		})
	}
}

// BulkInsert splits its rows into statements of 500.
func TestRenderBulkInsertChunks(t *testing.T) {
	rows := make([][]any, 1001)
	for i := range rows {
		rows[i] = []any{i}
	}
	got, err := Dialect{}.Render(ctx, nil, &op.BulkInsert{Table: "t", Columns: []string{"n"}, Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || strings.Count(got[0], "(") != 501 || !strings.HasSuffix(got[2], "VALUES (1000)") {
		t.Errorf("%d statements; last %q", len(got), got[len(got)-1])
	}
	if got, _ := (Dialect{}).Render(ctx, nil, &op.BulkInsert{Table: "t", Columns: []string{"n"}}); len(got) != 0 {
		t.Errorf("no rows gave %v", got)
	}
}

// Offline, what needs a rebuild fails saying so, and so does what is
// impossible.
func TestRenderOfflineErrors(t *testing.T) {
	const rebuild = "on SQLite rebuilds the table and needs the live database; offline SQL cannot do it"
	for _, tc := range []struct {
		op   op.Op
		want string
	}{
		{&op.DropColumn{Table: "t", Column: "c"}, "dropping column t.c " + rebuild},
		{&op.AlterColumn{Table: "t", Column: "c", Type: op.TypePtr(schema.Text())}, "altering the type, nullability or default of t.c " + rebuild},
		{&op.AlterColumn{Table: "t", Column: "c", Nullable: op.Bool(false), Rename: "d"}, rebuild},
		{&op.AlterColumn{Table: "t", Column: "c", Default: op.Str("")}, rebuild},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.DateTime(), schema.Default("CURRENT_TIMESTAMP"))}, "adding column t.c with a non-constant default " + rebuild},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.Integer(), schema.Default("(1 + 1)"))}, rebuild},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.Integer(), schema.NotNull())}, "adding NOT NULL column t.c without a default " + rebuild},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.Integer(), schema.NotNull(), schema.Default("NULL"))}, "adding NOT NULL column t.c without a default " + rebuild},
		{&op.AddPrimaryKey{Table: "t", Key: &schema.PrimaryKeyConstraint{Columns: []string{"a"}}}, "adding a primary key to t " + rebuild},
		{&op.AddUnique{Table: "t", Constraint: &schema.UniqueConstraint{Name: "u", Columns: []string{"a"}}}, "adding unique constraint u to t " + rebuild},
		{&op.AddForeignKey{Table: "t", Constraint: &schema.ForeignKeyConstraint{Name: "f", Columns: []string{"a"}, RefTable: "p"}}, "adding foreign key f to t " + rebuild},
		{&op.AddCheck{Table: "t", Constraint: &schema.CheckConstraint{Name: "k", Expr: "a > 0"}}, "adding check constraint k to t " + rebuild},
		{&op.DropConstraint{Table: "t", Name: "k", Kind: op.Check}, "dropping constraint k from t " + rebuild},
		{&op.DropConstraint{Table: "t", Kind: op.PrimaryKey}, "dropping constraint (the primary key) from t " + rebuild},

		{&op.AlterColumn{Table: "t", Column: "c"}, "alter column t.c changes nothing"},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("c", schema.Integer(), schema.AutoIncrement())}, "cannot add an AUTOINCREMENT column"},
		{&op.DropConstraint{Table: "t", Kind: op.Check}, "a check constraint is dropped by name"},
		{&op.DropConstraint{Table: "t", Name: "x", Kind: "index"}, `unknown constraint kind "index"`},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Raw("", "postgresql", "inet")))}, "raw type raw(postgresql:inet) has no SQL for sqlite"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Integer(), schema.AutoIncrement()))}, "AUTOINCREMENT, which SQLite allows only on the table's single-column primary key"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.String(3), schema.PrimaryKey(), schema.AutoIncrement()))}, "only on an INTEGER column, not string(3)"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Enum()))}, "enum type has no values"},
		{&op.CreateTable{Table: schema.NewTable("t")}, "a table needs at least one column"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Integer()), schema.ForeignKeyOn("f", []string{"a"}, "p", []string{"x"}, schema.OnDelete("EXPLODE")))}, "unknown action ON DELETE EXPLODE"},
		{&op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ix"}}, "needs a name, a table and columns"},
		{&op.Execute{SQL: "  "}, "execute: no SQL given"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{1, 2}}}, "row 1 has 2 values for 1 columns"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{struct{}{}}}}, "row 1, column a: no SQLite literal for a struct {} value"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{math.NaN()}}}, "NaN has no SQL literal"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{uint64(math.MaxUint64)}}}, "does not fit SQLite's 64-bit signed integers"},
		{nil, "no operation given"},
	} {
		name := "nil"
		if tc.op != nil {
			name = tc.op.Describe()
		}
		_, err := Dialect{}.Render(ctx, nil, tc.op)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// What the renderer writes is what Inspect reads back: each portable type
// through a live table.
func TestTypesRoundTrip(t *testing.T) {
	conn := testConn(t)
	types := []schema.Type{schema.Integer(), schema.SmallInt(), schema.BigInt(), schema.Boolean(), schema.String(12),
		schema.String(0), schema.Text(), schema.Date(), schema.Time(), schema.DateTime(), schema.Numeric(12, 4),
		schema.Numeric(0, 0), schema.Float(), schema.Binary(0), schema.UUID(), schema.JSON(),
		{Kind: schema.KindRaw, Raw: map[string]string{"sqlite": "INT8"}}}
	tb := schema.NewTable("types")
	for i, typ := range types {
		schema.Col(string(rune('a'+i)), typ)(tb)
	}
	mustMigrate(t, conn, &op.CreateTable{Table: tb})
	got := inspectTable(t, conn, "types")
	for i, c := range got.Columns {
		if !c.Type.Equal(types[i]) {
			t.Errorf("%s: rendered %s, inspected %s", c.Name, types[i], c.Type)
		}
	}
}
