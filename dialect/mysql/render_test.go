package mysql_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// snapshotsTable is the reference case's table (DESIGN.md, workflow 1).
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

// renderOffline renders as `upgrade --sql` does: without a database.
func renderOffline(t *testing.T, o op.Op) []string {
	t.Helper()
	stmts, err := mysql.Dialect{}.Render(ctx, nil, o)
	if err != nil {
		t.Fatalf("%s: %v", o.Describe(), err)
	}
	return stmts
}

func golden(t *testing.T, name string, stmts []string) {
	t.Helper()
	got := strings.Join(stmts, ";\n") + ";\n"
	path := filepath.Join("testdata", "render", name)
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
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestRenderSnapshotsGolden(t *testing.T) {
	golden(t, "database_snapshots.sql", renderOffline(t, &op.CreateTable{Table: snapshotsTable()}))
}

func TestRenderRichTableGolden(t *testing.T) {
	golden(t, "rich.sql", renderOffline(t, &op.CreateTable{Table: richTable()}))
}

// TestRenderOffline pins the SQL of each operation that needs no live
// schema.
func TestRenderOffline(t *testing.T) {
	cases := []struct {
		o    op.Op
		want []string
	}{
		{&op.DropTable{Name: "t"}, []string{"DROP TABLE `t`"}},
		{&op.RenameTable{Old: "a", New: "b"}, []string{"RENAME TABLE `a` TO `b`"}},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("state", schema.String(16), schema.NotNull(), schema.Default("'new'"), schema.Comment("it's"))},
			[]string{"ALTER TABLE `t` ADD COLUMN `state` VARCHAR(16) NOT NULL DEFAULT 'new' COMMENT 'it''s'"}},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("kind", schema.Enum("a", "b'c", `d\e`))},
			[]string{"ALTER TABLE `t` ADD COLUMN `kind` ENUM('a','b''c','d\\\\e') NULL"}},
		{&op.DropColumn{Table: "t", Column: "c"}, []string{"ALTER TABLE `t` DROP COLUMN `c`"}},
		{&op.AlterColumn{Table: "t", Column: "c", Rename: "d"}, []string{"ALTER TABLE `t` RENAME COLUMN `c` TO `d`"}},
		{&op.AlterColumn{Table: "t", Column: "c", Default: op.Str("7")}, []string{"ALTER TABLE `t` ALTER COLUMN `c` SET DEFAULT 7"}},
		{&op.AlterColumn{Table: "t", Column: "c", Default: op.Str("'x'")}, []string{"ALTER TABLE `t` ALTER COLUMN `c` SET DEFAULT 'x'"}},
		{&op.AlterColumn{Table: "t", Column: "c", Default: op.Str("CURRENT_TIMESTAMP")}, []string{"ALTER TABLE `t` ALTER COLUMN `c` SET DEFAULT (CURRENT_TIMESTAMP)"}},
		{&op.AlterColumn{Table: "t", Column: "c", Default: op.Str("")}, []string{"ALTER TABLE `t` ALTER COLUMN `c` DROP DEFAULT"}},
		{&op.AlterColumn{Table: "t", Column: "c", Rename: "d", Default: op.Str("1")},
			[]string{"ALTER TABLE `t` RENAME COLUMN `c` TO `d`", "ALTER TABLE `t` ALTER COLUMN `d` SET DEFAULT 1"}},
		// Offline, Existing stands for the live column.
		{&op.AlterColumn{Table: "t", Column: "c", Nullable: op.Bool(false),
			Existing: schema.NewColumn("c", schema.String(32), schema.Default("'x'"), schema.Comment("kept"))},
			[]string{"ALTER TABLE `t` MODIFY COLUMN `c` VARCHAR(32) NOT NULL DEFAULT 'x' COMMENT 'kept'"}},
		{&op.AlterColumn{Table: "t", Column: "c", Rename: "d", Type: op.TypePtr(schema.Text()),
			Existing: schema.NewColumn("c", schema.String(32), schema.NotNull())},
			[]string{"ALTER TABLE `t` CHANGE COLUMN `c` `d` TEXT NOT NULL"}},
		{&op.AlterColumn{Table: "t", Column: "id", Type: op.TypePtr(schema.BigInt()),
			Existing: schema.NewColumn("id", schema.Integer(), schema.NotNull(), schema.AutoIncrement())},
			[]string{"ALTER TABLE `t` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT"}},
		{&op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ix", Columns: []string{"a", "b"}}}, []string{"CREATE INDEX `ix` ON `t` (`a`, `b`)"}},
		{&op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ux", Columns: []string{"a"}, Unique: true}}, []string{"CREATE UNIQUE INDEX `ux` ON `t` (`a`)"}},
		{&op.DropIndex{Table: "t", Name: "ix"}, []string{"DROP INDEX `ix` ON `t`"}},
		{&op.AddPrimaryKey{Table: "t", Key: &schema.PrimaryKeyConstraint{Name: "pk_t", Columns: []string{"a", "b"}}}, []string{"ALTER TABLE `t` ADD PRIMARY KEY (`a`, `b`)"}},
		{&op.AddUnique{Table: "t", Constraint: &schema.UniqueConstraint{Name: "uq", Columns: []string{"a"}}}, []string{"ALTER TABLE `t` ADD CONSTRAINT `uq` UNIQUE (`a`)"}},
		{&op.AddUnique{Table: "t", Constraint: &schema.UniqueConstraint{Columns: []string{"a"}}}, []string{"ALTER TABLE `t` ADD UNIQUE (`a`)"}},
		{&op.AddForeignKey{Table: "t", Constraint: &schema.ForeignKeyConstraint{Name: "fk", Columns: []string{"p"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "set null", OnUpdate: "CASCADE"}},
			[]string{"ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE CASCADE"}},
		{&op.AddCheck{Table: "t", Constraint: &schema.CheckConstraint{Name: "ck", Expr: "a > 0"}}, []string{"ALTER TABLE `t` ADD CONSTRAINT `ck` CHECK (a > 0)"}},
		{&op.DropConstraint{Table: "t", Name: "fk", Kind: op.ForeignKey}, []string{"ALTER TABLE `t` DROP FOREIGN KEY `fk`"}},
		{&op.DropConstraint{Table: "t", Name: "fk", Kind: op.ForeignKey, Index: "fk"}, []string{"ALTER TABLE `t` DROP FOREIGN KEY `fk`, DROP INDEX `fk`"}},
		{&op.DropConstraint{Table: "t", Name: "uq", Kind: op.Unique}, []string{"ALTER TABLE `t` DROP INDEX `uq`"}},
		{&op.DropConstraint{Table: "t", Name: "pk_t", Kind: op.PrimaryKey}, []string{"ALTER TABLE `t` DROP PRIMARY KEY"}},
		{&op.DropConstraint{Table: "t", Name: "ck", Kind: op.Check}, []string{"ALTER TABLE `t` DROP CONSTRAINT `ck`"}},
		{&op.SetTableComment{Table: "t", Comment: `it's a \ comment`}, []string{"ALTER TABLE `t` COMMENT = 'it''s a \\\\ comment'"}},
		{&op.SetTableComment{Table: "t"}, []string{"ALTER TABLE `t` COMMENT = ''"}},
		{&op.Execute{SQL: "UPDATE t SET a = 1"}, []string{"UPDATE t SET a = 1"}},
		{&op.BulkInsert{Table: "t", Columns: []string{"a", "b"}, Rows: [][]any{
			{nil, true}, {int8(-3), uint64(18446744073709551615)}, {1.5, float32(0.25)}, {"plain", "it's"},
			{[]byte{0, 0xff}, time.Date(2024, 2, 3, 4, 5, 6, 789000000, time.FixedZone("x", 3600))},
		}}, []string{"INSERT INTO `t` (`a`, `b`) VALUES (NULL, TRUE), (-3, 18446744073709551615), (1.5, 0.25), " +
			"('plain', _utf8mb4 X'69742773'), (X'00ff', '2024-02-03 03:05:06.789')"}},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}}, nil},
	}
	for _, c := range cases {
		got := renderOffline(t, c.o)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") || len(got) != len(c.want) {
			t.Errorf("%s:\n got  %q\n want %q", c.o.Describe(), got, c.want)
		}
	}
}

