package autogen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// goSteps is renderSteps with a data step: an UPDATE and a BulkInsert of
// values of several Go types.
func goSteps() (up, down []Step) {
	up, down = renderSteps()
	at := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	up = append(up,
		Step{Op: &op.Execute{SQL: "UPDATE users SET state = 'active'"}, Note: "every user is active"},
		Step{Op: &op.BulkInsert{Table: "database_snapshots",
			Columns: []string{"id", "uuid", "user_id", "size", "deleted", "created_at"},
			Rows: [][]any{
				{1, "6a1f0c9e-0000-4000-8000-000000000001", 1, int64(1 << 40), false, at},
				{2, "6a1f0c9e-0000-4000-8000-000000000002", nil, int64(0), true, nil},
			}}},
	)
	return up, down
}

func TestRenderGoGolden(t *testing.T) {
	up, down := goSteps()
	src, err := RenderGo(GoFile{Package: "migrations", SetVar: "Migrations", Revision: "1284c81cf727",
		Revises: []string{"4358d1b8cc75"}, Message: "add snapshot table"}, up, down)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render_go_revision.go.txt", src)
	checkImports(t, src, "context", "github.com/retort-sql/retort", "github.com/retort-sql/retort/op",
		"github.com/retort-sql/retort/schema", "time")
}

// everyOp holds each operation type of package op, with the values the
// DSL cannot say (a table in another schema, a named enum, per-dialect raw
// types, a nullable key column) so that they come out as literals.
func everyOp() []Step {
	odd := &schema.Table{Name: "odd", Schema: "app", Columns: []*schema.Column{
		{Name: "k", Type: schema.Type{Kind: schema.KindEnum, Values: []string{"a", "b"}, Name: "odd_k"}},
		{Name: "addr", Type: schema.Raw("", "postgresql", "INET", "mysql", "VARCHAR(45)"), Nullable: true},
	}, PrimaryKey: &schema.PrimaryKeyConstraint{Columns: []string{"k"}}}
	named := schema.NewTable("named",
		schema.Col("a", schema.Integer()),
		schema.Col("b", schema.String(10), schema.Default("'x'")),
		schema.Col("c", schema.Numeric(10, 2), schema.Comment("money")),
		schema.Col("d", schema.DateTimeTZ()),
		schema.Col("e", schema.Binary(16)),
		schema.Col("f", schema.UUID()),
		schema.Col("g", schema.JSON()),
		schema.Col("h", schema.Float()),
		schema.Col("i", schema.SmallInt()),
		schema.Col("j", schema.Date()),
		schema.Col("k", schema.Time()),
		schema.Col("l", schema.Raw("CITEXT")),
		schema.PrimaryKeyOn("pk_named", "b", "a"),
		schema.PartialIndexOn("ix_named_live", "a > 0", true, "a"),
		schema.UniqueIndexOn("ux_named_c", "c", "d"),
		schema.IndexOn("ix_named_a", "a"),
		schema.UniqueOn("uq_named_e", "e"),
		schema.ForeignKeyOn("fk_named", []string{"a", "b"}, "other", []string{"x", "y"}, schema.OnDelete("CASCADE"), schema.OnUpdate("RESTRICT")),
		schema.CheckOn("ck_named", "a <> 0"),
		schema.TableComment("every part"),
		schema.MySQLOptions(schema.Options{Engine: "InnoDB", Charset: "utf8mb4"}),
	)
	existing := schema.NewColumn("c", schema.String(32), schema.NotNull(), schema.Default("''"))
	return []Step{
		{Op: &op.CreateTable{Table: named}, Note: "a table with every part the DSL has"},
		{Op: &op.CreateTable{Table: odd}},
		{Op: &op.DropTable{Name: "gone"}},
		{Op: &op.DropTable{Name: "odd", Table: odd}},
		{Op: &op.RenameTable{Old: "a", New: "b"}},
		{Op: &op.AddColumn{Table: "t", Column: schema.NewColumn("n", schema.BigInt(), schema.NotNull(), schema.Default("0"), schema.Comment("count"))}},
		{Op: &op.AddColumn{Table: "t", Column: &schema.Column{Name: "weird", Type: schema.Integer(), AutoIncrement: true, Nullable: true}}},
		{Op: &op.DropColumn{Table: "t", Column: "n"}},
		{Op: &op.AlterColumn{Table: "t", Column: "c", Rename: "d", Type: op.TypePtr(schema.Text()), Nullable: op.Bool(true),
			Default: op.Str(""), Comment: op.Str("it's \"quoted\""), Existing: existing}},
		{Op: &op.CreateIndex{Table: "t", Index: &schema.Index{Name: "ix_t_c", Columns: []string{"c"}, Unique: true, Where: "c IS NOT NULL"}}},
		{Op: &op.DropIndex{Table: "t", Name: "ix_t_c"}},
		{Op: &op.AddPrimaryKey{Table: "t", Key: &schema.PrimaryKeyConstraint{Name: "pk_t", Columns: []string{"c"}}}},
		{Op: &op.AddUnique{Table: "t", Constraint: &schema.UniqueConstraint{Name: "uq_t", Columns: []string{"c", "d"}}}},
		{Op: &op.AddForeignKey{Table: "t", Constraint: &schema.ForeignKeyConstraint{Name: "fk_t", Columns: []string{"c"},
			RefTable: "u", RefColumns: []string{"id"}, OnDelete: "SET NULL"}}},
		{Op: &op.AddCheck{Table: "t", Constraint: &schema.CheckConstraint{Name: "ck_t", Expr: "c <> ''"}}},
		{Op: &op.DropConstraint{Table: "t", Name: "pk_t", Kind: op.PrimaryKey}},
		{Op: &op.DropConstraint{Table: "t", Name: "uq_t", Kind: op.Unique}},
		{Op: &op.DropConstraint{Table: "t", Name: "fk_t", Kind: op.ForeignKey}},
		{Op: &op.DropConstraint{Table: "t", Name: "ck_t", Kind: op.Check}},
		{Op: &op.DropConstraint{Table: "t", Name: "x", Kind: op.ConstraintKind("exclusion")}},
		{Op: &op.SetTableComment{Table: "t", Comment: "a table\nover two lines"}},
		{Op: &op.Execute{SQL: "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n\tSELECT 1;\nEND"}},
		{Op: &op.Execute{SQL: "SELECT `x`\nFROM t"}},
		{Op: &op.BulkInsert{Table: "t", Columns: []string{"a", "b"}, Rows: [][]any{
			{nil, true}, {7, int8(-8)}, {uint64(math.MaxUint64), 2.5}, {float32(1.5), float64(3)},
			{math.NaN(), math.Inf(-1)}, {"it's", []byte{0, 1, 'a'}},
			{time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))},
		}}, Note: "values of every kind BulkInsert takes"},
	}
}

