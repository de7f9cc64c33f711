package cli_test

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/retort-sql/retort/internal/projectgen"
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
	exists := map[string]bool{}
	rows, err := db.Query(tablesQuery[dialect])
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		exists[name] = true
	}
	rows.Close()
	applied := 0
	for applied < n && exists[fmt.Sprintf("t%02d", applied+1)] {
		applied++
	}
	for k := applied + 2; k <= n; k++ {
		if exists[fmt.Sprintf("t%02d", k)] {
			t.Fatalf("table t%02d exists but t%02d does not", k, applied+1)
		}
	}
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
