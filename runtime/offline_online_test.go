package runtime

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/internal/testdb"
)

// TestOfflineEqualsOnline is issue 3's "offline equals online": for the
// branched project with a merge in testdata/offline, the script that
// `upgrade base:heads --sql` prints, fed to the dialect's own client
// (sqlite3, psql, mariadb), leaves the same tables, indexes, triggers,
// version rows and log rows as `upgrade heads` run online on another fresh
// database; then the same for `downgrade heads:base --sql` from there.
func TestOfflineEqualsOnline(t *testing.T) {
	for _, dialectName := range []string{"sqlite", "postgresql", "mysql"} {
		t.Run(dialectName, func(t *testing.T) {
			var offURL, onURL string
			switch dialectName {
			case "sqlite":
				offURL, onURL = testdb.SQLite(t), testdb.SQLite(t)
			case "postgresql":
				offURL, onURL = testdb.Postgres(t), testdb.Postgres(t)
			case "mysql":
				offURL, onURL = testdb.MySQL(t), testdb.MySQL(t)
			}
			ctx := context.Background()
			g, migs := project(t, offlineProject)
			opts := Options{Who: "tester@example", ToolVersion: "test"}

			online := openURL(t, onURL)
			m := New(online, g, migs, opts)
			o := newOffline(t, dialectName, opts)

			var up bytes.Buffer
			if err := o.Upgrade(&up, nil, "heads"); err != nil {
				t.Fatal(err)
			}
			runClient(t, dialectName, offURL, up.String())
			if err := m.Upgrade(ctx, "heads"); err != nil {
				t.Fatal(err)
			}
			offline := openURL(t, offURL)
			compareDatabases(t, "after upgrade heads", dialectName, offline.SQL(), online.SQL())

			heads, err := m.Heads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var down bytes.Buffer
			if err := o.Downgrade(&down, heads, "base"); err != nil {
				t.Fatal(err)
			}
			runClient(t, dialectName, offURL, down.String())
			if err := m.Downgrade(ctx, "base"); err != nil {
				t.Fatal(err)
			}
			compareDatabases(t, "after downgrade base", dialectName, offline.SQL(), online.SQL())
		})
	}
}

// openURL opens a test database online, skipping while this build's
// runtime.Open cannot open the dialect yet (a dialect still being added).
func openURL(t *testing.T, raw string) dialect.DB {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// runClient feeds script to the dialect's command-line client, stopping
// at the first error as a careful operator would.
func runClient(t *testing.T, dialectName, raw, script string) {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var args []string
	switch dialectName {
	case "sqlite":
		name, args = "sqlite3", []string{"-bail", u.Database}
	case "postgresql":
		pu := *u
		pu.Backend, pu.Driver = "postgresql", ""
		name, args = "psql", []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pu.Reveal()}
	case "mysql":
		name, args = "mariadb", []string{"--batch", "-h", u.Host, "-u", u.User, u.Database}
		if u.Port != "" {
			args = append(args, "-P", u.Port)
		}
		if u.Password != "" {
			args = append(args, "-p"+u.Password)
		}
	}
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv(testdb.EnvRequireServers) == "1" {
			t.Fatalf("the %s client is not installed: %v", name, err)
		}
		t.Skipf("the %s client is not installed: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s on the offline script: %v\n%s\nscript:\n%s", cmd.Args[0], err, u.Mask(string(out)), script)
	}
}

// catalogQueries list what a database holds, per dialect, in an order
// that does not depend on creation order.
var catalogQueries = map[string][]string{
	"sqlite": {
		"SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name",
	},
	"postgresql": {
		`SELECT table_name, column_name, data_type, is_nullable, COALESCE(column_default, '')
		   FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
		"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname",
		`SELECT trigger_name, event_object_table, event_manipulation FROM information_schema.triggers
		   WHERE trigger_schema = current_schema() ORDER BY trigger_name`,
		`SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		   WHERE n.nspname = current_schema() ORDER BY p.proname`,
	},
	"mysql": {
		`SELECT table_name, column_name, column_type, is_nullable, COALESCE(column_default, '')
		   FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
		`SELECT table_name, index_name, column_name FROM information_schema.statistics
		   WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`,
		`SELECT trigger_name, event_object_table, event_manipulation FROM information_schema.triggers
		   WHERE trigger_schema = DATABASE() ORDER BY trigger_name`,
	},
}

// stateQueries read the version rows and what the log says of each step:
// the times differ by nature, the rest must not.
var stateQueries = []string{
	"SELECT version_num FROM retort_version ORDER BY version_num",
	"SELECT revision, direction, checksum, status, statements_done, statements_total FROM retort_version_log ORDER BY id",
}

func compareDatabases(t *testing.T, when, dialectName string, offline, online *sql.DB) {
	t.Helper()
	for _, q := range append(append([]string(nil), catalogQueries[dialectName]...), stateQueries...) {
		off, on := queryRows(t, offline, q), queryRows(t, online, q)
		if len(on) == 0 && !strings.Contains(q, "retort_version") && !strings.Contains(when, "downgrade") {
			t.Errorf("%s: %s: nothing online, so the comparison proves nothing", when, q)
		}
		if !reflect.DeepEqual(off, on) {
			t.Errorf("%s: offline and online differ on\n%s\noffline:\n%s\nonline:\n%s", when, q,
				strings.Join(off, "\n"), strings.Join(on, "\n"))
		}
	}
}

func queryRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		out = append(out, fmt.Sprint(parts))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
