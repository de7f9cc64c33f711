package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Go migrations: a step that runs code through an op.Operations handle.

// transactionalURLs are the dialects whose DDL rolls back.
var transactionalURLs = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", testdb.SQLite},
	{"postgresql", testdb.Postgres},
}

// goChain is newChain(n) where the revisions named in gos are Go
// migrations and the rest SQL migrations creating t_<id>.
func goChain(n int, gos map[string]*GoMigration) (*chain, map[string]Migration) {
	c := newChain(n)
	migs := tableMigrations(c)
	for id, g := range gos {
		g.Revision = *c.Revision(id)
		g.File = "migrations/m" + id + ".go"
		migs[id] = g
	}
	return c, migs
}

// anyTables lists the user tables (not retort's) of a database of any
// dialect.
func anyTables(t testing.TB, db dialect.DB) []string {
	t.Helper()
	var q string
	switch db.Dialect().Name() {
	case "sqlite":
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'retort_version%' ORDER BY name"
	case "postgresql":
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE 'retort_version%' ORDER BY table_name"
	default:
		q = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'retort_version%' ORDER BY TABLE_NAME"
	}
	return testdb.Strings(t, db.SQL(), q)
}

func anyVersionRows(t testing.TB, db dialect.DB) []string {
	t.Helper()
	return testdb.Strings(t, db.SQL(), "SELECT version_num FROM retort_version ORDER BY version_num")
}

// lastLog is the log's newest row.
func lastLog(t testing.TB, m *Migrator) LogEntry {
	t.Helper()
	rows, err := m.Log(ctx, 1)
	if err != nil || len(rows) != 1 {
		t.Fatalf("log: %v, %d rows", err, len(rows))
	}
	return rows[0]
}

func createT(ctx context.Context, ops *op.Operations, name string) error {
	return ops.Execute(ctx, "CREATE TABLE "+name+" (id INTEGER PRIMARY KEY)")
}

var errLost = errors.New("the data is lost")

