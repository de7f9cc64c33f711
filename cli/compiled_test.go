package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/cli"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
)

// A project's own CLI with its migrations compiled in: SQL scripts from an
// fs.FS and Go migrations in one graph, no retort.ini.

var compiledScripts = fstest.MapFS{
	"versions/001_accounts.sql": {Data: []byte(`-- retort:revision 001
-- retort:revises
-- retort:message create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE accounts;
`)},
	"versions/003_audit.sql": {Data: []byte(`-- retort:revision 003
-- retort:revises 002
-- retort:message create audit

-- retort:upgrade
CREATE TABLE audit (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE audit;
`)},
}

var compiledGo = []*retort.Migration{{
	Revision: "002",
	Revises:  "001",
	Message:  "create sessions",
	Upgrade: func(ctx context.Context, op *op.Operations) error {
		return op.Execute(ctx, "CREATE TABLE sessions (id INTEGER PRIMARY KEY)")
	},
	Downgrade: func(ctx context.Context, op *op.Operations) error { return op.DropTable(ctx, "sessions") },
}}

// runCompiled runs the mounted tree in dir with no environment.
func runCompiled(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), cli.Options{
		Name:         "proj-db-manage",
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(string) string { return "" },
		Migrations:   compiledGo,
		Scripts:      compiledScripts,
		ScriptsDir:   "versions",
		VersionTable: "proj_version",
	}, args)
	return out.String(), errb.String(), code
}

func TestCompiledProject(t *testing.T) {
	dir := t.TempDir()
	// A retort.ini in the working directory belongs to someone else: a
	// compiled project reads none unless -c names it.
	if err := os.WriteFile(filepath.Join(dir, "retort.ini"), []byte("[retort]\nversion_table = not_mine\n[database]\nconnection = sqlite:///not_mine.db\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCompiled(t, dir, "current")
	if code != 1 || stderr != "FAILED: no database connection: give --database-connection, set RETORT_DATABASE_URL, or give --config-file naming a file with [database] connection\n" {
		t.Errorf("without a connection: %d %q", code, stderr)
	}
	url := testdb.SQLite(t)
	_, stderr, code = runCompiled(t, dir, "--database-connection", url, "upgrade", "head")
	want := `INFO  [retort.runtime] Context impl SQLiteImpl.
INFO  [retort.runtime] Will assume transactional DDL.
INFO  [retort.runtime] Running upgrade  -> 001, create accounts
INFO  [retort.runtime] Running upgrade 001 -> 002, create sessions
INFO  [retort.runtime] Running upgrade 002 -> 003, create audit
`
	if code != 0 || stderr != want {
		t.Errorf("upgrade: %d\n%s", code, stderr)
	}
	stdout, _, _ := runCompiled(t, dir, "--database-connection", url, "history")
	if stdout != "002 -> 003 (head), create audit\n001 -> 002, create sessions\n<base> -> 001, create accounts\n" {
		t.Errorf("history:\n%s", stdout)
	}
	stdout, _, _ = runCompiled(t, dir, "--database-connection", url, "show", "002")
	if !strings.Contains(stdout, "/cli/compiled_test.go:") {
		t.Errorf("show 002: the path of a Go migration is its file:\n%s", stdout)
	}
	stdout, _, _ = runCompiled(t, dir, "--database-connection", url, "db", "version")
	if stdout != "003\n" {
		t.Errorf("db version: %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "not_mine.db")); err == nil {
		t.Error("the ./retort.ini's database was used")
	}
	db, err := sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:///"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rows := testdb.Strings(t, db, "SELECT version_num FROM proj_version"); len(rows) != 1 || rows[0] != "003" {
		t.Errorf("the project's default version table: %v", rows)
	}

	// -c names a retort.ini: its settings apply, its connection too.
	ini := filepath.Join(dir, "settings.ini")
	other := testdb.SQLite(t)
	if err := os.WriteFile(ini, []byte("[retort]\nversion_table = named_version\n[database]\nconnection = "+other+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = runCompiled(t, dir, "-c", ini, "upgrade", "002"); code != 0 {
		t.Fatalf("-c: %s", stderr)
	}
	stdout, _, _ = runCompiled(t, dir, "-c", ini, "current")
	if stdout != "002\n" {
		t.Errorf("current with -c: %q", stdout)
	}

	// The commands that write scripts are refused.
	for _, args := range [][]string{{"revision", "-m", "x"}, {"script", "x"}, {"merge"}, {"edit", "001"}, {"init", "x"}} {
		_, stderr, code := runCompiled(t, dir, args...)
		want := "FAILED: proj-db-manage has its migrations compiled in, so `" + args[0] + "` has no versions folder to write to: add the revision to its source (a Go migration, or a script in its embedded folder) and rebuild\n"
		if code != 1 || stderr != want {
			t.Errorf("%v: %d %q", args, code, stderr)
		}
	}
}
