package runtime

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/script"
)

// Tests on the RETORT_TEST_MYSQL server (MariaDB here), where DDL commits
// on its own and the runtime journals each statement.

const childMySQLEnv = "RETORT_RUNTIME_CHILD_MYSQL"

func openMySQL(t testing.TB, raw string) *mysql.DB {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	db, err := mysql.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mysqlTables lists the user tables (not retort's) in the database.
func mysqlTables(t testing.TB, db *sql.DB) []string {
	t.Helper()
	return testdb.Strings(t, db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '%version%' ORDER BY TABLE_NAME")
}

func mysqlVersionRows(t testing.TB, db *sql.DB, table string) []string {
	t.Helper()
	out := testdb.Strings(t, db, "SELECT version_num FROM "+table)
	sort.Strings(out)
	return out
}

// mysqlWork is tableMigrations plus a second statement per revision that
// fills the table (MariaDB's sequence engine), so that a kill lands in and
// between statements of one step, and a statement run twice would show
// (duplicate key).
func mysqlWork(c *chain) map[string]Migration {
	migs := tableMigrations(c)
	for id, m := range migs {
		sm := m.(*SQLMigration)
		sm.Up = append(sm.Up, script.Statement{Line: 9, SQL: "INSERT INTO t_" + id + " (id) SELECT seq FROM seq_1_to_2000"})
	}
	return migs
}

func TestMySQLUpgradeDowngradeStampVerify(t *testing.T) {
	db := openMySQL(t, testdb.MySQL(t))
	c := newChain(3)
	migs := tableMigrations(c)
	var logs logBuffer
	m := New(db, c, migs, Options{Logger: logs.logger()})
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if msgs := logs.messages(); msgs[0] != "Context impl MySQLImpl." || msgs[1] != "Will assume non-transactional DDL." {
		t.Errorf("log = %q", msgs)
	}
	if got := mysqlTables(t, db.SQL()); !reflect.DeepEqual(got, tablesUpTo(3)) {
		t.Errorf("tables = %v", got)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); !reflect.DeepEqual(got, []string{"003"}) {
		t.Errorf("version rows = %v", got)
	}
	// Alembic's layout: version_num VARCHAR(255) NOT NULL, the primary key.
	cols := testdb.Strings(t, db.SQL(), "SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE, ' ', COLUMN_KEY) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'retort_version'")
	if !reflect.DeepEqual(cols, []string{"version_num varchar(255) NO PRI"}) {
		t.Errorf("version table columns = %v", cols)
	}
	entries, err := m.Log(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("log = %+v", entries)
	}
	for i, e := range entries {
		if e.Status != "done" || e.Direction != "upgrade" || e.StatementsDone != 1 || e.StatementsTotal != 1 ||
			e.Revision != fmt.Sprintf("%03d", 3-i) || e.FinishedAt == "" || len(e.StartedAt) != len(timeFormat) {
			t.Errorf("log row %d = %+v", i, e)
		}
	}

	if err := m.Downgrade(ctx, "001"); err != nil {
		t.Fatal(err)
	}
	if got := mysqlTables(t, db.SQL()); !reflect.DeepEqual(got, tablesUpTo(1)) {
		t.Errorf("tables after downgrade = %v", got)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); !reflect.DeepEqual(got, []string{"001"}) {
		t.Errorf("version rows after downgrade = %v", got)
	}
	if err := m.Downgrade(ctx, "base"); err != nil {
		t.Fatal(err)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); len(got) != 0 {
		t.Errorf("version rows at base = %v", got)
	}

	if err := m.Stamp(ctx, []string{"002"}, false); err != nil {
		t.Fatal(err)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("version rows after stamp = %v", got)
	}
	migs["001"].(*SQLMigration).Sum = "changed"
	mm, err := m.Verify(ctx)
	if err != nil || len(mm) != 1 || mm[0].Revision != "001" {
		t.Errorf("verify = %+v, %v", mm, err)
	}
}

// TestMySQLFailingStatement: the second of three statements fails. The
// first stays applied (MySQL cannot roll DDL back), the log says 1 of 3,
// the next run refuses naming the statement, and once the script is fixed
// --resume goes on from statement 2.
func TestMySQLFailingStatement(t *testing.T) {
	db := openMySQL(t, testdb.MySQL(t))
	c, migs := failingChain()
	m := New(db, c, migs, Options{})
	err := m.Upgrade(ctx, "head")
	var se *StepError
	if !errors.As(err, &se) || se.Index != 2 || se.Line != 12 {
		t.Fatalf("err = %v", err)
	}
	wantErr := "migrations/versions/003_x.sql:12: revision 003, statement 2 of 3: ERROR 1146 (42S02): Table '" + dbName(t, db) + ".nosuch' doesn't exist"
	if err.Error() != wantErr {
		t.Errorf("error = %q\nwant    %q", err, wantErr)
	}
	if got, want := mysqlTables(t, db.SQL()), append(tablesUpTo(2), "t_003"); !reflect.DeepEqual(got, want) {
		t.Errorf("tables = %v, want %v", got, want)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("version rows = %v", got)
	}
	entries, _ := m.Log(ctx, 1)
	if e := entries[0]; e.Revision != "003" || e.Status != "failed" || e.StatementsDone != 1 || e.StatementsTotal != 3 || e.Error != wantErr {
		t.Errorf("log row = %+v", e)
	}

	for _, move := range []func() error{
		func() error { return m.Upgrade(ctx, "head") },
		func() error { return m.Downgrade(ctx, "base") },
	} {
		err := move()
		var ie *InterruptedError
		if !errors.As(err, &ie) {
			t.Fatalf("next run: %v, want *InterruptedError", err)
		}
		want := "migrations/versions/003_x.sql:12: the last upgrade of revision 003 failed at statement 2 of 3: " +
			"ERROR 1146 (42S02): Table '" + dbName(t, db) + ".nosuch' doesn't exist; 1 of its 3 statements are applied, outside a transaction. " +
			"Fix the script if needed and run `retort upgrade --resume TARGET` to go on from statement 2 (INSERT INTO nosuch VALUES (1)), " +
			"or complete or undo the step by hand and run `retort stamp 003` (completed) or `retort stamp 002` (undone)"
		if err.Error() != want {
			t.Errorf("refusal:\n got %s\nwant %s", err, want)
		}
	}
	if err := m.ResumeDowngrade(ctx, "base"); err == nil || !strings.Contains(err.Error(), "upgrade --resume") {
		t.Errorf("resuming the upgrade with a downgrade: %v", err)
	}

	migs["003"].(*SQLMigration).Up[1].SQL = "INSERT INTO t_003 VALUES (1)"
	migs["003"].(*SQLMigration).Sum = "sum-003-fixed"
	if err := m.ResumeUpgrade(ctx, "head"); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if got, want := mysqlTables(t, db.SQL()), append(tablesUpTo(2), "t_003", "t_003b", "t_004"); !reflect.DeepEqual(got, want) {
		t.Errorf("tables = %v, want %v", got, want)
	}
	if got := testdb.Strings(t, db.SQL(), "SELECT id FROM t_003"); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("t_003 rows = %v", got)
	}
	if got := mysqlVersionRows(t, db.SQL(), "retort_version"); !reflect.DeepEqual(got, []string{"004"}) {
		t.Errorf("version rows = %v", got)
	}
	entries, _ = m.Log(ctx, 3)
	if e := entries[1]; e.Revision != "003" || e.Status != "done" || e.StatementsDone != 3 || e.Checksum != "sum-003-fixed" {
		t.Errorf("resumed row = %+v", e)
	}
	if e := entries[2]; e.Revision != "003" || e.Status != "resumed" || e.StatementsDone != 1 {
		t.Errorf("failed row = %+v", e)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Errorf("verify after resume = %+v, %v", mm, err)
	}
	var nr *NothingToResumeError
	if err := m.ResumeUpgrade(ctx, "head"); !errors.As(err, &nr) {
		t.Errorf("resume with nothing to resume: %v", err)
	}
}

// TestMySQLStampClearsFailure: a stamp is the other way out.
func TestMySQLStampClearsFailure(t *testing.T) {
	db := openMySQL(t, testdb.MySQL(t))
	c, migs := failingChain()
	m := New(db, c, migs, Options{})
	if err := m.Upgrade(ctx, "head"); err == nil {
		t.Fatal("upgrade succeeded")
	}
	if _, err := db.SQL().Exec("DROP TABLE t_003"); err != nil { // undone by hand
		t.Fatal(err)
	}
	if err := m.Stamp(ctx, []string{"002"}, false); err != nil {
		t.Fatal(err)
	}
	migs["003"].(*SQLMigration).Up[1].SQL = "INSERT INTO t_003 VALUES (1)"
	if err := m.Upgrade(ctx, "head"); err != nil {
		t.Fatalf("upgrade after stamp: %v", err)
	}
}

func dbName(t testing.TB, db *mysql.DB) string { return db.Database() }

func TestMySQLTwoComponents(t *testing.T) {
	raw := testdb.MySQL(t)
	db := openMySQL(t, raw)
	neutron, quark := newChain(2), newChain(1)
	nm := tableMigrations(neutron)
	qm := map[string]Migration{"001": &SQLMigration{
		Up:   []script.Statement{{SQL: "CREATE TABLE quark_t (id INT)"}},
		Down: []script.Statement{{SQL: "DROP TABLE quark_t"}},
	}}
	mn := New(db, neutron, nm, Options{VersionTable: "alembic_version"})
	mq := New(db, quark, qm, Options{VersionTable: "quark_version"})
	if err := mn.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if err := mq.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if got := mysqlVersionRows(t, db.SQL(), "alembic_version"); !reflect.DeepEqual(got, []string{"002"}) {
		t.Errorf("neutron rows = %v", got)
	}
	if got := mysqlVersionRows(t, db.SQL(), "quark_version"); !reflect.DeepEqual(got, []string{"001"}) {
		t.Errorf("quark rows = %v", got)
	}
	if err := mq.Downgrade(ctx, "base"); err != nil {
		t.Fatal(err)
	}
	if got := mysqlTables(t, db.SQL()); !reflect.DeepEqual(got, tablesUpTo(2)) {
		t.Errorf("tables = %v", got)
	}
	if h, err := mn.Heads(ctx); err != nil || !reflect.DeepEqual(h, []string{"002"}) {
		t.Errorf("neutron heads = %v, %v", h, err)
	}
	// Each component's log holds its own steps only.
	if e, _ := mq.Log(ctx, 0); len(e) != 2 {
		t.Errorf("quark log = %+v", e)
	}
	if e, _ := mn.Log(ctx, 0); len(e) != 2 {
		t.Errorf("neutron log = %+v", e)
	}
}

// TestHelperMySQLUpgrader is the child process of TestMySQLKill9.
func TestHelperMySQLUpgrader(t *testing.T) {
	raw := os.Getenv(childMySQLEnv)
	if raw == "" {
		t.Skip("helper process for TestMySQLKill9")
	}
	n, _ := strconv.Atoi(os.Getenv(childNEnv))
	u, err := config.ParseURL(raw)
	if err == nil {
		var db *mysql.DB
		if db, err = mysql.Open(ctx, u); err == nil {
			c := newChain(n)
			err = New(db, c, mysqlWork(c), Options{LockTimeout: 60 * time.Second}).Upgrade(ctx, "head")
			db.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAILED:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func mysqlUpgrader(raw string, n int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMySQLUpgrader$", "-test.count=1")
	cmd.Env = append(os.Environ(), childMySQLEnv+"="+raw, childNEnv+"="+strconv.Itoa(n))
	return cmd
}

// TestMySQLKill9 kills an upgrader of 50 two-statement revisions at random
// moments, 20 times. Each time the log must say exactly what exists: its
// last row is the step that was cut off, with statements_done matching the
// tables and rows present, or a done step matching the version row. Then
// --resume (or a plain upgrade when no step was cut off) completes the run
// with each statement run exactly once: a CREATE TABLE run twice would
// fail with "already exists", an INSERT run twice with a duplicate key.
func TestMySQLKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("re-execs and kills upgraders")
	}
	const n = 50
	calib := testdb.MySQL(t)
	start := time.Now()
	if out, err := mysqlUpgrader(calib, n).CombinedOutput(); err != nil {
		t.Fatalf("calibration run: %v\n%s", err, out)
	}
	full := time.Since(start)

	cut := 0
	for i := range 20 {
		raw := testdb.MySQL(t)
		cmd := mysqlUpgrader(raw, n)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full))))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			t.Logf("run %d finished before the kill", i)
		} else if !strings.Contains(err.Error(), "killed") {
			t.Fatalf("run %d failed by itself: %v\n%s", i, err, out.String())
		}
		// The server finishes what the dead client sent: wait until the
		// run's session is gone before looking.
		db := openMySQL(t, raw)
		waitSessionsGone(t, db)
		c := newChain(n)
		m := New(db, c, mysqlWork(c), Options{LockTimeout: 5 * time.Second})
		if checkKilled(t, i, db, m) {
			cut++
		}
	}
	t.Logf("a full run takes %v; %d of 20 kills cut a step off", full, cut)
}