// Must-show 5: a Go migration that fails after creating a table, in any of
// the ways a func can fail, leaves the database exactly as before the step
// and says which revision failed and why.
func TestGoMigrationFailureRollsBack(t *testing.T) {
	for _, dc := range transactionalURLs {
		t.Run(dc.name, func(t *testing.T) {
			cases := []struct {
				name string
				up   func(ctx context.Context, ops *op.Operations) error
				want []string // in the error text
				stmt string   // the failing statement, if a statement failed
				as   func(error) bool
			}{
				{
					name: "returns an error",
					up: func(ctx context.Context, ops *op.Operations) error {
						if err := createT(ctx, ops, "t_002"); err != nil {
							return err
						}
						return errors.New("the data is not what we expected")
					},
					want: []string{"migrations/m002.go: revision 002 (Go migration), upgrade: the data is not what we expected"},
				},
				{
					name: "panics",
					up: func(ctx context.Context, ops *op.Operations) error {
						if err := createT(ctx, ops, "t_002"); err != nil {
							return err
						}
						panic(errLost)
					},
					want: []string{"migrations/m002.go: revision 002 (Go migration), upgrade: panic: the data is lost"},
					as: func(err error) bool {
						var pe *PanicError
						return errors.As(err, &pe) && strings.Contains(string(pe.Stack), "gomigration_test.go") && errors.Is(err, errLost)
					},
				},
				{
					name: "a statement fails",
					up: func(ctx context.Context, ops *op.Operations) error {
						if err := createT(ctx, ops, "t_002"); err != nil {
							return err
						}
						return createT(ctx, ops, "t_001") // exists: made by 001
					},
					want: []string{"migrations/m002.go: revision 002 (Go migration), statement 2 (CREATE TABLE t_001 (id INTEGER PRIMARY KEY)): execute SQL: ", "t_001"},
					stmt: "CREATE TABLE t_001 (id INTEGER PRIMARY KEY)",
				},
				{
					name: "a statement fails and the func goes on",
					up: func(ctx context.Context, ops *op.Operations) error {
						_ = createT(ctx, ops, "t_001") // the error is dropped
						return createT(ctx, ops, "t_002")
					},
					want: []string{"revision 002 (Go migration), statement 1 (CREATE TABLE t_001"},
					stmt: "CREATE TABLE t_001 (id INTEGER PRIMARY KEY)",
				},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					db := openURL(t, dc.url(t))
					c, migs := goChain(3, map[string]*GoMigration{"002": {Up: tc.up}})
					m := New(db, c, migs, Options{})
					if err := m.Upgrade(ctx, "001"); err != nil {
						t.Fatal(err)
					}
					before := anyTables(t, db)
					err := m.Upgrade(ctx, "head")
					var se *StepError
					if !errors.As(err, &se) {
						t.Fatalf("err = %T %v, want a *StepError", err, err)
					}
					for _, w := range tc.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q\ndoes not contain %q", err, w)
						}
					}
					if se.Revision != "002" || se.File != "migrations/m002.go" || !se.Go || se.SQL != tc.stmt {
						t.Errorf("StepError = %+v", se)
					}
					if tc.as != nil && !tc.as(err) {
						t.Errorf("errors.As failed on %v", err)
					}
					if got := anyTables(t, db); !reflect.DeepEqual(got, before) {
						t.Errorf("tables = %v, want %v as before the step", got, before)
					}
					if got := anyVersionRows(t, db); !reflect.DeepEqual(got, []string{"001"}) {
						t.Errorf("version rows = %v, want [001]", got)
					}
					last := lastLog(t, m)
					if last.Revision != "002" || last.Status != statusRolledBack || last.Error != err.Error() {
						t.Errorf("last log row = %+v", last)
					}
					// The failure is not sticky: a fixed migration runs.
					migs["002"].(*GoMigration).Up = func(ctx context.Context, ops *op.Operations) error { return createT(ctx, ops, "t_002") }
					if err := m.Upgrade(ctx, "head"); err != nil {
						t.Fatal(err)
					}
					if got := anyTables(t, db); !reflect.DeepEqual(got, tablesUpTo(3)) {
						t.Errorf("tables after the fix = %v", got)
					}
				})
			}
		})
	}
}

// A failure's StepError lists the steps that ran before it in the same
// run, which stay applied (per-migration mode).
func TestGoMigrationAppliedBeforeFailure(t *testing.T) {
	db := openURL(t, testdb.SQLite(t))
	c, migs := goChain(3, map[string]*GoMigration{"003": {Up: func(context.Context, *op.Operations) error { return errors.New("no") }}})
	err := New(db, c, migs, Options{}).Upgrade(ctx, "head")
	var se *StepError
	if !errors.As(err, &se) {
		t.Fatal(err)
	}
	want := []AppliedStep{{Direction: "upgrade", Revision: "001", To: []string{"001"}}, {Direction: "upgrade", Revision: "002", From: []string{"001"}, To: []string{"002"}}}
	if !reflect.DeepEqual(se.Applied, want) {
		t.Errorf("Applied = %+v, want %+v", se.Applied, want)
	}
	if got := anyVersionRows(t, db); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("version rows = %v", got)
	}
	// In one transaction for the whole run, nothing stays.
	db = openURL(t, testdb.SQLite(t))
	err = New(db, c, migs, Options{TransactionMode: All}).Upgrade(ctx, "head")
	if !errors.As(err, &se) || len(se.Applied) != 0 {
		t.Fatalf("err = %v, applied %+v", err, se)
	}
	if got := anyTables(t, db); len(got) != 0 {
		t.Errorf("tables = %v after a failed all-mode run", got)
	}
}

