package cli_test

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/cli"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
)

// The numbered workflow's database_snapshots table, declared once in the
// schema DSL and created by a Go migration on each dialect (issue 4's
// first must-show): the statements it runs are each dialect's golden DDL,
// and the table it leaves inspects the same on all three.

var snapshotsMigrations = []*retort.Migration{{
	Revision: "007",
	Message:  "Add snapshot table",
	Upgrade: func(ctx context.Context, op *op.Operations) error {
		return op.CreateTable(ctx, snapshotsModel())
	},
	Downgrade: func(ctx context.Context, op *op.Operations) error {
		return op.DropTable(ctx, "database_snapshots")
	},
}}

// snapshotsModel is the table as the models declare it; extra parts are
// the models running ahead of the migrations.
func snapshotsModel(extra ...schema.TablePart) *schema.Table {
	return schema.NewTable("database_snapshots", append([]schema.TablePart{
		schema.Col("created_at", schema.DateTime()),
		schema.Col("updated_at", schema.DateTime()),
		schema.Col("deleted_at", schema.DateTime()),
		schema.Col("deleted", schema.Boolean()),
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("uuid", schema.String(36), schema.NotNull()),
		schema.Col("user_id", schema.String(32), schema.NotNull()),
		schema.Col("instance_id", schema.String(36)),
		schema.Col("name", schema.String(255)),
		schema.Col("description", schema.String(255)),
		schema.Col("state", schema.String(32)),
		schema.UniqueIndexOn("ix_database_snapshots_uuid", "uuid"),
		schema.IndexOn("ix_database_snapshots_user_id", "user_id"),
	}, extra...)...)
}

func runSnapshots(t *testing.T, args ...string) (stdout, stderr string, code int) {
	return runSnapshotsWith(t, nil, args...)
}

// runSnapshotsWith runs the snapshots project's own CLI with Go models.
func runSnapshotsWith(t *testing.T, models *schema.Schema, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), cli.Options{
		Name:       "snapshots-db-manage",
		Stdout:     &out,
		Stderr:     &errb,
		Getenv:     func(string) string { return "" },
		Migrations: snapshotsMigrations,
		Models:     models,
	}, args)
	return out.String(), errb.String(), code
}

func TestSnapshotsGoMigration(t *testing.T) {
	servers := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"sqlite", testdb.SQLite},
		{"postgresql", testdb.Postgres},
		{"mysql", testdb.MySQL},
	}
	var seen []*schema.Table
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			url := sv.url(t)

			// Offline, the migration's statements are the dialect's golden DDL.
			golden, err := os.ReadFile(filepath.Join("..", "dialect", goldenDir(sv.name), "testdata", "render", "database_snapshots.sql"))
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runSnapshots(t, "--database-connection", url, "upgrade", "--sql", "head")
			if code != 0 {
				t.Fatalf("upgrade --sql: exit %d\n%s", code, stderr)
			}
			for _, stmt := range strings.SplitAfter(strings.TrimSpace(string(golden)), ";\n") {
				if !strings.Contains(stdout, strings.TrimSpace(stmt)) {
					t.Errorf("upgrade --sql lacks the golden statement\n%s\nin:\n%s", stmt, stdout)
				}
			}

			// Online, the same migration creates the table.
			if _, stderr, code := runSnapshots(t, "--database-connection", url, "upgrade", "head"); code != 0 {
				t.Fatalf("upgrade head: exit %d\n%s", code, stderr)
			}
			if stdout, _, _ := runSnapshots(t, "--database-connection", url, "current"); stdout != "007 (head)\n" {
				t.Fatalf("current: %q", stdout)
			}
			// The project's Go models match what its Go migration made.
			models := schema.NewSchema(snapshotsModel())
			if stdout, stderr, code := runSnapshotsWith(t, models, "--database-connection", url, "check"); code != 0 || stdout != "No new upgrade operations detected.\n" {
				t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
			}
			ahead := schema.NewSchema(snapshotsModel(schema.Col("size", schema.BigInt())))
			stdout, stderr, code = runSnapshotsWith(t, ahead, "--database-connection", url, "check")
			if code != 1 || !strings.HasPrefix(stdout, "add_column database_snapshots.size ") ||
				!strings.Contains(stderr, "FAILED: New upgrade operations detected: 1 difference between the models and the database") {
				t.Fatalf("check with a new column in the models: exit %d\n%s%s", code, stdout, stderr)
			}

			tb := inspectTable(t, url, "database_snapshots")
			// The primary key's name and MySQL's engine and charset are the
			// server's choice, not the declaration's.
			if tb.PrimaryKey != nil {
				tb.PrimaryKey.Name = ""
			}
			tb.Options = schema.Options{}
			seen = append(seen, tb)

			if _, stderr, code := runSnapshots(t, "--database-connection", url, "downgrade", "base"); code != 0 {
				t.Fatalf("downgrade base: exit %d\n%s", code, stderr)
			}
			if tb := inspectTable(t, url, "database_snapshots"); tb != nil {
				t.Fatalf("database_snapshots still there after downgrade base")
			}
		})
	}
	if t.Failed() || len(seen) != len(servers) {
		return
	}
	want := seen[0]
	if got := want.Column("id"); got == nil || got.Nullable || !got.AutoIncrement || !got.Type.Equal(schema.Integer()) {
		t.Errorf("id inspects as %+v, want integer not null autoincrement", got)
	}
	if got := want.Column("uuid"); got == nil || got.Nullable || !got.Type.Equal(schema.String(36)) {
		t.Errorf("uuid inspects as %+v, want string(36) not null", got)
	}
	if got := want.Column("deleted"); got == nil || !got.Nullable || !got.Type.Equal(schema.Boolean()) {
		t.Errorf("deleted inspects as %+v, want a nullable boolean", got)
	}
	if ix := want.Index("ix_database_snapshots_uuid"); ix == nil || !ix.Unique || !reflect.DeepEqual(ix.Columns, []string{"uuid"}) {
		t.Errorf("unique index on uuid: %+v", ix)
	}
	if ix := want.Index("ix_database_snapshots_user_id"); ix == nil || ix.Unique || !reflect.DeepEqual(ix.Columns, []string{"user_id"}) {
		t.Errorf("index on user_id: %+v", ix)
	}
	if want.PrimaryKey == nil || !reflect.DeepEqual(want.PrimaryKey.Columns, []string{"id"}) {
		t.Errorf("primary key: %+v", want.PrimaryKey)
	}
	for i := 1; i < len(seen); i++ {
		if !reflect.DeepEqual(want, seen[i]) {
			t.Errorf("database_snapshots inspects differently on %s than on %s:\n%+v\n%+v", servers[i].name, servers[0].name, *seen[i], *want)
		}
	}
}

