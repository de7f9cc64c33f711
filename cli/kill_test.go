package cli_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/internal/projectgen"
	"github.com/retort-sql/retort/internal/testdb"
)

// TestKillDuringUpgrade kills `retort upgrade heads` with SIGKILL at random
// moments of a 50-migration run, twenty times per dialect, and checks each
// time that the version table names exactly the last migration whose table
// exists: per-migration transactions leave no half-applied step. A new run
// then finishes the job, so no lock was left behind either.
func TestKillDuringUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 upgrades per dialect; skipped with -short")
	}
	for _, d := range testDialects {
		if d.name == "mysql" {
			continue // MySQL commits each DDL statement: see TestKillDuringUpgradeJournaled
		}
		t.Run(d.name, func(t *testing.T) {
			d.available(t)
			killDuringUpgrade(t, d)
		})
	}
}

func killDuringUpgrade(t *testing.T, d testDialect) {
	retort, err := exec.LookPath("retort") // installed on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const n = 50
	if err := projectgen.Write(dir, n, 0); err != nil {
		t.Fatal(err)
	}
	ini := filepath.Join(dir, "retort.ini")
	upgrade := func(url string) *exec.Cmd {
		return exec.Command(retort, "-q", "-c", ini, "--database-connection", url, "upgrade", "heads")
	}

	// How long a whole run takes here, so the kills land inside one.
	start := time.Now()
	if out, err := upgrade(d.newDatabase(t)).CombinedOutput(); err != nil {
		t.Fatalf("calibration run: %v\n%s", err, out)
	}
	full := time.Since(start)

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("a full run takes %v; seed %d", full, seed)
	midway := 0
	for i := range 20 {
		db := d.newDatabase(t)
		cmd := upgrade(db)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		_ = cmd.Process.Kill() // SIGKILL; the run may have finished already
		_ = cmd.Wait()

		applied := checkConsistent(t, db, n)
		if applied > 0 && applied < n {
			midway++
		}
		if out, err := upgrade(db).CombinedOutput(); err != nil {
			t.Fatalf("kill %d: the run after the kill failed: %v\n%s", i, err, out)
		}
		if got := checkConsistent(t, db, n); got != n {
			t.Fatalf("kill %d: after the second run %d of %d migrations are applied", i, got, n)
		}
	}
	t.Logf("%d of 20 kills landed between the first and the last migration", midway)
	if midway == 0 {
		t.Fatalf("no kill landed inside a run; the test proved nothing")
	}
}

// checkConsistent returns how many of the n migrations are applied, after
// checking that the version table and the tables agree: tables t01..tK
// exist, none beyond, and the version row is K (none when K is 0).
func checkConsistent(t *testing.T, url string, n int) int {
	t.Helper()
	db, dialect, err := openURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exists, applied := appliedTables(t, db, dialect, n)
	var version []string
	if exists["retort_version"] {
		vrows, err := db.Query(`SELECT version_num FROM retort_version`)
		if err != nil {
			t.Fatal(err)
		}
		for vrows.Next() {
			var v string
			if err := vrows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			version = append(version, v)
		}
		vrows.Close()
	}
	switch {
	case applied == 0 && len(version) == 0:
	case len(version) == 1 && version[0] == fmt.Sprintf("%02d", applied):
	default:
		t.Fatalf("tables t01..t%02d exist but the version table holds %v", applied, version)
	}
	return applied
}

