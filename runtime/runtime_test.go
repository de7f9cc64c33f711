package runtime

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/script"
)

var ctx = context.Background()

func TestUpgradeDowngradeModes(t *testing.T) {
	for _, mode := range []Mode{PerMigration, All, None} {
		t.Run(mode.String(), func(t *testing.T) {
			db, _ := tempDB(t)
			c := newChain(5)
			var logs logBuffer
			m := New(db, c, tableMigrations(c), Options{TransactionMode: mode, Logger: logs.logger(), ToolVersion: "test"})

			if err := m.Upgrade(ctx, "head"); err != nil {
				t.Fatal(err)
			}
			if got := userTables(t, db); !reflect.DeepEqual(got, tablesUpTo(5)) {
				t.Errorf("tables = %v", got)
			}
			if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"005"}) {
				t.Errorf("version rows = %v", got)
			}
			heads, err := m.Heads(ctx)
			if err != nil || !reflect.DeepEqual(heads, []string{"005"}) {
				t.Errorf("Heads = %v, %v", heads, err)
			}
			msgs := logs.messages()
			want := []string{
				"Context impl SQLiteImpl.",
				"Will assume transactional DDL.",
				"Running upgrade  -> 001, create t_001",
				"Running upgrade 001 -> 002, create t_002",
			}
			if !reflect.DeepEqual(msgs[:4], want) {
				t.Errorf("log = %q", msgs)
			}

			entries, err := m.Log(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 5 {
				t.Fatalf("log rows = %+v", entries)
			}
			e := entries[0] // newest first
			if e.Revision != "005" || e.Direction != "upgrade" || e.Status != "done" || e.Checksum != "sum-005" ||
				e.StatementsDone != 1 || e.StatementsTotal != 1 || e.FinishedAt == "" || e.StartedAt == "" ||
				!strings.Contains(e.AppliedBy, "@") || e.ToolVersion != "test" {
				t.Errorf("newest log row = %+v", e)
			}

			if err := m.Downgrade(ctx, "002"); err != nil {
				t.Fatal(err)
			}
			if got := userTables(t, db); !reflect.DeepEqual(got, tablesUpTo(2)) {
				t.Errorf("tables after downgrade = %v", got)
			}
			if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"002"}) {
				t.Errorf("version rows after downgrade = %v", got)
			}
			if msg := logs.messages(); msg[len(msg)-1] != "Running downgrade 003 -> 002, create t_003" {
				t.Errorf("last log line = %q", msg[len(msg)-1])
			}
			if err := m.Downgrade(ctx, "base"); err != nil {
				t.Fatal(err)
			}
			if got := userTables(t, db); len(got) != 0 {
				t.Errorf("tables at base = %v", got)
			}
			if got := versionRows(t, db, "retort_version"); len(got) != 0 {
				t.Errorf("version rows at base = %v", got)
			}
			entries, _ = m.Log(ctx, 1)
			if len(entries) != 1 || entries[0].Revision != "001" || entries[0].Direction != "downgrade" {
				t.Errorf("last log row = %+v", entries)
			}
		})
	}
}

// failingChain: revision 003 creates a table, then fails on its second of
// three statements.
func failingChain() (*chain, map[string]Migration) {
	c := newChain(4)
	migs := tableMigrations(c)
	migs["003"] = &SQLMigration{
		Up: []script.Statement{
			{SQL: "CREATE TABLE t_003 (id INTEGER PRIMARY KEY)", Line: 10},
			{SQL: "INSERT INTO nosuch VALUES (1)", Line: 12},
			{SQL: "CREATE TABLE t_003b (id INTEGER)", Line: 14},
		},
		Sum:  "sum-003",
		File: "migrations/versions/003_x.sql",
	}
	return c, migs
}