func TestRenderCreateTableOptions(t *testing.T) {
	tb := schema.NewTable("opts", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.MySQLOptions(schema.Options{Engine: "InnoDB", Charset: "utf8mb4", Collate: "utf8mb4_bin"}),
		schema.TableComment("o'k"))
	got := renderOffline(t, &op.CreateTable{Table: tb})
	want := "CREATE TABLE `opts` (\n\t`id` INT NOT NULL,\n\tPRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='o''k'"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestRenderBulkInsertChunks(t *testing.T) {
	rows := make([][]any, 1201)
	for i := range rows {
		rows[i] = []any{i}
	}
	got := renderOffline(t, &op.BulkInsert{Table: "t", Columns: []string{"n"}, Rows: rows})
	if len(got) != 3 || strings.Count(got[0], "(") != 501 || strings.Count(got[2], "(") != 202 {
		t.Fatalf("1201 rows rendered as %d statements", len(got))
	}
}

// TestRenderErrors: what MySQL cannot do, or cannot do without more to go
// on, fails and says why.
func TestRenderErrors(t *testing.T) {
	cases := []struct {
		o    op.Op
		want string
	}{
		{&op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ix", Columns: []string{"a"}, Where: "a > 0"}}, "MySQL and MariaDB have no partial indexes"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Integer()), schema.PartialIndexOn("ix", "a > 0", false, "a"))}, "no partial indexes"},
		{&op.AlterColumn{Table: "t", Column: "c", Nullable: op.Bool(false)}, "AlterColumn on MySQL restates the column: give Existing for offline SQL"},
		{&op.AlterColumn{Table: "t", Column: "c", Comment: op.Str("x")}, "give Existing for offline SQL"},
		{&op.AlterColumn{Table: "t", Column: "c"}, "nothing to change"},
		{&op.AlterColumn{Table: "t", Column: "c", Nullable: op.Bool(true), Existing: &schema.Column{Name: "c"}}, "Existing gives no type"},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("s", schema.String(0))}, "needs a length"},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("r", schema.Raw("", "postgresql", "INET"))}, "gives no SQL for mysql"},
		{&op.AddColumn{Table: "t", Column: schema.NewColumn("e", schema.Enum())}, "at least one value"},
		{&op.AddForeignKey{Table: "t", Constraint: &schema.ForeignKeyConstraint{Name: "fk", Columns: []string{"a"}, RefTable: "p", RefColumns: []string{"id"}, OnDelete: "DROP TABLE x"}}, "is not CASCADE"},
		{&op.DropConstraint{Table: "t", Name: "x"}, "no Kind given"},
		{&op.CreateTable{Table: schema.NewTable("t", schema.Col("a", schema.Integer()), schema.MySQLOptions(schema.Options{Engine: "InnoDB; DROP"}))}, "is not a name"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{1, 2}}}, "row 1 has 2 values for 1 columns"},
		{&op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{struct{}{}}}}, "cannot write a struct {}"},
		{&op.Execute{SQL: "  "}, "no SQL"},
	}
	for _, c := range cases {
		_, err := mysql.Dialect{}.Render(ctx, nil, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.o.Describe(), err, c.want)
		}
	}
}
