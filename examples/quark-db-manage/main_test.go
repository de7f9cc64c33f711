package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/runtime"
)

// The seed workflow of the design, on the built program: quark's revisions
// as Go migrations, the database named by a neutron.conf or by
// --database-connection, and every line the same as `retort` prints for
// the SQL scripts of examples/quark.

// build compiles a main package of the module with `go build` into dir.
func build(t *testing.T, dir, name, pkg string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = moduleRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// run runs a built program in dir with an environment free of retort's
// variables, returning stdout and stderr; it fails the test on a non-zero
// exit unless fail is set.
func run(t *testing.T, dir, prog string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RETORT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(prog), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String()
}

const upgradeLog = `INFO  [retort.runtime] Context impl SQLiteImpl.
INFO  [retort.runtime] Will assume transactional DDL.
INFO  [retort.runtime] Running upgrade  -> 4358d1b8cc75, initial
INFO  [retort.runtime] Running upgrade 4358d1b8cc75 -> 1284c81cf727, create lswitch and lswitch port orphaned tables
`

var quarkTables = []string{"quark_lswitch_orphaned", "quark_lswitch_port_orphaned", "quark_lswitch_ports", "quark_lswitches"}

// tablesOf lists the tables of the database at url, retort's version
// tables left out.
func tablesOf(t *testing.T, url string) []string {
	t.Helper()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var q string
	switch u.Dialect {
	case "sqlite":
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'quark%' ORDER BY name"
	case "postgresql":
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'quark%' ORDER BY table_name"
	default:
		q = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'quark%' ORDER BY TABLE_NAME"
	}
	return testdb.Strings(t, db.SQL(), q)
}

func TestSeedWorkflow(t *testing.T) {
	dir := t.TempDir()
	qdm := build(t, dir, "quark-db-manage", "./examples/quark-db-manage")

	// --config-file: a neutron.conf-style file names the database.
	dbPath := filepath.Join(dir, "quark.db")
	conf := "[DEFAULT]\ndebug = False\ncore_plugin = quark.plugin.Plugin\n\n[keystone_authtoken]\nadmin_password = secret\n\n" +
		"[database]\nconnection = sqlite:///" + filepath.ToSlash(dbPath) + "\nmax_retries = 10\n"
	if err := os.WriteFile(filepath.Join(dir, "neutron.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := run(t, dir, qdm, "--config-file", "neutron.conf", "upgrade", "1284c81cf727")
	if stderr != upgradeLog || stdout != "" {
		t.Errorf("upgrade printed\nstdout %q\nstderr:\n%s\nwant stderr:\n%s", stdout, stderr, upgradeLog)
	}
	if stdout, stderr = run(t, dir, qdm, "--config-file", "neutron.conf", "current"); stdout != "1284c81cf727 (head)\n" || stderr != "" {
		t.Errorf("current: stdout %q, stderr %q", stdout, stderr)
	}
	if got := tablesOf(t, "sqlite:///"+filepath.ToSlash(dbPath)); !reflect.DeepEqual(got, quarkTables) {
		t.Errorf("tables = %v, want %v", got, quarkTables)
	}
	u := "sqlite:///" + filepath.ToSlash(dbPath)
	if rows := versionRows(t, u); !reflect.DeepEqual(rows, []string{"1284c81cf727"}) {
		t.Errorf("alembic_version = %v", rows)
	}

	// --database-connection names it instead, with no file at all.
	other := "sqlite:///" + filepath.ToSlash(filepath.Join(dir, "other.db"))
	if _, stderr = run(t, dir, qdm, "--database-connection", other, "upgrade", "1284c81cf727"); stderr != upgradeLog {
		t.Errorf("upgrade with --database-connection printed:\n%s", stderr)
	}
	if stdout, _ = run(t, dir, qdm, "--database-connection", other, "current"); stdout != "1284c81cf727 (head)\n" {
		t.Errorf("current: %q", stdout)
	}
	if got := tablesOf(t, other); !reflect.DeepEqual(got, quarkTables) {
		t.Errorf("tables = %v", got)
	}
}

func versionRows(t *testing.T, url string) []string {
	t.Helper()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return testdb.Strings(t, db.SQL(), "SELECT version_num FROM alembic_version ORDER BY version_num")
}

// quark-db-manage with Go migrations and retort with examples/quark's SQL
// scripts print the same lines, command for command, on every dialect.
func TestSameOutputAsRetort(t *testing.T) {
	dir := t.TempDir()
	qdm := build(t, dir, "quark-db-manage", "./examples/quark-db-manage")
	rt := build(t, dir, "retort", "./cmd/retort")
	ini := filepath.Join(moduleRoot(t), "examples", "quark", "retort.ini")
	commands := [][]string{
		{"upgrade", "1284c81cf727"},
		{"current"},
		{"current", "-v"},
		{"history"},
		{"history", "-i"},
		{"heads"},
		{"branches"},
		{"downgrade", "-1"},
		{"current"},
		{"upgrade", "head"},
		{"stamp", "4358d1b8cc75"},
		{"db", "version"},
		{"stamp", "1284c81cf727"},
		{"verify"},
		{"downgrade", "base"},
		{"current"},
		{"upgrade", "--sql", "head"},
	}
	for _, d := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", testdb.SQLite}, {"postgresql", testdb.Postgres}, {"mysql", testdb.MySQL}} {
		t.Run(d.name, func(t *testing.T) {
			goURL, sqlURL := d.url(t), d.url(t)
			for _, c := range commands {
				gout, gerr := run(t, dir, qdm, append([]string{"--database-connection", goURL}, c...)...)
				sout, serr := run(t, dir, rt, append([]string{"-c", ini, "--database-connection", sqlURL}, c...)...)
				// The two databases differ by name only, and a revision's
				// path is its script or its Go file (and only a script has
				// a create date).
				sout = strings.ReplaceAll(sout, redacted(t, sqlURL), redacted(t, goURL))
				gout, sout = withoutPaths(gout), withoutPaths(sout)
				if c[0] == "upgrade" && c[1] == "--sql" {
					// Offline scripts hold the statements, which the DSL
					// renders in its own words; the progress is the same.
					sout, gout = "", ""
				}
				if gout != sout || gerr != serr {
					t.Errorf("%s:\nquark-db-manage stdout:\n%s\nretort stdout:\n%s\nquark-db-manage stderr:\n%s\nretort stderr:\n%s",
						strings.Join(c, " "), gout, sout, gerr, serr)
				}
			}
			if got := tablesOf(t, goURL); len(got) != 0 {
				t.Errorf("tables after downgrade base = %v", got)
			}
		})
	}
}

func redacted(t *testing.T, url string) string {
	t.Helper()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return u.Redacted()
}

// withoutPaths drops the lines of verbose output that name where a
// revision is defined.
func withoutPaths(out string) string {
	var keep []string
	for _, l := range strings.SplitAfter(out, "\n") {
		if t := strings.TrimSpace(l); !strings.HasPrefix(t, "Path: ") && !strings.HasPrefix(t, "Create Date: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}