func TestFailingStatement(t *testing.T) {
	for _, tc := range []struct {
		mode    Mode
		tables  []string
		version []string
		status  string // of the failed step's log row
	}{
		{PerMigration, tablesUpTo(2), []string{"002"}, "rolled-back"},
		{All, nil, nil, "rolled-back"},                                    // nothing survives
		{None, append(tablesUpTo(2), "t_003"), []string{"002"}, "failed"}, // the statement before the failure stays
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			db, _ := tempDB(t)
			c, migs := failingChain()
			m := New(db, c, migs, Options{TransactionMode: tc.mode})
			err := m.Upgrade(ctx, "head")
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *StepError", err)
			}
			if err.Error() != "migrations/versions/003_x.sql:12: revision 003, statement 2 of 3: no such table: nosuch" {
				t.Errorf("error text = %q", err)
			}
			if se.Revision != "003" || se.Line != 12 || se.Index != 2 || se.Total != 3 || se.SQL != "INSERT INTO nosuch VALUES (1)" {
				t.Errorf("StepError = %+v", se)
			}
			if got := userTables(t, db); !reflect.DeepEqual(got, tc.tables) {
				t.Errorf("tables = %v, want %v", got, tc.tables)
			}
			if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, tc.version) {
				t.Errorf("version rows = %v, want %v", got, tc.version)
			}
			entries, err := m.Log(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			last := entries[0]
			if last.Revision != "003" || last.Status != tc.status || last.StatementsDone != 1 || last.StatementsTotal != 3 ||
				!strings.Contains(last.Error, "no such table: nosuch") || last.FinishedAt == "" {
				t.Errorf("failed log row = %+v", last)
			}
			done := 0
			for _, e := range entries {
				if e.Status == "done" {
					done++
				}
			}
			if want := len(tc.version) * 2; done != want { // 002 means 001 and 002 done
				t.Errorf("%d done log rows, want %d: %+v", done, want, entries)
			}

			// A rolled-back step left nothing: the next run just tries
			// again. A failed journaled one refuses until resumed.
			err = m.Upgrade(ctx, "head")
			if tc.status == "rolled-back" {
				if !errors.As(err, &se) {
					t.Errorf("second run: %v, want the same StepError", err)
				}
				return
			}
			var ie *InterruptedError
			if !errors.As(err, &ie) || ie.Done != 1 || ie.Status != "failed" {
				t.Fatalf("second run: %v, want *InterruptedError", err)
			}
			want := "migrations/versions/003_x.sql:12: the last upgrade of revision 003 failed at statement 2 of 3: no such table: nosuch; " +
				"1 of its 3 statements are applied, outside a transaction. Fix the script if needed and run `retort upgrade --resume TARGET` to go on from statement 2 (INSERT INTO nosuch VALUES (1)), " +
				"or complete or undo the step by hand and run `retort stamp 003` (completed) or `retort stamp 002` (undone)"
			if err.Error() != want {
				t.Errorf("refusal:\n got %s\nwant %s", err, want)
			}
			migs["003"].(*SQLMigration).Up[1].SQL = "CREATE TABLE t_003a (id INTEGER)"
			migs["003"].(*SQLMigration).Sum = "sum-003-fixed"
			if err := m.ResumeUpgrade(ctx, "head"); err != nil {
				t.Fatalf("resume: %v", err)
			}
			if got, want := userTables(t, db), append(tablesUpTo(2), "t_003", "t_003a", "t_003b", "t_004"); !reflect.DeepEqual(got, want) {
				t.Errorf("tables after resume = %v, want %v", got, want)
			}
			if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"004"}) {
				t.Errorf("version rows after resume = %v", got)
			}
			entries, _ = m.Log(ctx, 3) // 004, then 003 resumed, then 003 failed
			if e := entries[1]; e.Status != "done" || e.StatementsDone != 3 || e.Checksum != "sum-003-fixed" {
				t.Errorf("resumed row = %+v", e)
			}
			if e := entries[2]; e.Status != "resumed" || e.StatementsDone != 1 {
				t.Errorf("row of the failed step = %+v", e)
			}
			var nr *NothingToResumeError
			if err := m.ResumeUpgrade(ctx, "head"); !errors.As(err, &nr) {
				t.Errorf("resume with nothing to resume: %v", err)
			}
		})
	}
}

func TestNoTransactionScript(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(3)
	migs := tableMigrations(c)
	migs["002"].(*SQLMigration).NoTransaction = true
	m := New(db, c, migs, Options{})
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"003"}) {
		t.Errorf("version rows = %v", got)
	}
	entries, _ := m.Log(ctx, 0)
	if len(entries) != 3 || entries[1].Revision != "002" || entries[1].Status != "done" || entries[1].StatementsDone != 1 {
		t.Errorf("log = %+v", entries)
	}
}

