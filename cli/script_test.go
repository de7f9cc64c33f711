package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"

	"github.com/retort-sql/retort/cli"
	"github.com/retort-sql/retort/internal/projectgen"
)

// TestMain lets the test binary act as the retort command inside scripts,
// so the scripts run the real command tree end to end in a child process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"retort": func() { os.Exit(cli.Main(context.Background(), cli.Options{}, os.Args[1:])) },
	})
}

// TestScripts runs the txtar scripts under testdata/script. Each script
// gets its own database, named by $RETORT_DATABASE_URL (and $DBFILE on
// SQLite), and the helper commands below to look inside it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			dbfile := filepath.Join(env.WorkDir, "test.db")
			env.Setenv("DBFILE", dbfile)
			env.Setenv("RETORT_DATABASE_URL", "sqlite:///"+dbfile)
			env.Setenv("EXAMPLES", examplesDir())
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"example":    cmdExample,
			"fillscript": cmdFillScript,
			"tables":     cmdTables,
			"indexes":    cmdIndexes,
			"versions":   cmdVersions,
			"sqlexec":    cmdSQLExec,
			"genproject": cmdGenProject,
			"logcount":   cmdLogCount,
		},
	})
}

func examplesDir() string {
	abs, err := filepath.Abs(filepath.Join("..", "examples"))
	if err != nil {
		panic(err)
	}
	return abs
}

// example NAME copies examples/NAME into the work directory, without any
// database file a developer may have left there.
func cmdExample(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: example NAME")
	}
	src := filepath.Join(examplesDir(), args[0])
	dst := ts.MkAbs(args[0])
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(path, ".db") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	ts.Check(err)
}

// fillscript PATH UPFILE DOWNFILE keeps a generated script's header and
// replaces its sections with the SQL in UPFILE and DOWNFILE, as a user
// filling in a new revision does.
func cmdFillScript(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: fillscript PATH UPFILE DOWNFILE")
	}
	text := ts.ReadFile(args[0])
	i := strings.Index(text, "-- retort:upgrade")
	if i < 0 {
		ts.Fatalf("%s has no upgrade section", args[0])
	}
	body := text[:i] + "-- retort:upgrade\n" + ts.ReadFile(args[1]) + "\n-- retort:downgrade\n" + ts.ReadFile(args[2])
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(body), 0o644))
}

func openDB(ts *testscript.TestScript) *sql.DB {
	db, err := sql.Open("sqlite", ts.Getenv("DBFILE"))
	ts.Check(err)
	return db
}

func queryStrings(ts *testscript.TestScript, q string, args ...any) []string {
	db := openDB(ts)
	defer db.Close()
	rows, err := db.Query(q, args...)
	ts.Check(err)
	defer rows.Close()
	cols, err := rows.Columns()
	ts.Check(err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		ts.Check(rows.Scan(ptrs...))
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	ts.Check(rows.Err())
	return out
}

func printLines(ts *testscript.TestScript, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(ts.Stdout(), l)
	}
}

// tables prints the database's tables, sorted, one a line.
func cmdTables(ts *testscript.TestScript, neg bool, args []string) {
	lines := queryStrings(ts, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	printLines(ts, lines)
}

// indexes TABLE prints "name unique|plain col,col" for each index on TABLE.
func cmdIndexes(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: indexes TABLE")
	}
	var lines []string
	for _, l := range queryStrings(ts, `SELECT name, "unique" FROM pragma_index_list(?) WHERE origin = 'c'`, args[0]) {
		name, unique, _ := strings.Cut(l, " ")
		cols := queryStrings(ts, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, name)
		kind := "plain"
		if unique == "1" {
			kind = "unique"
		}
		lines = append(lines, fmt.Sprintf("%s %s %s", name, kind, strings.Join(cols, ",")))
	}
	sort.Strings(lines)
	printLines(ts, lines)
}

// versions [TABLE] prints the rows of the version table, sorted.
func cmdVersions(ts *testscript.TestScript, neg bool, args []string) {
	table := "retort_version"
	if len(args) == 1 {
		table = args[0]
	}
	printLines(ts, queryStrings(ts, fmt.Sprintf(`SELECT version_num FROM %q ORDER BY version_num`, table)))
}

// sqlexec SQL runs a statement, to set up a broken database.
func cmdSQLExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sqlexec SQL")
	}
	db := openDB(ts)
	defer db.Close()
	_, err := db.Exec(args[0])
	ts.Check(err)
}

// genproject DIR N [BRANCHES] writes a project of N one-table revisions.
func cmdGenProject(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: genproject DIR N [BRANCHES]")
	}
	var n, branches int
	_, err := fmt.Sscan(args[1], &n)
	ts.Check(err)
	if len(args) == 3 {
		_, err = fmt.Sscan(args[2], &branches)
		ts.Check(err)
	}
	ts.Check(projectgen.Write(ts.MkAbs(args[0]), n, branches))
}

// logcount [TABLE] prints, for each direction and status in the version
// log, how many rows and how many distinct revisions it has:
// "upgrade done 50 50" means fifty upgrades, each of a different revision.
func cmdLogCount(ts *testscript.TestScript, neg bool, args []string) {
	table := "retort_version_log"
	if len(args) == 1 {
		table = args[0]
	}
	printLines(ts, queryStrings(ts, fmt.Sprintf(`SELECT direction, status, count(*), count(DISTINCT revision) FROM %q GROUP BY direction, status ORDER BY direction, status`, table)))
}