// goldenDir is the dialect package holding the render goldens.
func goldenDir(name string) string {
	if name == "postgresql" {
		return "postgres"
	}
	return name
}

// inspectTable reads one table of the database at url, or nil.
func inspectTable(t *testing.T, url, name string) *schema.Table {
	t.Helper()
	ctx := context.Background()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	insp, ok := db.Dialect().(dialect.Inspector)
	if !ok {
		t.Fatalf("%s inspects nothing", db.Dialect().Name())
	}
	s, err := insp.Inspect(ctx, db.SQL(), name)
	if err != nil {
		t.Fatal(err)
	}
	return s.Table(name)
}

// A project's own CLI with GoMigrations writes new revisions as Go
// migration files into its source: with --autogenerate, the operations
// that take the database to its Go models.
func TestGoRevision(t *testing.T) {
	url := testdb.SQLite(t)
	src := t.TempDir()
	run := func(models *schema.Schema, args ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		code := cli.Main(context.Background(), cli.Options{
			Name:         "snapshots-db-manage",
			Stdout:       &out,
			Stderr:       &errb,
			Getenv:       func(string) string { return "" },
			Migrations:   snapshotsMigrations,
			Models:       models,
			GoMigrations: &cli.GoMigrationsDir{Dir: src, Package: "migrations", SetVar: "All"},
		}, append([]string{"--database-connection", url}, args...))
		return out.String(), errb.String(), code
	}
	ahead := schema.NewSchema(snapshotsModel(schema.Col("size", schema.BigInt())))

	// Behind its heads, the database is refused and nothing is written.
	if _, stderr, code := run(ahead, "revision", "--autogenerate", "--rev-id", "008", "-m", "add size"); code != 1 ||
		!strings.Contains(stderr, "FAILED: target database is not up to date: it is at base, and 007 not applied") {
		t.Fatalf("autogenerate at base: exit %d\n%s", code, stderr)
	}
	if files, _ := os.ReadDir(src); len(files) != 0 {
		t.Fatalf("files written by a refused autogenerate: %v", files)
	}

	if _, stderr, code := run(nil, "upgrade", "head"); code != 0 {
		t.Fatalf("upgrade head: %s", stderr)
	}
	stdout, stderr, code := run(ahead, "revision", "--autogenerate", "--rev-id", "008", "-m", "add size")
	if code != 0 {
		t.Fatalf("revision --autogenerate: exit %d\n%s", code, stderr)
	}
	path := filepath.Join(src, "008_add_size.go")
	if !strings.HasSuffix(stdout, "008_add_size.go ...  done\n") || !strings.Contains(stderr, "Detected added column 'database_snapshots.size'") {
		t.Fatalf("revision --autogenerate said:\n%s%s", stdout, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if formatted, err := format.Source(data); err != nil || !bytes.Equal(formatted, data) {
		t.Fatalf("the generated file is not gofmt-clean (%v):\n%s", err, data)
	}
	for _, want := range []string{"package migrations\n", "All = append(All, &retort.Migration{", `"008"`, `"007"`, "op.AddColumn", `"size"`, "schema.BigInt()", "op.DropColumn"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the generated file lacks %q:\n%s", want, data)
		}
	}

	// Without --autogenerate: an empty migration to fill in, on the same head
	// (008 is not compiled in until the project is rebuilt).
	if _, stderr, code := run(nil, "revision", "--rev-id", "009", "-m", "backfill"); code != 0 {
		t.Fatalf("revision: exit %d\n%s", code, stderr)
	}
	empty, err := os.ReadFile(filepath.Join(src, "009_backfill.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(empty, []byte(`"009"`)) || !bytes.Contains(empty, []byte("Upgrade:")) || bytes.Contains(empty, []byte("op.AddColumn")) {
		t.Errorf("the empty migration:\n%s", empty)
	}
}