// Upgrade and downgrade through Go migrations, with the operations of the
// dialect's renderer, on every dialect; the log counts the statements run.
func TestGoMigrationUpDown(t *testing.T) {
	for _, dc := range dialectURLsAll {
		t.Run(dc.name, func(t *testing.T) {
			db := openURL(t, dc.url(t))
			table := schema.NewTable("accounts",
				schema.Col("id", schema.Integer(), schema.PrimaryKey()),
				schema.Col("email", schema.String(255), schema.NotNull()),
				schema.IndexOn("ix_accounts_email", "email"))
			c, migs := goChain(2, map[string]*GoMigration{"002": {
				Up: func(ctx context.Context, ops *op.Operations) error {
					if ops.Offline() || ops.DB() == nil || ops.Dialect() != dc.name {
						return fmt.Errorf("handle: offline %v, dialect %s", ops.Offline(), ops.Dialect())
					}
					if err := ops.CreateTable(ctx, table); err != nil {
						return err
					}
					return ops.BulkInsert(ctx, "accounts", []string{"id", "email"}, [][]any{{1, "a@example.com"}, {2, "b@example.com"}})
				},
				Down: func(ctx context.Context, ops *op.Operations) error {
					var n int
					if err := ops.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil || n != 2 {
						return fmt.Errorf("reading accounts in the migration's transaction: %d rows, %v", n, err)
					}
					return ops.DropTable(ctx, "accounts")
				},
			}})
			var events []Event
			m := New(db, c, migs, Options{OnEvent: func(e Event) { events = append(events, e) }})
			if err := m.Upgrade(ctx, "head"); err != nil {
				t.Fatal(err)
			}
			if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"accounts", "t_001"}) {
				t.Errorf("tables = %v", got)
			}
			last := lastLog(t, m)
			// A journaled Go step's row (MySQL) holds its statements'
			// fingerprint; a transactional one has no checksum.
			journaled := db.Dialect().Name() == "mysql"
			if last.Revision != "002" || last.Status != statusDone || last.StatementsDone == 0 || last.StatementsDone != last.StatementsTotal ||
				(last.Checksum != "") != journaled {
				t.Errorf("log row = %+v", last)
			}
			done := events[len(events)-1]
			if done.Kind != EventStepDone || done.Revision != "002" || done.Statements != last.StatementsTotal {
				t.Errorf("last event = %+v, want step-done of 002 with %d statements", done, last.StatementsTotal)
			}
			if start := events[len(events)-2]; start.Kind != EventStepStart || start.Statements != 0 {
				t.Errorf("start event = %+v, want 0 statements (not known before the func runs)", start)
			}
			if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
				t.Errorf("Verify = %v, %v: a Go migration has nothing to compare", mm, err)
			}
			if err := m.Downgrade(ctx, "001"); err != nil {
				t.Fatal(err)
			}
			if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001"}) {
				t.Errorf("tables after downgrade = %v", got)
			}
		})
	}
}

var dialectURLsAll = append(transactionalURLs[:len(transactionalURLs):len(transactionalURLs)], struct {
	name string
	url  func(testing.TB) string
}{"mysql", testdb.MySQL})

// A Go migration without Downgrade cannot be downgraded: the run says so
// before any step runs.
func TestGoMigrationWithoutDowngrade(t *testing.T) {
	db := openURL(t, testdb.SQLite(t))
	c, migs := goChain(3, map[string]*GoMigration{"002": {Up: func(ctx context.Context, ops *op.Operations) error { return createT(ctx, ops, "t_002") }}})
	m := New(db, c, migs, Options{})
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	err := m.Downgrade(ctx, "base")
	want := "migrations/m002.go: revision 002 is a Go migration without a Downgrade func: it cannot be downgraded"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if got := anyVersionRows(t, db); !reflect.DeepEqual(got, []string{"003"}) {
		t.Errorf("version rows = %v: nothing may run", got)
	}
}