func TestInterruptedRunRefuses(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(3)
	m := New(db, c, tableMigrations(c), Options{})
	if err := m.Upgrade(ctx, "001"); err != nil {
		t.Fatal(err)
	}
	// What a run killed inside a no-transaction script leaves behind.
	if _, err := db.SQL().Exec(`INSERT INTO retort_version_log (revision, direction, checksum, started_at, status, statements_done, statements_total)
		VALUES ('002', 'upgrade', 'sum-002', '2026-01-01 00:00:00', 'running', 1, 3)`); err != nil {
		t.Fatal(err)
	}
	err := m.Upgrade(ctx, "head")
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Revision != "002" || ie.Done != 1 {
		t.Fatalf("err = %v", err)
	}
	if err := m.Stamp(ctx, []string{"002"}, false); err != nil {
		t.Fatal(err)
	}
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatalf("after stamp: %v", err)
	}
}

func TestChecksums(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(4)
	migs := tableMigrations(c)
	m := New(db, c, migs, Options{})
	if err := m.Upgrade(ctx, "003"); err != nil {
		t.Fatal(err)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Fatalf("Verify = %v, %v", mm, err)
	}

	migs["002"].(*SQLMigration).Sum = "sum-002-edited"
	err := m.Upgrade(ctx, "head")
	var ce *ChangedScriptError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ChangedScriptError", err)
	}
	if len(ce.Current) == 0 {
		t.Fatalf("ChangedScriptError.Current is empty; the advice must name the revisions to stamp")
	}
	for _, want := range []string{"migrations/versions/002_x.sql", "revision 002", "retort verify", "retort stamp " + strings.Join(ce.Current, " ")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"003"}) {
		t.Errorf("version moved: %v", got)
	}
	mm, err := m.Verify(ctx)
	want := []Mismatch{{Revision: "002", File: "migrations/versions/002_x.sql", Recorded: "sum-002", Current: "sum-002-edited"}}
	if err != nil || !reflect.DeepEqual(mm, want) {
		t.Errorf("Verify = %+v, %v", mm, err)
	}

	// --allow-changed goes on.
	allow := New(db, c, migs, Options{AllowChanged: true})
	if err := allow.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"004"}) {
		t.Errorf("version rows = %v", got)
	}

	// Stamping where the database is re-records the changed script.
	if err := m.Stamp(ctx, []string{"head"}, false); err != nil {
		t.Fatal(err)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Errorf("Verify after stamp = %+v, %v", mm, err)
	}
	entries, _ := m.Log(ctx, 1)
	if entries[0].Revision != "002" || entries[0].Direction != "stamp" || entries[0].Checksum != "sum-002-edited" {
		t.Errorf("stamp log row = %+v", entries[0])
	}
	if err := m.Downgrade(ctx, "001"); err != nil {
		t.Fatal(err)
	}
}

func TestStamp(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(3)
	var logs logBuffer
	m := New(db, c, tableMigrations(c), Options{Logger: logs.logger()})
	if err := m.Stamp(ctx, []string{"002"}, false); err != nil {
		t.Fatal(err)
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("version rows = %v", got)
	}
	if got := userTables(t, db); len(got) != 0 {
		t.Errorf("stamp ran migrations: %v", got)
	}
	if msgs := logs.messages(); msgs[len(msgs)-1] != "Running stamp_revision  -> 002" {
		t.Errorf("log = %q", msgs)
	}
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if got := userTables(t, db); !reflect.DeepEqual(got, []string{"t_003"}) {
		t.Errorf("tables = %v", got)
	}
}

func TestUnknownVersionRow(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(2)
	m := New(db, c, tableMigrations(c), Options{})
	if err := m.EnsureVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("INSERT INTO retort_version VALUES ('abc123')"); err != nil {
		t.Fatal(err)
	}
	want := "the version table retort_version names revision abc123, which no script defines; " +
		"if another component owns this table, give this project a version table of its own (version_table in retort.ini), " +
		"or run `retort stamp --purge REVISION` to record where this database really is"
	_, err := m.Heads(ctx)
	var ue *UnknownVersionError
	if !errors.As(err, &ue) || err.Error() != want {
		t.Errorf("Heads err = %v", err)
	}
	if err := m.Upgrade(ctx, "head"); !errors.As(err, &ue) {
		t.Errorf("Upgrade err = %v", err)
	}
	if err := m.Stamp(ctx, []string{"001"}, true); err != nil {
		t.Fatalf("stamp --purge: %v", err)
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{"001"}) {
		t.Errorf("version rows = %v", got)
	}
}