func TestRenderGoEveryOp(t *testing.T) {
	steps := everyOp()
	src, err := RenderGo(GoFile{Package: "migrations", SetVar: "All", Revision: "every_op", Revises: []string{"a1", "b2"},
		Message: "every operation", DependsOn: []string{"c3"}, BranchLabels: []string{"ops"}, NoTransaction: true}, steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render_go_every_op.go.txt", src)
	checkImports(t, src, "context", "math", "time", "github.com/retort-sql/retort", "github.com/retort-sql/retort/op",
		"github.com/retort-sql/retort/schema")

	// Every operation type op declares is in the file.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "op", "op.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "isOp" || fd.Recv == nil {
			continue
		}
		star, _ := fd.Recv.List[0].Type.(*ast.StarExpr)
		id, _ := star.X.(*ast.Ident)
		if id == nil {
			t.Fatalf("isOp on an unexpected receiver")
		}
		if !strings.Contains(string(src), "&op."+id.Name+"{") {
			t.Errorf("op.%s is not among the steps rendered", id.Name)
		}
	}
}

func TestRenderGoEmpty(t *testing.T) {
	src, err := RenderGo(GoFile{Package: "main", SetVar: "Migrations", Revision: "0002"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render_go_empty.go.txt", src)
	checkImports(t, src, "context", "github.com/retort-sql/retort", "github.com/retort-sql/retort/op")
}

func TestRenderGoErrors(t *testing.T) {
	ok := GoFile{Package: "m", SetVar: "Migrations", Revision: "r1"}
	for _, tc := range []struct {
		name string
		g    GoFile
		up   []Step
		want string
	}{
		{"package", GoFile{Package: "my-pkg", SetVar: "M", Revision: "r"}, nil, "package name"},
		{"set var", GoFile{Package: "m", SetVar: "pkg.M", Revision: "r"}, nil, "migrations variable"},
		{"revision", GoFile{Package: "m", SetVar: "M"}, nil, "no revision"},
		{"nil op", ok, []Step{{}}, "step 1 has no operation"},
		{"value", ok, []Step{{Op: &op.BulkInsert{Table: "t", Columns: []string{"a"}, Rows: [][]any{{struct{}{}}}}}},
			"cannot render a BulkInsert value of type struct {}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RenderGo(tc.g, tc.up, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// checkImports fails unless src imports exactly want.
func checkImports(t *testing.T, src []byte, want ...string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, im := range f.Imports {
		got = append(got, strings.Trim(im.Path.Value, `"`))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("imports %q, want %q", got, want)
	}
}

// TestRenderGoRuns compiles two generated migrations (a base creating the
// current schema, then the representative revision) with a small main
// into a program, and runs it on SQLite, PostgreSQL and MariaDB: the
// upgrade leaves the schema the steps leave when run directly, keeps the
// rows, inserts the bulk rows, and the downgrade brings back the schema
// as it was.
func TestRenderGoRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with go build; not in -short")
	}
	var base []Step
	var baseDown []Step
	for _, tb := range fkOrder(renderCurrent().Tables) {
		base = append(base, Step{Op: &op.CreateTable{Table: tb}})
		baseDown = append([]Step{{Op: &op.DropTable{Name: tb.Name, Table: tb}}}, baseDown...)
	}
	up, down := goSteps()
	baseSrc, err := RenderGo(GoFile{Package: "main", SetVar: "Migrations", Revision: "4358d1b8cc75", Message: "initial"}, base, baseDown)
	if err != nil {
		t.Fatal(err)
	}
	revSrc, err := RenderGo(GoFile{Package: "main", SetVar: "Migrations", Revision: "1284c81cf727",
		Revises: []string{"4358d1b8cc75"}, Message: "add snapshot table"}, up, down)
	if err != nil {
		t.Fatal(err)
	}
	// The file with every operation is built too (into a set the program
	// never runs): each literal it holds must compile.
	everySrc, err := RenderGo(GoFile{Package: "main", SetVar: "All", Revision: "every_op"}, everyOp(), nil)
	if err != nil {
		t.Fatal(err)
	}
	prog := buildProgram(t, map[string]string{
		"4358d1b8cc75_initial.go":            string(baseSrc),
		"1284c81cf727_add_snapshot_table.go": string(revSrc),
		"every_op.go":                        string(everySrc),
		"main.go":                            goMain,
	})

	for _, tc := range []struct {
		dialect string
		url     func(testing.TB) string
	}{
		{"sqlite", testdb.SQLite},
		{"postgresql", testdb.Postgres},
		{"mysql", testdb.MySQL},
	} {
		t.Run(tc.dialect, func(t *testing.T) {
			url := tc.url(t)
			run := func(args ...string) {
				t.Helper()
				cmd := exec.Command(prog, append([]string{url}, args...)...)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, out)
				}
			}
			db := openDB(t, url)
			run("upgrade", "4358d1b8cc75")
			db.exec(t, "INSERT INTO users (id, name, email) VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', NULL)")
			db.exec(t, "INSERT INTO posts (id, user_id, title, body) VALUES (10, 1, 'hello', 'first post')")
			before := appTables(db.inspect(t))
			if want := renderCurrent(); len(before.Tables) != len(want.Tables) {
				t.Fatalf("after the base revision: tables %v", tableNames(before))
			}

			run("upgrade", "head")
			after := appTables(db.inspect(t))
			concat := "name || ':' || state"
			if tc.dialect == "mysql" {
				concat = "CONCAT(name, ':', state)"
			}
			if got := testdb.Strings(t, db.conn, "SELECT "+concat+" FROM users ORDER BY id"); !slices.Equal(got, []string{"ann:active", "bob:active"}) {
				t.Errorf("users after the upgrade: %q", got)
			}
			if got := testdb.Strings(t, db.conn, "SELECT uuid FROM database_snapshots ORDER BY id"); len(got) != 2 {
				t.Errorf("database_snapshots after the upgrade: %q", got)
			}
			if got := testdb.Strings(t, db.conn, "SELECT title FROM posts"); !slices.Equal(got, []string{"hello"}) {
				t.Errorf("posts after the upgrade: %q", got)
			}

			run("downgrade", "4358d1b8cc75")
			if got := appTables(db.inspect(t)); !reflect.DeepEqual(got, before) {
				t.Errorf("after the downgrade:\n got %s\nwant %s", dump(got), dump(before))
			}

			// The steps run directly leave the schema the program left.
			runOps(t, db, up, nil)
			if direct := appTables(db.inspect(t)); !reflect.DeepEqual(direct, after) {
				t.Errorf("the Go migration's upgrade differs from the steps run directly:\nprogram %s\ndirect  %s", dump(after), dump(direct))
			}
			runOps(t, db, down, nil)

			run("downgrade", "base")
			if got := appTables(db.inspect(t)); len(got.Tables) != 0 {
				t.Errorf("after downgrading to base: tables %v", tableNames(got))
			}
		})
	}
}

// goMain runs the migrations the generated files append to Migrations:
// prog URL upgrade|downgrade TARGET.
const goMain = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/retort-sql/retort"
)

var Migrations []*retort.Migration

// All holds the migration of every operation, built but never run.
var All []*retort.Migration

func main() {
	ctx := context.Background()
	r, err := retort.Open(ctx, retort.WithURL(os.Args[1]), retort.WithMigrations(Migrations...))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer r.Close()
	switch os.Args[2] {
	case "upgrade":
		err = r.Upgrade(ctx, os.Args[3])
	case "downgrade":
		err = r.Downgrade(ctx, os.Args[3])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[2])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// buildProgram writes files into a directory of this module (so that it
// builds offline against this checkout), builds them with go build, and
// returns the program's path. The directory starts with "_", which ./...
// patterns leave out, and is removed when the test ends.
func buildProgram(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_gorun-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prog := filepath.Join(t.TempDir(), "migrate")
	cmd := exec.Command("go", "build", "-o", prog, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the generated migrations: %v\n%s", err, out)
	}
	return prog
}

// appTables leaves out retort's version tables.
func appTables(s *schema.Schema) *schema.Schema {
	out := &schema.Schema{}
	for _, t := range s.Tables {
		if !strings.HasPrefix(t.Name, "retort_version") {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}
