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

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"

	"github.com/retort-sql/retort/cli"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/internal/projectgen"
)

// TestMain lets the test binary act as the retort command inside scripts,
// so the scripts run the real command tree end to end in a child process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"retort": func() { os.Exit(cli.Main(context.Background(), cli.Options{}, os.Args[1:])) },
	})
}

// TestScripts runs the txtar scripts under testdata/script once per
// dialect: on SQLite always, and on PostgreSQL and MariaDB/MySQL when their
// test servers are set (internal/testdb). Each script gets a database of
// its own, named by $RETORT_DATABASE_URL; $DIALECT names the dialect, and
// the conditions [sqlite], [postgresql] and [mysql] select lines for one.
// The helper commands below look inside the database as a user would.
func TestScripts(t *testing.T) {
	for _, d := range testDialects {
		t.Run(d.name, func(t *testing.T) {
			d.available(t) // skips, or fails in CI, when the server is not set
			testscript.Run(t, testscript.Params{
				Dir:                 filepath.Join("testdata", "script"),
				RequireExplicitExec: true,
				Setup: func(env *testscript.Env) error {
					url := d.newDatabase(env.T().(testing.TB))
					env.Setenv("RETORT_DATABASE_URL", url)
					env.Setenv("DIALECT", d.name)
					u, err := config.ParseURL(url)
					if err != nil {
						return err
					}
					if d.name == "sqlite" {
						env.Setenv("DBFILE", u.Database)
					} else {
						env.Setenv("DBNAME", u.Database)
						env.Setenv("DBSERVER", u.HostPort())
					}
					env.Setenv("EXAMPLES", examplesDir())
					return nil
				},
				Condition: func(cond string) (bool, error) {
					switch cond {
					case "sqlite", "postgresql", "mysql":
						return cond == d.name, nil
					}
					return false, fmt.Errorf("unknown condition %q", cond)
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
		})
	}
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

// fillscript PATH BODYFILE keeps a generated script's header and replaces
// its sections with BODYFILE (which holds the section markers, so it can
// carry dialect sections), as a user filling in a new revision does.
func cmdFillScript(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fillscript PATH BODYFILE")
	}
	text := ts.ReadFile(args[0])
	i := strings.Index(text, "-- retort:upgrade")
	if i < 0 {
		ts.Fatalf("%s has no upgrade section", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(text[:i]+ts.ReadFile(args[1])), 0o644))
}

func openDB(ts *testscript.TestScript) (*sql.DB, string) {
	db, dialect, err := openURL(ts.Getenv("RETORT_DATABASE_URL"))
	ts.Check(err)
	return db, dialect
}

// openURL opens a test database named by a retort URL with the driver
// retort uses for its dialect, and says which dialect that is.
func openURL(raw string) (*sql.DB, string, error) {
	u, err := config.ParseURL(raw)
	if err != nil {
		return nil, "", err
	}
	switch u.Dialect {
	case "sqlite":
		db, err := sql.Open("sqlite", u.Database)
		return db, u.Dialect, err
	case "postgresql":
		dsn, err := u.PgxDSN()
		if err != nil {
			return nil, "", err
		}
		db, err := sql.Open("pgx", dsn)
		return db, u.Dialect, err
	case "mysql":
		cfg, err := u.MySQLConfig()
		if err != nil {
			return nil, "", err
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, "", err
		}
		return sql.OpenDB(conn), u.Dialect, nil
	}
	return nil, "", fmt.Errorf("no test database for dialect %s", u.Dialect)
}

// tablesQuery lists the tables of the connection's database (or schema).
var tablesQuery = map[string]string{
	"sqlite":     `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
	"postgresql": `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
	"mysql":      `SELECT table_name FROM information_schema.tables WHERE table_schema = database() ORDER BY table_name`,
}

func queryStrings(ts *testscript.TestScript, q string, args ...any) []string {
	db, _ := openDB(ts)
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
			if b, ok := v.([]byte); ok { // MySQL returns text as bytes
				v = string(b)
			}
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

// tables prints the database's tables (in the connection's schema on
// servers), sorted, one a line.
func cmdTables(ts *testscript.TestScript, neg bool, args []string) {
	printLines(ts, queryStrings(ts, tablesQuery[dialectOf(ts)]))
}

// indexes TABLE prints "name unique|plain col,col" for each index on TABLE
// other than its primary key.
func cmdIndexes(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: indexes TABLE")
	}
	var lines []string
	switch dialectOf(ts) {
	case "sqlite":
		for _, l := range queryStrings(ts, `SELECT name, "unique" FROM pragma_index_list(?) WHERE origin = 'c'`, args[0]) {
			name, unique, _ := strings.Cut(l, " ")
			cols := queryStrings(ts, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, name)
			lines = append(lines, fmt.Sprintf("%s %s %s", name, uniqueWord(unique == "1"), strings.Join(cols, ",")))
		}
	case "postgresql":
		for _, l := range queryStrings(ts, `SELECT i.relname, x.indisunique,
			  (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
			   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
			FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
			WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary`, args[0]) {
			f := strings.Fields(l)
			lines = append(lines, fmt.Sprintf("%s %s %s", f[0], uniqueWord(f[1] == "true"), f[2]))
		}
	case "mysql":
		for _, l := range queryStrings(ts, `SELECT index_name, MIN(non_unique), GROUP_CONCAT(column_name ORDER BY seq_in_index)
			FROM information_schema.statistics WHERE table_schema = database() AND table_name = ? AND index_name <> 'PRIMARY'
			GROUP BY index_name`, args[0]) {
			f := strings.Fields(l)
			lines = append(lines, fmt.Sprintf("%s %s %s", f[0], uniqueWord(f[1] == "0"), f[2]))
		}
	}
	sort.Strings(lines)
	printLines(ts, lines)
}

func uniqueWord(unique bool) string {
	if unique {
		return "unique"
	}
	return "plain"
}

func dialectOf(ts *testscript.TestScript) string {
	u, err := config.ParseURL(ts.Getenv("RETORT_DATABASE_URL"))
	ts.Check(err)
	return u.Dialect
}

// versions [TABLE] prints the rows of the version table, sorted.
func cmdVersions(ts *testscript.TestScript, neg bool, args []string) {
	table := "retort_version"
	if len(args) == 1 {
		table = args[0]
	}
	printLines(ts, queryStrings(ts, `SELECT version_num FROM `+table+` ORDER BY version_num`))
}

// sqlexec SQL runs a statement, to set up a broken database.
func cmdSQLExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sqlexec SQL")
	}
	db, _ := openDB(ts)
	defer db.Close()
	_, err := db.Exec(args[0])
	if neg {
		if err == nil {
			ts.Fatalf("%s: succeeded, want an error", args[0])
		}
		ts.Logf("%s: %v", args[0], err)
		return
	}
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
	printLines(ts, queryStrings(ts, `SELECT direction, status, count(*), count(DISTINCT revision) FROM `+table+` GROUP BY direction, status ORDER BY direction, status`))
}
