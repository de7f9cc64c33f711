package runtime

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect"

	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/script"
)

// chain is a linear revision graph planned by hand, with the version-row
// changes Alembic's rules give on a line. It stands in for *graph.Graph in
// tests that are about execution, not planning.
type chain struct {
	revs []*graph.Revision
	idx  map[string]int
}

func newChain(n int) *chain {
	c := &chain{idx: map[string]int{}}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%03d", i)
		r := &graph.Revision{ID: id, Message: "create t_" + id, File: "migrations/versions/" + id + "_x.sql"}
		if i > 1 {
			r.Revises = []string{c.revs[i-2].ID}
		}
		c.idx[id] = i - 1
		c.revs = append(c.revs, r)
	}
	return c
}

func (c *chain) pos(current []string) int {
	if len(current) == 0 {
		return -1
	}
	return c.idx[current[0]]
}

func (c *chain) resolve(target string) (int, error) {
	switch target {
	case "head", "heads":
		return len(c.revs) - 1, nil
	case "base":
		return -1, nil
	}
	i, ok := c.idx[target]
	if !ok {
		return 0, fmt.Errorf("Can't locate revision identified by '%s'", target)
	}
	return i, nil
}

func (c *chain) ids(i int) []string {
	if i < 0 {
		return nil
	}
	return []string{c.revs[i].ID}
}

func (c *chain) Upgrade(current []string, target string) ([]graph.Step, error) {
	t, err := c.resolve(target)
	if err != nil {
		return nil, err
	}
	var steps []graph.Step
	for i := c.pos(current) + 1; i <= t; i++ {
		st := graph.Step{Revision: c.revs[i], Direction: graph.Up, From: c.ids(i - 1), To: c.ids(i)}
		if i == 0 {
			st.Insert = c.ids(i)
		} else {
			st.UpdateFrom, st.UpdateTo = c.revs[i-1].ID, c.revs[i].ID
		}
		steps = append(steps, st)
	}
	return steps, nil
}

func (c *chain) Downgrade(current []string, target string) ([]graph.Step, error) {
	t, err := c.resolve(target)
	if err != nil {
		return nil, err
	}
	var steps []graph.Step
	for i := c.pos(current); i > t; i-- {
		st := graph.Step{Revision: c.revs[i], Direction: graph.Down, From: c.ids(i), To: c.ids(i - 1)}
		if i == 0 {
			st.Delete = c.ids(i)
		} else {
			st.UpdateFrom, st.UpdateTo = c.revs[i].ID, c.revs[i-1].ID
		}
		steps = append(steps, st)
	}
	return steps, nil
}

func (c *chain) Stamp(current, targets []string, purge bool) ([]graph.Step, error) {
	t, err := c.resolve(targets[0])
	if err != nil {
		return nil, err
	}
	cur := c.pos(current)
	if cur == t {
		return nil, nil
	}
	st := graph.Step{From: c.ids(cur), To: c.ids(t)}
	switch {
	case t >= 0:
		st.Revision = c.revs[t]
	default:
		st.Revision = c.revs[cur]
	}
	switch {
	case cur < 0:
		st.Insert = c.ids(t)
	case t < 0:
		st.Delete = c.ids(cur)
	default:
		st.UpdateFrom, st.UpdateTo = c.revs[cur].ID, c.revs[t].ID
	}
	return []graph.Step{st}, nil
}

func (c *chain) Ancestors(ids ...string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		for i := 0; i <= c.idx[id]; i++ {
			out[c.revs[i].ID] = true
		}
	}
	return out
}

func (c *chain) Revision(id string) *graph.Revision {
	if i, ok := c.idx[id]; ok {
		return c.revs[i]
	}
	return nil
}

// tableMigrations gives each revision of c a migration creating t_<id>.
func tableMigrations(c *chain) map[string]Migration {
	migs := map[string]Migration{}
	for _, r := range c.revs {
		migs[r.ID] = &SQLMigration{
			Up:   []script.Statement{{SQL: "CREATE TABLE t_" + r.ID + " (id INTEGER PRIMARY KEY)", Line: 7}},
			Down: []script.Statement{{SQL: "DROP TABLE t_" + r.ID, Line: 10}},
			Sum:  "sum-" + r.ID,
			File: r.File,
		}
	}
	return migs
}

func openFile(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tempDB(t testing.TB) (*sqlite.DB, string) {
	path := filepath.Join(t.TempDir(), "app.db")
	return openFile(t, path), path
}

// userTables lists the tables a user would see, minus retort's own.
func userTables(t testing.TB, db *sqlite.DB) []string {
	t.Helper()
	return testdb.Strings(t, db.SQL(), "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'retort_version%' ORDER BY name")
}

// versionRows reads the version table directly.
func versionRows(t testing.TB, db *sqlite.DB, table string) []string {
	t.Helper()
	return testdb.Strings(t, db.SQL(), "SELECT version_num FROM "+table+" ORDER BY version_num")
}

func tablesUpTo(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("t_%03d", i))
	}
	return out
}

// logBuffer collects the Logger's messages.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// messages returns the msg of each line.
func (l *logBuffer) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		line = strings.TrimPrefix(line, "msg=")
		if s, err := unquote(line); err == nil {
			line = s
		}
		out = append(out, line)
	}
	return out
}

func unquote(s string) (string, error) {
	var out string
	_, err := fmt.Sscanf(s, "%q", &out)
	return out, err
}

func lockOpts(d time.Duration) dialect.LockOptions { return dialect.LockOptions{Timeout: d} }
