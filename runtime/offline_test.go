package runtime

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/offline")

// offlineAt is the generation time of every golden script.
var offlineAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// offlineProject is testdata/offline: accounts, then orders (a trigger
// whose body holds ";", per dialect) and invoices (no-transaction) as two
// branches, then their merge.
const offlineProject = "testdata/offline/versions"

func newOffline(t *testing.T, dialectName string, opts Options) *Offline {
	t.Helper()
	d, err := OfflineDialect(dialectName)
	if err != nil {
		t.Fatal(err)
	}
	g, migs := project(t, offlineProject)
	if opts.Who == "" {
		opts.Who = "tester@example"
	}
	opts.ToolVersion = "0.0.0-test"
	o, err := NewOffline(d, g, migs, opts, offlineAt)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "offline", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestOfflineGolden -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (rerun with -update and review the diff); got:\n%s", path, got)
	}
}

// TestOfflineGolden pins the scripts for each dialect and mode: the DDL of
// the version tables from base, BEGIN/COMMIT where DDL is transactional,
// the journal where it is not, DELIMITER around MySQL trigger bodies, the
// version-row moves through the merge, and quoted literals.
func TestOfflineGolden(t *testing.T) {
	cases := []struct {
		name, dialect string
		opts          Options
		run           func(*Offline, *bytes.Buffer) error
	}{
		{"upgrade_sqlite.sql", "sqlite", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, nil, "heads")
		}},
		{"upgrade_postgresql.sql", "postgresql", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, nil, "heads")
		}},
		{"upgrade_mysql.sql", "mysql", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, nil, "heads")
		}},
		{"downgrade_sqlite.sql", "sqlite", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Downgrade(w, []string{"dddd00000004"}, "base")
		}},
		{"downgrade_postgresql.sql", "postgresql", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Downgrade(w, []string{"dddd00000004"}, "base")
		}},
		{"downgrade_mysql.sql", "mysql", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Downgrade(w, []string{"dddd00000004"}, "base")
		}},
		// From one branch's row: no CREATE TABLE, the other branch gets
		// its row inserted, and the merge deletes one row and updates the
		// other.
		{"upgrade_from_branch_postgresql.sql", "postgresql", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, []string{"bbbb00000002"}, "heads")
		}},
		{"upgrade_all_postgresql.sql", "postgresql", Options{TransactionMode: All, VersionTableSchema: "app"}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, nil, "heads")
		}},
		{"upgrade_none_sqlite.sql", "sqlite", Options{TransactionMode: None, VersionTable: "alembic_version"}, func(o *Offline, w *bytes.Buffer) error {
			return o.Upgrade(w, nil, "aaaa00000001")
		}},
		{"stamp_sqlite.sql", "sqlite", Options{}, func(o *Offline, w *bytes.Buffer) error {
			return o.Stamp(w, nil, []string{"bbbb00000002", "cccc00000003"}, false)
		}},
		// A user name with a quote and a backslash: doubled quote on every
		// dialect, doubled backslash on MySQL only.
		{"stamp_mysql.sql", "mysql", Options{Who: `o'brien\x@example`}, func(o *Offline, w *bytes.Buffer) error {
			return o.Stamp(w, []string{"dddd00000004"}, []string{"base"}, false)
		}},
		{"stamp_purge_postgresql.sql", "postgresql", Options{Who: `o'brien\x@example`}, func(o *Offline, w *bytes.Buffer) error {
			return o.Stamp(w, []string{"bbbb00000002"}, []string{"heads"}, true)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs logBuffer
			c.opts.Logger = logs.logger()
			o := newOffline(t, c.dialect, c.opts)
			var buf bytes.Buffer
			if err := c.run(o, &buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name, buf.Bytes())
			if msgs := logs.messages(); len(msgs) < 2 || msgs[1] != "Generating static SQL" {
				t.Errorf("progress lacks Alembic's offline line: %q", msgs)
			}
		})
	}
}

// A planning error writes nothing: no half script on stdout.
func TestOfflineErrorWritesNothing(t *testing.T) {
	o := newOffline(t, "sqlite", Options{})
	var buf bytes.Buffer
	if err := o.Upgrade(&buf, nil, "nosuch"); err == nil {
		t.Fatalf("upgrade to an unknown revision: %v", err)
	}
	if err := o.Downgrade(&buf, []string{"nosuch"}, "base"); err == nil {
		t.Fatal("downgrade from an unknown revision: no error")
	}
	if buf.Len() != 0 {
		t.Fatalf("wrote %q", buf.String())
	}
}

func TestOfflineDialect(t *testing.T) {
	for _, name := range []string{"sqlite", "sqlite3", "postgresql", "postgres", "mysql", "mariadb"} {
		d, err := OfflineDialect(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := d.(dialect.Scripter); !ok {
			t.Errorf("%s: the dialect cannot write scripts", name)
		}
	}
	if _, err := OfflineDialect("oracle"); err == nil || !strings.Contains(err.Error(), `unknown dialect "oracle"`) {
		t.Fatalf("oracle: %v", err)
	}
}

func TestTerminate(t *testing.T) {
	for _, c := range []struct{ in, std, delimited string }{
		{"SELECT 1", "SELECT 1;", "SELECT 1;"},
		{"SELECT 1 -- one", "SELECT 1 -- one\n;", "SELECT 1 -- one\n;"},
		{"CREATE TRIGGER t BEGIN x; END", "CREATE TRIGGER t BEGIN x; END;",
			"DELIMITER //\nCREATE TRIGGER t BEGIN x; END\n//\nDELIMITER ;"},
		{"CREATE TRIGGER t BEGIN SELECT '//'; END", "CREATE TRIGGER t BEGIN SELECT '//'; END;",
			"DELIMITER $$\nCREATE TRIGGER t BEGIN SELECT '//'; END\n$$\nDELIMITER ;"},
	} {
		if got := dialect.TerminateStatement(c.in); got != c.std {
			t.Errorf("TerminateStatement(%q) = %q, want %q", c.in, got, c.std)
		}
		if got := dialect.TerminateDelimited(c.in); got != c.delimited {
			t.Errorf("TerminateDelimited(%q) = %q, want %q", c.in, got, c.delimited)
		}
	}
	if got := dialect.QuoteStringStandard(`it's a\b`); got != `'it''s a\b'` {
		t.Errorf("QuoteStringStandard: %s", got)
	}
	if got := dialect.QuoteStringBackslash(`it's a\b`); got != `'it''s a\\b'` {
		t.Errorf("QuoteStringBackslash: %s", got)
	}
}