func waitSessionsGone(t testing.TB, db *mysql.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var k int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()").Scan(&k); err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still on the database", k)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkKilled checks one killed run's database against its log, then
// completes it. It reports whether a step was cut off.
func checkKilled(t *testing.T, i int, db *mysql.DB, m *Migrator) bool {
	t.Helper()
	heads, err := m.Heads(ctx)
	if err != nil {
		t.Fatalf("run %d: %v", i, err)
	}
	head := 0
	if len(heads) == 1 {
		head, _ = strconv.Atoi(heads[0])
	} else if len(heads) > 1 {
		t.Fatalf("run %d: version rows %v", i, heads)
	}
	entries, err := m.Log(ctx, 0)
	if err != nil {
		t.Fatalf("run %d: %v", i, err)
	}
	// What the log says exists: every done step, plus the statements the
	// cut-off step completed.
	wantTables := tablesUpTo(head)
	wantRows := map[string]int{}
	for _, tb := range wantTables {
		wantRows[tb] = 2000
	}
	var cutRow *LogEntry
	if len(entries) > 0 && entries[0].Status != "done" {
		cutRow = &entries[0]
		if cutRow.Status != "running" {
			t.Errorf("run %d: last log row %+v", i, *cutRow)
		}
		if r, _ := strconv.Atoi(cutRow.Revision); r != head+1 {
			t.Errorf("run %d: cut-off row %+v but version row %v", i, *cutRow, heads)
		}
		tb := "t_" + cutRow.Revision
		switch cutRow.StatementsDone {
		case 1:
			wantTables = append(wantTables, tb)
			wantRows[tb] = 0
		case 2:
			t.Errorf("run %d: all statements done but the step is not: %+v", i, *cutRow)
		}
	} else if len(entries) > 0 && entries[0].Revision != fmt.Sprintf("%03d", head) {
		t.Errorf("run %d: last log row %+v but version row %v", i, entries[0], heads)
	}
	if got := mysqlTables(t, db.SQL()); !reflect.DeepEqual(got, wantTables) {
		t.Errorf("run %d: log says tables %v (cut-off row %+v), database has %v", i, wantTables, cutRow, got)
	}
	for tb, want := range wantRows {
		if got := testdb.Strings(t, db.SQL(), "SELECT COUNT(*) FROM "+tb); got[0] != strconv.Itoa(want) {
			t.Errorf("run %d: %s has %s rows, the log says %d", i, tb, got[0], want)
		}
	}

	if cutRow != nil {
		var ie *InterruptedError
		if err := m.Upgrade(ctx, "head"); !errors.As(err, &ie) || ie.Revision != cutRow.Revision || ie.Done != cutRow.StatementsDone ||
			!strings.Contains(err.Error(), "upgrade --resume") {
			t.Errorf("run %d: upgrade after the kill: %v, want a refusal", i, err)
		}
		err = m.ResumeUpgrade(ctx, "head")
		if err != nil {
			t.Errorf("run %d: resume: %v", i, err)
		}
	} else if err := m.Upgrade(ctx, "head"); err != nil {
		t.Errorf("run %d: upgrade after the kill: %v", i, err)
	}
	if got := mysqlTables(t, db.SQL()); !reflect.DeepEqual(got, tablesUpTo(50)) {
		t.Errorf("run %d: tables after completing: %v", i, got)
	}
	for _, tb := range tablesUpTo(50) {
		if got := testdb.Strings(t, db.SQL(), "SELECT COUNT(*) FROM "+tb); got[0] != "2000" {
			t.Errorf("run %d: %s has %s rows after completing", i, tb, got[0])
		}
	}
	entries, _ = m.Log(ctx, 0)
	done := map[string]int{}
	for _, e := range entries {
		if e.Status == "done" {
			done[e.Revision]++
		}
	}
	for r := 1; r <= 50; r++ {
		if id := fmt.Sprintf("%03d", r); done[id] != 1 {
			t.Errorf("run %d: revision %s has %d done rows", i, id, done[id])
		}
	}
	return cutRow != nil
}