// On MySQL each statement a Go migration issues is journaled; a failure
// leaves a failed row counting the statements applied, the next run
// refuses, and --resume runs the func again, skipping those statements.
func TestMySQLGoMigrationResume(t *testing.T) {
	db := openURL(t, testdb.MySQL(t))
	fixed := false
	var ran []string
	up := func(ctx context.Context, ops *op.Operations) error {
		for _, name := range []string{"t_a", "t_b", "t_c"} {
			if name == "t_c" && !fixed {
				return ops.Execute(ctx, "CREATE TABLE t_c (id INTEGER PRIMARY KEY, oops)")
			}
			if err := createT(ctx, ops, name); err != nil {
				return err
			}
			ran = append(ran, name)
		}
		return nil
	}
	c, migs := goChain(2, map[string]*GoMigration{"002": {Up: up}})
	var logs logBuffer
	m := New(db, c, migs, Options{Logger: logs.logger()})
	err := m.Upgrade(ctx, "head")
	var se *StepError
	if !errors.As(err, &se) || se.Index != 3 || se.SQL != "CREATE TABLE t_c (id INTEGER PRIMARY KEY, oops)" || se.Revision != "002" {
		t.Fatalf("err = %v (%+v)", err, se)
	}
	last := lastLog(t, m)
	if last.Status != statusFailed || last.StatementsDone != 2 || last.StatementsTotal != 0 {
		t.Errorf("log row = %+v, want failed with 2 done, total unknown (0)", last)
	}
	if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001", "t_a", "t_b"}) {
		t.Errorf("tables = %v", got)
	}
	err = m.Upgrade(ctx, "head")
	var ie *InterruptedError
	if !errors.As(err, &ie) || !ie.Go {
		t.Fatalf("err = %v, want a Go InterruptedError", err)
	}
	for _, w := range []string{
		"migrations/m002.go: the last upgrade of revision 002 (Go migration) failed after 2 statements: ERROR 1064 (42000): You have an error in your SQL syntax",
		"2 of its statements are applied, outside a transaction",
		"`retort upgrade --resume TARGET`: it runs the Go migration again and skips the first 2 statements it issues, so it must issue the same statements in the same order",
		"`retort stamp 002` (completed) or `retort stamp 001` (undone)",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("refusal %q\ndoes not contain %q", err, w)
		}
	}
	fixed, ran = true, nil
	if err := m.ResumeUpgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	// The func ran again: t_a and t_b's statements were skipped (run
	// twice, they would fail: the tables exist), t_c's ran.
	if !reflect.DeepEqual(ran, []string{"t_a", "t_b", "t_c"}) {
		t.Errorf("func issued %v", ran)
	}
	if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001", "t_a", "t_b", "t_c"}) {
		t.Errorf("tables = %v", got)
	}
	last = lastLog(t, m)
	if last.Status != statusDone || last.StatementsDone != 3 || last.StatementsTotal != 3 {
		t.Errorf("log row = %+v", last)
	}
	if got := anyVersionRows(t, db); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("version rows = %v", got)
	}
	if msgs := logs.messages(); !slices.Contains(msgs, "Resuming upgrade of revision 002 at statement 3 (a Go migration: it runs again, skipping the 2 statements applied)") {
		t.Errorf("log = %q", msgs)
	}
}

// A panic on MySQL is a failure like any other: the statements before it
// are counted.
func TestMySQLGoMigrationPanic(t *testing.T) {
	db := openURL(t, testdb.MySQL(t))
	c, migs := goChain(2, map[string]*GoMigration{"002": {Up: func(ctx context.Context, ops *op.Operations) error {
		if err := createT(ctx, ops, "t_a"); err != nil {
			return err
		}
		panic("half way")
	}}})
	m := New(db, c, migs, Options{})
	err := m.Upgrade(ctx, "head")
	var pe *PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "revision 002 (Go migration), upgrade: panic: half way") {
		t.Fatalf("err = %v", err)
	}
	last := lastLog(t, m)
	if last.Status != statusFailed || last.StatementsDone != 1 {
		t.Errorf("log row = %+v", last)
	}
	var ie *InterruptedError
	if err := m.Upgrade(ctx, "head"); !errors.As(err, &ie) || !strings.Contains(err.Error(), "failed after 1 statements: panic: half way") {
		t.Errorf("refusal = %v", err)
	}
}

