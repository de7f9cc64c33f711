package runtime

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/script"
)

// The tests here re-exec the test binary as separate upgrader processes:
// the lock and crash safety are about processes, which goroutines sharing
// one *sql.DB cannot show.
const (
	childDBEnv = "RETORT_RUNTIME_CHILD_DB"
	childNEnv  = "RETORT_RUNTIME_CHILD_N"
)

// workMigrations is tableMigrations plus a little work per migration (rows
// inserted by a recursive CTE), so that a kill lands inside statements as
// well as between them.
func workMigrations(c *chain) map[string]Migration {
	migs := tableMigrations(c)
	for id, m := range migs {
		sm := m.(*SQLMigration)
		sm.Up = append(sm.Up, script.Statement{Line: 9, SQL: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) " +
			"INSERT INTO t_" + id + " (id) SELECT x FROM c"})
	}
	return migs
}

// TestHelperUpgrader is the child process: it upgrades the database named
// in the environment to head. Run directly, it skips.
func TestHelperUpgrader(t *testing.T) {
	path := os.Getenv(childDBEnv)
	if path == "" {
		t.Skip("helper process for TestConcurrentUpgraders and TestKill9")
	}
	n, _ := strconv.Atoi(os.Getenv(childNEnv))
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := newChain(n)
	m := New(db, c, workMigrations(c), Options{LockTimeout: 60 * time.Second})
	if err := m.Upgrade(ctx, "head"); err != nil {
		fmt.Fprintln(os.Stderr, "FAILED:", err)
		os.Exit(1)
	}
	db.Close()
	os.Exit(0)
}

func upgrader(path string, n int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperUpgrader$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDBEnv+"="+path, childNEnv+"="+strconv.Itoa(n))
	return cmd
}

func TestConcurrentUpgraders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.db")
	const n = 40
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmds[i] = upgrader(path, n)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("upgrader %d: %v\n%s", i, err, outs[i].String())
		}
	}
	db := openFile(t, path)
	if got := userTables(t, db); !reflect.DeepEqual(got, tablesUpTo(n)) {
		t.Errorf("tables = %v", got)
	}
	if got := versionRows(t, db, "retort_version"); !reflect.DeepEqual(got, []string{fmt.Sprintf("%03d", n)}) {
		t.Errorf("version rows = %v", got)
	}
	// Each migration ran exactly once: one upgrade log row each.
	c := newChain(n)
	entries, err := New(db, c, nil, Options{}).Log(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		if e.Direction != "upgrade" || e.Status != "done" {
			t.Errorf("unexpected log row %+v", e)
		}
		seen[e.Revision]++
	}
	for _, r := range c.revs {
		if seen[r.ID] != 1 {
			t.Errorf("revision %s ran %d times", r.ID, seen[r.ID])
		}
	}
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("re-execs and kills upgraders")
	}
	const n = 50
	// Calibrate: how long a whole run takes here, so the kills land
	// throughout it rather than all before or all after.
	dir := t.TempDir()
	start := time.Now()
	if out, err := upgrader(filepath.Join(dir, "calibrate.db"), n).CombinedOutput(); err != nil {
		t.Fatalf("calibration run: %v\n%s", err, out)
	}
	full := time.Since(start)

	midway := 0
	for i := range 10 {
		path := filepath.Join(dir, fmt.Sprintf("kill%d.db", i))
		cmd := upgrader(path, n)
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
			t.Errorf("run %d failed by itself: %v\n%s", i, err, out.String())
		}

		db := openFile(t, path)
		c := newChain(n)
		rows, err := New(db, c, nil, Options{}).Heads(ctx) // no version table yet is no rows
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		head := 0
		switch len(rows) {
		case 0:
		case 1:
			head, _ = strconv.Atoi(rows[0])
		default:
			t.Fatalf("run %d: version rows %v", i, rows)
		}
		if head > 0 && head < n {
			midway++
		}
		if got := userTables(t, db); !reflect.DeepEqual(got, tablesUpTo(head)) {
			t.Errorf("run %d: version row %v but tables %v", i, rows, got)
		}
		entries, _ := New(db, c, nil, Options{}).Log(ctx, 0)
		if len(entries) != head {
			t.Errorf("run %d: head %d but %d log rows", i, head, len(entries))
		}
		// The killed run left no lock behind: a new run finishes the job.
		m := New(db, c, workMigrations(c), Options{LockTimeout: time.Second})
		if err := m.Upgrade(ctx, "head"); err != nil {
			t.Errorf("run %d: upgrade after kill: %v", i, err)
		}
		if got := userTables(t, db); !reflect.DeepEqual(got, tablesUpTo(n)) {
			t.Errorf("run %d: tables after the follow-up upgrade: %v", i, got)
		}
	}
	t.Logf("a full run takes %v; %d of 10 kills landed mid-run", full, midway)
}