func TestHeadsCreatesNothing(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(1)
	m := New(db, c, tableMigrations(c), Options{})
	heads, err := m.Heads(ctx)
	if err != nil || len(heads) != 0 {
		t.Fatalf("Heads = %v, %v", heads, err)
	}
	var n int
	db.SQL().QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
	if n != 0 {
		t.Errorf("Heads created %d objects", n)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Errorf("Verify = %v, %v", mm, err)
	}
	if l, err := m.Log(ctx, 10); err != nil || len(l) != 0 {
		t.Errorf("Log = %v, %v", l, err)
	}
}

func TestVersionTableLayout(t *testing.T) {
	db, _ := tempDB(t)
	c := newChain(1)
	m := New(db, c, tableMigrations(c), Options{VersionTable: "alembic_version"})
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	var ddl string
	if err := db.SQL().QueryRow("SELECT sql FROM sqlite_master WHERE name = 'alembic_version'").Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if want := `CREATE TABLE "alembic_version" (version_num VARCHAR(255) NOT NULL, CONSTRAINT "alembic_version_pkc" PRIMARY KEY (version_num))`; ddl != want {
		t.Errorf("DDL = %s", ddl)
	}
	if got := versionRows(t, db, "alembic_version"); !reflect.DeepEqual(got, []string{"001"}) {
		t.Errorf("rows = %v", got)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()

	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("this is plainly not a database file at all\n"), 0o644)
	_, err := Open(ctx, &config.URL{Dialect: "sqlite", Database: notDB})
	if err == nil || err.Error() != notDB+" is not a SQLite database" {
		t.Errorf("not a database: %v", err)
	}

	missingDir := filepath.Join(dir, "nope", "app.db")
	_, err = Open(ctx, &config.URL{Dialect: "sqlite", Database: missingDir})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "nope")+" does not exist") {
		t.Errorf("missing directory: %v", err)
	}

	fresh := filepath.Join(dir, "fresh.db")
	db, err := Open(ctx, &config.URL{Dialect: "sqlite", Database: fresh})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("missing file not created: %v", err)
	}

	// Port 1: nothing listens there, so PostgreSQL is selected and refused.
	if _, err := Open(ctx, &config.URL{Dialect: "postgresql", Host: "127.0.0.1", Port: "1"}); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1 refused") {
		t.Errorf("postgresql: %v", err)
	}
}

func TestInMemory(t *testing.T) {
	db, err := sqlite.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := newChain(3)
	m := New(db, c, tableMigrations(c), Options{})
	if err := m.Upgrade(ctx, "002"); err != nil {
		t.Fatal(err)
	}
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if heads, err := m.Heads(ctx); err != nil || !reflect.DeepEqual(heads, []string{"003"}) {
		t.Errorf("Heads = %v, %v", heads, err)
	}
}

func TestLockTimeout(t *testing.T) {
	_, path := tempDB(t)
	holder := openFile(t, path)
	conn, _ := holder.SQL().Conn(ctx)
	defer conn.Close()
	release, err := holder.Lock(ctx, conn, "retort_version", lockOpts(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	db := openFile(t, path)
	c := newChain(1)
	var logs logBuffer
	var events []Event
	m := New(db, c, tableMigrations(c), Options{LockTimeout: 200 * time.Millisecond, Logger: logs.logger(),
		OnEvent: func(e Event) { events = append(events, e) }})
	start := time.Now()
	err = m.Upgrade(ctx, "head")
	var le *LockTimeoutError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Errorf("gave up after %v", time.Since(start))
	}
	if msgs := logs.messages(); len(msgs) != 1 || msgs[0] != "Waiting for the lock on "+path+", held by another process" {
		t.Errorf("log = %q", msgs)
	}
	if len(events) != 1 || events[0].Kind != EventLockWait {
		t.Errorf("events = %+v", events)
	}
	release()
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Errorf("after release: %v", err)
	}
}