// No-transaction Go migrations, and every step in none mode, are journaled
// on transactional dialects too (the unbatched journal).
func TestGoMigrationJournaledNoneMode(t *testing.T) {
	db := openURL(t, testdb.SQLite(t))
	c, migs := goChain(2, map[string]*GoMigration{"002": {Up: func(ctx context.Context, ops *op.Operations) error {
		if err := createT(ctx, ops, "t_a"); err != nil {
			return err
		}
		return createT(ctx, ops, "t_a")
	}}})
	m := New(db, c, migs, Options{TransactionMode: None})
	if err := m.Upgrade(ctx, "head"); err == nil {
		t.Fatal("upgrade passed")
	}
	last := lastLog(t, m)
	if last.Status != statusFailed || last.StatementsDone != 1 {
		t.Errorf("log row = %+v", last)
	}
	if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001", "t_a"}) {
		t.Errorf("tables = %v", got)
	}
	migs["002"].(*GoMigration).Up = func(ctx context.Context, ops *op.Operations) error {
		if err := createT(ctx, ops, "t_a"); err != nil {
			return err
		}
		return createT(ctx, ops, "t_b")
	}
	if err := m.ResumeUpgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	last = lastLog(t, m)
	if last.Status != statusDone || last.StatementsDone != 2 || last.StatementsTotal != 2 {
		t.Errorf("log row = %+v", last)
	}
	// Resuming a func that now issues fewer statements than were applied
	// is refused.
	db = openURL(t, testdb.SQLite(t))
	migs["002"].(*GoMigration).Up = func(ctx context.Context, ops *op.Operations) error {
		if err := createT(ctx, ops, "t_a"); err != nil {
			return err
		}
		return errors.New("stop")
	}
	m = New(db, c, migs, Options{TransactionMode: None})
	_ = m.Upgrade(ctx, "head")
	migs["002"].(*GoMigration).Up = func(context.Context, *op.Operations) error { return nil }
	err := m.ResumeUpgrade(ctx, "head")
	if err == nil || !strings.Contains(err.Error(), "it issued 0 statements, but the log says 1 were applied") {
		t.Errorf("err = %v", err)
	}
}

// Offline, a downgrade that drops a table as declared (DropTableOf) also
// drops the PostgreSQL enum type its CreateTable made.
func TestGoMigrationOfflineDropTableOf(t *testing.T) {
	d, err := OfflineDialect("postgresql")
	if err != nil {
		t.Fatal(err)
	}
	accounts := schema.NewTable("accounts", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("state", schema.Enum("new", "old")))
	c, migs := goChain(2, map[string]*GoMigration{"002": {
		Up:   func(ctx context.Context, ops *op.Operations) error { return ops.CreateTable(ctx, accounts) },
		Down: func(ctx context.Context, ops *op.Operations) error { return ops.DropTableOf(ctx, accounts) },
	}})
	o, err := NewOffline(d, c, migs, Options{}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := o.Upgrade(&b, nil, "head"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `CREATE TYPE "accounts_state" AS ENUM ('new', 'old');`) {
		t.Errorf("upgrade script:\n%s", b.String())
	}
	b.Reset()
	if err := o.Downgrade(&b, []string{"002"}, "001"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "DROP TABLE \"accounts\";\n\nDROP TYPE \"accounts_state\";") {
		t.Errorf("downgrade script:\n%s", b.String())
	}
}

// A resumed Go migration that now issues other statements than the ones
// its cut-off run applied (its renderers read a schema that run changed,
// or the func was edited) is refused before it runs anything, on the
// batched journal (MySQL) and the plain one (none mode) alike; issuing
// the same ones again, it completes.
func TestGoMigrationResumeChecksStatements(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
		mode Mode
	}{
		{"mysql", testdb.MySQL, PerMigration},
		{"sqlite none mode", testdb.SQLite, None},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openURL(t, tc.url(t))
			first, fail := "t_a", true
			c, migs := goChain(2, map[string]*GoMigration{"002": {Up: func(ctx context.Context, ops *op.Operations) error {
				if err := createT(ctx, ops, first); err != nil {
					return err
				}
				if fail {
					return errors.New("stop")
				}
				return createT(ctx, ops, "t_b")
			}}})
			m := New(db, c, migs, Options{TransactionMode: tc.mode})
			if err := m.Upgrade(ctx, "head"); err == nil {
				t.Fatal("upgrade passed")
			}
			if last := lastLog(t, m); last.Status != statusFailed || last.StatementsDone != 1 || !strings.HasPrefix(last.Checksum, statementSumPrefix) {
				t.Fatalf("log row = %+v, want failed after 1 statement, with its fingerprint", last)
			}

			first, fail = "t_x", false
			err := m.ResumeUpgrade(ctx, "head")
			if err == nil || !strings.Contains(err.Error(), "the first 1 statements it issues now are not the 1 the failed run applied") {
				t.Fatalf("resume with other statements: %v", err)
			}
			if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001", "t_a"}) {
				t.Errorf("tables after the refused resume = %v", got)
			}

			first = "t_a"
			if err := m.ResumeUpgrade(ctx, "head"); err != nil {
				t.Fatalf("resume with the same statements: %v", err)
			}
			if got := anyTables(t, db); !reflect.DeepEqual(got, []string{"t_001", "t_a", "t_b"}) {
				t.Errorf("tables = %v", got)
			}
			if last := lastLog(t, m); last.Status != statusDone || last.StatementsDone != 2 {
				t.Errorf("log row = %+v", last)
			}
		})
	}
}