// TestKillDuringUpgradeJournaled is the MySQL/MariaDB case, where each DDL
// statement commits on its own: twenty kills at random moments of a
// 50-migration run. After each, the version table still matches the
// tables; if the kill cut a step off, the next upgrade refuses, naming the
// step, and `upgrade --resume` completes the run with every migration run
// exactly once (a CREATE TABLE run twice would fail, and the log holds one
// done upgrade per revision).
func TestKillDuringUpgradeJournaled(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 upgrades; skipped with -short")
	}
	d := testDialects[2]
	if d.name != "mysql" {
		t.Fatalf("testDialects[2] is %s, want mysql", d.name)
	}
	d.available(t)
	retort, err := exec.LookPath("retort")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const n = 50
	if err := projectgen.Write(dir, n, 0); err != nil {
		t.Fatal(err)
	}
	ini := filepath.Join(dir, "retort.ini")
	run := func(url string, args ...string) *exec.Cmd {
		return exec.Command(retort, append([]string{"-q", "-c", ini, "--database-connection", url}, args...)...)
	}
	start := time.Now()
	if out, err := run(d.newDatabase(t), "upgrade", "heads").CombinedOutput(); err != nil {
		t.Fatalf("calibration run: %v\n%s", err, out)
	}
	full := time.Since(start)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("a full run takes %v; seed %d", full, seed)

	cutOff := 0
	for i := range 20 {
		url := d.newDatabase(t)
		cmd := run(url, "upgrade", "heads")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		checkJournal(t, url, n)

		out, err := run(url, "upgrade", "heads").CombinedOutput()
		if err != nil {
			// Refused: it must name the cut-off step and offer --resume.
			cutOff++
			msg := string(out)
			if !strings.Contains(msg, "FAILED: ") || !strings.Contains(msg, "was cut off") || !strings.Contains(msg, "--resume") {
				t.Fatalf("kill %d: the next upgrade failed without the resume advice:\n%s", i, msg)
			}
			if out, err := run(url, "upgrade", "--resume", "heads").CombinedOutput(); err != nil {
				t.Fatalf("kill %d: upgrade --resume: %v\n%s", i, err, out)
			}
		}
		if got := checkConsistent(t, url, n); got != n {
			t.Fatalf("kill %d: after finishing, %d of %d migrations are applied", i, got, n)
		}
		db, _, err := openURL(url)
		if err != nil {
			t.Fatal(err)
		}
		var rows, revisions int
		err = db.QueryRow(`SELECT count(*), count(DISTINCT revision) FROM retort_version_log WHERE direction = 'upgrade' AND status = 'done'`).Scan(&rows, &revisions)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rows != n || revisions != n {
			t.Fatalf("kill %d: the log holds %d done upgrades of %d revisions, want %d of %d", i, rows, revisions, n, n)
		}
	}
	t.Logf("%d of 20 kills cut a step off and were resumed", cutOff)
}

// checkJournal checks the state a kill left on a database without
// transactional DDL: the version row names migration V, tables t01..tK
// exist and no others, and either K = V or the log's last row is the
// cut-off step of migration K with its one statement recorded as applied.
//
// It looks once the killed run's server session has ended: the server
// finishes the statements it had received, journal updates included,
// after the client is gone. A retort run waits the same way, since that
// session holds the run lock until it ends.
func checkJournal(t *testing.T, url string, n int) {
	t.Helper()
	db, dialect, err := openURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var others int
		if err := db.QueryRow(`SELECT count(*) FROM information_schema.processlist WHERE db = database() AND id <> connection_id()`).Scan(&others); err != nil {
			t.Fatal(err)
		}
		if others == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed run's session is still on the server after 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	exists, applied := appliedTables(t, db, dialect, n)
	version := 0
	if exists["retort_version"] {
		var v string
		switch err := db.QueryRow(`SELECT version_num FROM retort_version`).Scan(&v); {
		case err == nil:
			if version, err = strconv.Atoi(v); err != nil {
				t.Fatalf("version row %q: %v", v, err)
			}
		case !errors.Is(err, sql.ErrNoRows):
			t.Fatal(err)
		}
	}
	if version == applied {
		return
	}
	var rev, status string
	var done int
	err = db.QueryRow(`SELECT revision, status, statements_done FROM retort_version_log ORDER BY id DESC LIMIT 1`).Scan(&rev, &status, &done)
	if err != nil {
		t.Fatalf("tables t01..t%02d exist, the version row says %02d, and the log cannot tell why: %v", applied, version, err)
	}
	if version+1 != applied || rev != fmt.Sprintf("%02d", applied) || status == "done" || done != 1 {
		t.Fatalf("tables t01..t%02d exist, the version row says %02d, and the log's last row is %s %s with %d statements done",
			applied, version, rev, status, done)
	}
}

// appliedTables lists the database's tables and counts the migrations
// whose tables exist, t01..tK, failing if any table beyond a gap exists.
func appliedTables(t *testing.T, db *sql.DB, dialect string, n int) (map[string]bool, int) {
	t.Helper()
	exists := map[string]bool{}
	for _, name := range testdb.Strings(t, db, tablesQuery[dialect]) {
		exists[name] = true
	}
	applied := 0
	for applied < n && exists[fmt.Sprintf("t%02d", applied+1)] {
		applied++
	}
	for k := applied + 2; k <= n; k++ {
		if exists[fmt.Sprintf("t%02d", k)] {
			t.Fatalf("table t%02d exists but t%02d does not", k, applied+1)
		}
	}
	return exists, applied
}