// Offline, a Go migration is run with no database and its statements are
// written into the script like a script's.
func TestGoMigrationOffline(t *testing.T) {
	d, err := OfflineDialect("postgresql")
	if err != nil {
		t.Fatal(err)
	}
	c, migs := goChain(2, map[string]*GoMigration{"002": {Up: func(ctx context.Context, ops *op.Operations) error {
		if !ops.Offline() || ops.DB() != nil {
			return errors.New("online?")
		}
		return ops.Execute(ctx, "CREATE TABLE t_go (id INTEGER)")
	}}})
	o, err := NewOffline(d, c, migs, Options{}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := o.Upgrade(&b, nil, "head"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"-- Running upgrade 001 -> 002, create t_002\n\nBEGIN;\n\nCREATE TABLE t_go (id INTEGER);\n\nUPDATE \"retort_version\" SET version_num = '002' WHERE version_num = '001';\n",
		"VALUES ('002', 'upgrade', '', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL,",
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("script does not contain %q:\n%s", w, b.String())
		}
	}
	// A failing func writes nothing.
	migs["002"].(*GoMigration).Up = func(context.Context, *op.Operations) error { return errors.New("cannot") }
	b.Reset()
	err = o.Upgrade(&b, nil, "head")
	if err == nil || err.Error() != "migrations/m002.go: revision 002 (Go migration), upgrade: writing offline SQL: cannot" || b.Len() != 0 {
		t.Errorf("err = %v, script %q", err, b.String())
	}
	// An operation that needs the live schema fails with the renderer's
	// words, which say what to give instead.
	my, err := OfflineDialect("mysql")
	if err != nil {
		t.Fatal(err)
	}
	migs["002"].(*GoMigration).Up = func(ctx context.Context, ops *op.Operations) error {
		return ops.AlterColumn(ctx, &op.AlterColumn{Table: "t_001", Column: "id", Nullable: op.Bool(false)})
	}
	if o, err = NewOffline(my, c, migs, Options{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	err = o.Upgrade(&b, nil, "head")
	if err == nil || !strings.Contains(err.Error(), "revision 002 (Go migration), upgrade: writing offline SQL: alter column t_001.id: ") ||
		!strings.Contains(err.Error(), "give Existing for offline SQL") || b.Len() != 0 {
		t.Errorf("err = %v", err)
	}
}
