package retort_test

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

//go:embed testdata/mixed/versions/*.sql
var mixedScripts embed.FS

const mixedDir = "testdata/mixed/versions"

var ctx = context.Background()

// mixedGo are the Go migrations of the mixed project: 002 revises the SQL
// script 001, and the SQL script 003 revises 002; 004 revises 003.
func mixedGo() []*retort.Migration {
	return []*retort.Migration{
		{
			Revision: "002",
			Revises:  "001",
			Message:  "add email to accounts",
			Upgrade: func(ctx context.Context, op *op.Operations) error {
				return op.AddColumn(ctx, "accounts", schema.NewColumn("email", schema.String(255)))
			},
			Downgrade: func(ctx context.Context, op *op.Operations) error {
				return op.DropColumn(ctx, "accounts", "email")
			},
		},
		{
			Revision: "004",
			Revises:  "003",
			Message:  "create sessions",
			Upgrade: func(ctx context.Context, op *op.Operations) error {
				// A data migration reads through the step's connection.
				var n int
				if err := op.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil {
					return err
				}
				if err := op.CreateTable(ctx, schema.NewTable("sessions",
					schema.Col("id", schema.Integer(), schema.PrimaryKey()),
					schema.Col("account_id", schema.Integer(), schema.NotNull(), schema.Indexed()),
				)); err != nil {
					return err
				}
				rows := make([][]any, n)
				for i := range rows {
					rows[i] = []any{i + 1, i + 1}
				}
				return op.BulkInsert(ctx, "sessions", []string{"id", "account_id"}, rows)
			},
			Downgrade: func(ctx context.Context, op *op.Operations) error {
				return op.DropTable(ctx, "sessions")
			},
		},
	}
}

var servers = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", testdb.SQLite},
	{"postgresql", testdb.Postgres},
	{"mysql", testdb.MySQL},
}

// tables lists the user tables, not retort's.
func tables(t testing.TB, r *retort.Retort) []string {
	t.Helper()
	var q string
	switch r.DB().Dialect().Name() {
	case "sqlite":
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'retort_version%' ORDER BY name"
	case "postgresql":
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE 'retort_version%' ORDER BY table_name"
	default:
		q = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'retort_version%' ORDER BY TABLE_NAME"
	}
	return testdb.Strings(t, r.DB().SQL(), q)
}

func ids(revs []*retort.Revision) []string {
	out := make([]string, len(revs))
	for i, r := range revs {
		out[i] = r.ID
	}
	return out
}

func open(t *testing.T, opts ...retort.Option) *retort.Retort {
	t.Helper()
	r, err := retort.Open(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// SQL scripts from an embed.FS and Go migrations in one graph, each
// revising the other, upgraded and downgraded on every dialect, with the
// progress observed as log lines and as events.
func TestMixedScriptsAndGoMigrations(t *testing.T) {
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			var logs bytes.Buffer
			var events []retort.Event
			r := open(t,
				retort.WithURL(sv.url(t)),
				retort.WithScripts(mixedScripts, mixedDir),
				retort.WithMigrations(mixedGo()...),
				retort.WithLogger(slog.New(retort.NewLogHandler(&logs, nil))),
				retort.WithEvents(func(e retort.Event) { events = append(events, e) }),
			)
			if err := r.Upgrade(ctx, "head"); err != nil {
				t.Fatal(err)
			}
			if got := tables(t, r); !reflect.DeepEqual(got, []string{"accounts", "audit", "sessions"}) {
				t.Errorf("tables = %v", got)
			}
			transactional := "transactional"
			if sv.name == "mysql" {
				transactional = "non-transactional"
			}
			want := fmt.Sprintf(`INFO  [retort.runtime] Context impl %s.
INFO  [retort.runtime] Will assume %s DDL.
INFO  [retort.runtime] Running upgrade  -> 001, create accounts
INFO  [retort.runtime] Running upgrade 001 -> 002, add email to accounts
INFO  [retort.runtime] Running upgrade 002 -> 003, create audit
INFO  [retort.runtime] Running upgrade 003 -> 004, create sessions
`, r.DB().Dialect().ImplName(), transactional)
			if logs.String() != want {
				t.Errorf("log:\n%s\nwant:\n%s", logs.String(), want)
			}
			var seen []string
			for _, e := range events {
				seen = append(seen, fmt.Sprintf("%s %s %d/%d", e.Kind, e.Revision, e.Index, e.Total))
			}
			wantEvents := []string{
				"step-start 001 1/4", "step-done 001 1/4", "step-start 002 2/4", "step-done 002 2/4",
				"step-start 003 3/4", "step-done 003 3/4", "step-start 004 4/4", "step-done 004 4/4",
			}
			if !reflect.DeepEqual(seen, wantEvents) {
				t.Errorf("events = %q", seen)
			}
			if e := events[1]; e.Statements != 2 {
				t.Errorf("001's done event counts %d statements, want 2", e.Statements)
			}
			if e := events[7]; e.Statements < 2 { // create table, its index, the insert
				t.Errorf("004's done event counts %d statements", e.Statements)
			}
			var n int
			if err := r.DB().SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil || n != 1 {
				t.Errorf("sessions rows = %d, %v: the data migration read accounts", n, err)
			}

			cur, err := r.Current(ctx)
			if err != nil || !reflect.DeepEqual(ids(cur), []string{"004"}) || !cur[0].Head || !cur[0].Go || !cur[0].Current {
				t.Fatalf("Current = %+v, %v", cur, err)
			}
			hist, err := r.History(ctx, "")
			if err != nil || !reflect.DeepEqual(ids(hist), []string{"004", "003", "002", "001"}) {
				t.Errorf("History = %v, %v", ids(hist), err)
			}
			if hist[1].Go || hist[1].Path != filepath.Join(mixedDir, "003_create_audit.sql") && hist[1].Path != mixedDir+"/003_create_audit.sql" {
				t.Errorf("003 = %+v", hist[1])
			}
			if !hist[2].Go || !strings.HasPrefix(hist[2].Path, "retort_test.go:") {
				t.Errorf("002 = %+v: its path is the Go file and line of its Upgrade", hist[2])
			}
			if mm, err := r.Verify(ctx); err != nil || len(mm) != 0 {
				t.Errorf("Verify = %v, %v", mm, err)
			}

			events = nil
			if err := r.Downgrade(ctx, "001"); err != nil {
				t.Fatal(err)
			}
			if got := tables(t, r); !reflect.DeepEqual(got, []string{"accounts"}) {
				t.Errorf("tables after downgrade 001 = %v", got)
			}
			if len(events) != 6 || events[5].Revision != "002" || events[5].Direction != "downgrade" {
				t.Errorf("downgrade events = %+v", events)
			}
			cols := testdb.Strings(t, r.DB().SQL(), columnsQuery(sv.name))
			if !reflect.DeepEqual(cols, []string{"id", "name"}) {
				t.Errorf("accounts columns after 002's downgrade = %v", cols)
			}
			if err := r.Downgrade(ctx, "base"); err != nil {
				t.Fatal(err)
			}
			if cur, err := r.Current(ctx); err != nil || len(cur) != 0 {
				t.Errorf("Current at base = %v, %v", ids(cur), err)
			}
		})
	}
}

func columnsQuery(dialect string) string {
	switch dialect {
	case "sqlite":
		return "SELECT name FROM pragma_table_info('accounts') ORDER BY cid"
	case "postgresql":
		return "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'accounts' ORDER BY ordinal_position"
	}
	return "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' ORDER BY ORDINAL_POSITION"
}

// The typed errors, found with errors.As.
func TestTypedErrors(t *testing.T) {
	branch := &retort.Migration{Revision: "abcd01", Revises: "001", Message: "branch one",
		Upgrade: func(ctx context.Context, op *op.Operations) error {
			return op.Execute(ctx, "CREATE TABLE b1 (id INTEGER)")
		}}
	branch2 := &retort.Migration{Revision: "abcd02", Revises: "001", Message: "branch two",
		Upgrade: func(ctx context.Context, op *op.Operations) error {
			return op.Execute(ctx, "CREATE TABLE b2 (id INTEGER)")
		}}
	r := open(t, retort.WithURL(testdb.SQLite(t)), retort.WithScripts(mixedScripts, mixedDir),
		retort.WithMigrations(append(mixedGo(), branch, branch2)...))

	var mh *retort.MultipleHeadsError
	if err := r.Upgrade(ctx, "head"); !errors.As(err, &mh) {
		t.Errorf("upgrade head with three heads: %v, want *MultipleHeadsError", err)
	}
	var ur *retort.UnknownRevisionError
	if err := r.Upgrade(ctx, "ffff99"); !errors.As(err, &ur) || ur.Ref != "ffff99" {
		t.Errorf("unknown: %v", err)
	}
	var am *retort.AmbiguousRevisionError
	if err := r.Upgrade(ctx, "abcd"); !errors.As(err, &am) || !reflect.DeepEqual(am.Matches, []string{"abcd01", "abcd02"}) {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := r.Show(ctx, "abcd"); !errors.As(err, &am) {
		t.Errorf("Show ambiguous: %v", err)
	}
	heads, err := r.Heads(ctx)
	if err != nil || len(heads) != 3 {
		t.Errorf("Heads = %v, %v", ids(heads), err)
	}
	br, err := r.Branches(ctx)
	if err != nil || !reflect.DeepEqual(ids(br), []string{"001"}) || !br[0].BranchPoint {
		t.Errorf("Branches = %v, %v", ids(br), err)
	}
}

// A failing step after others: *PartialError says what was applied and
// wraps the *StepError; the database keeps the applied steps only.
func TestPartialError(t *testing.T) {
	for _, sv := range servers[:2] { // the transactional dialects
		t.Run(sv.name, func(t *testing.T) {
			failing := mixedGo()
			failing[1].Upgrade = func(ctx context.Context, op *op.Operations) error {
				if err := op.Execute(ctx, "CREATE TABLE half (id INTEGER)"); err != nil {
					return err
				}
				return errors.New("refusing to create sessions")
			}
			r := open(t, retort.WithURL(sv.url(t)), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(failing...))
			err := r.Upgrade(ctx, "head")
			var pe *retort.PartialError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T %v", err, err)
			}
			var applied []string
			for _, a := range pe.Applied {
				applied = append(applied, a.Direction+" "+a.Revision)
			}
			if !reflect.DeepEqual(applied, []string{"upgrade 001", "upgrade 002", "upgrade 003"}) {
				t.Errorf("Applied = %v", applied)
			}
			var se *retort.StepError
			if !errors.As(err, &se) || se != pe.Failed || se.Revision != "004" || !se.Go {
				t.Errorf("StepError = %+v", se)
			}
			if !strings.HasPrefix(err.Error(), "retort_test.go:") ||
				!strings.HasSuffix(err.Error(), ": revision 004 (Go migration), upgrade: refusing to create sessions (applied before it: upgrade 001, upgrade 002, upgrade 003)") {
				t.Errorf("message = %q", err)
			}
			if got := tables(t, r); !reflect.DeepEqual(got, []string{"accounts", "audit"}) {
				t.Errorf("tables = %v", got)
			}
			if cur, _ := r.Current(ctx); !reflect.DeepEqual(ids(cur), []string{"003"}) {
				t.Errorf("Current = %v", ids(cur))
			}
			// Nothing applied before the failure: still a PartialError,
			// with no steps.
			err = r.Upgrade(ctx, "head")
			if !errors.As(err, &pe) || len(pe.Applied) != 0 || strings.Contains(err.Error(), "applied before") {
				t.Errorf("second failure: %v", err)
			}
		})
	}
}

// A panicking Go migration through the facade.
func TestPanicThroughFacade(t *testing.T) {
	ms := mixedGo()
	ms[0].Upgrade = func(context.Context, *op.Operations) error { panic("no email today") }
	r := open(t, retort.WithURL(testdb.SQLite(t)), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(ms...))
	err := r.Upgrade(ctx, "head")
	var pan *retort.PanicError
	if !errors.As(err, &pan) || pan.Value != "no email today" {
		t.Fatalf("err = %v", err)
	}
	if cur, _ := r.Current(ctx); !reflect.DeepEqual(ids(cur), []string{"001"}) {
		t.Errorf("Current = %v", ids(cur))
	}
}

// A Go migration without Downgrade: downgrading through it fails before
// any step, naming the revision.
func TestMissingDowngrade(t *testing.T) {
	ms := mixedGo()
	ms[1].Downgrade = nil
	r := open(t, retort.WithURL(testdb.SQLite(t)), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(ms...))
	if err := r.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	err := r.Downgrade(ctx, "base")
	if err == nil || !strings.HasSuffix(err.Error(), ": revision 004 is a Go migration without a Downgrade func: it cannot be downgraded") {
		t.Errorf("err = %v", err)
	}
	if cur, _ := r.Current(ctx); !reflect.DeepEqual(ids(cur), []string{"004"}) {
		t.Errorf("Current = %v: nothing may have run", ids(cur))
	}
}

// Errors in assembling the project come from Open.
func TestOpenErrors(t *testing.T) {
	dup := &retort.Migration{Revision: "003", Revises: "002", Upgrade: func(context.Context, *op.Operations) error { return nil }}
	_, err := retort.Open(ctx, retort.WithURL(testdb.SQLite(t)), retort.WithScripts(mixedScripts, mixedDir),
		retort.WithMigrations(append(mixedGo(), dup)...))
	var de *retort.DuplicateRevisionError
	if !errors.As(err, &de) || de.ID != "003" {
		t.Fatalf("duplicate: %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "revision 003 is defined twice: retort_test.go:") || !strings.HasSuffix(msg, " and testdata/mixed/versions/003_create_audit.sql") {
		t.Errorf("duplicate message = %q", err)
	}

	for _, tc := range []struct {
		opts []retort.Option
		want string
	}{
		{[]retort.Option{retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(mixedGo()...)}, "retort.Open: no database connection: give WithURL, WithOsloConfig, or WithConfigFile with [database] connection"},
		{[]retort.Option{retort.WithURL("sqlite://")}, "retort.Open: no migrations: give WithScripts, WithScriptDir, WithMigrations, or WithConfigFile with a script_location"},
		{[]retort.Option{retort.WithTransactionMode("sometimes")}, `WithTransactionMode: unknown transaction mode "sometimes" (expected per-migration, all or none)`},
		{[]retort.Option{retort.WithURL("oracle://x")}, "retort.Open: no migrations"},
		{[]retort.Option{retort.WithURL("oracle://x"), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(mixedGo()...)}, "database connection from WithURL: "},
		{[]retort.Option{retort.WithURL("postgresql://u:s3cret@127.0.0.1:1/db"), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(mixedGo()...)}, "connecting to postgresql://u:***@127.0.0.1:1/db: "},
		{[]retort.Option{retort.WithMigrations(&retort.Migration{Revision: "x1"})}, "Go migration x1: Go migration x1 has no Upgrade func"},
		{[]retort.Option{retort.WithMigrations(&retort.Migration{Revises: "x", Upgrade: mixedGo()[0].Upgrade})}, ": a Go migration has no Revision"},
	} {
		_, err := retort.Open(ctx, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open: %v\nwant %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("password in %q", err)
		}
	}
}

// WithConfigFile reads a retort.ini (scripts, version table, connection);
// WithOsloConfig takes the connection from a neutron.conf; options win
// over both.
func TestConfigFiles(t *testing.T) {
	dir := t.TempDir()
	versions := filepath.Join(dir, "migrations", "versions")
	if err := os.MkdirAll(versions, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"001_create_accounts.sql", "003_create_audit.sql"} {
		data, err := mixedScripts.ReadFile(mixedDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(versions, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	iniDB, osloDB := filepath.Join(dir, "ini.db"), filepath.Join(dir, "oslo.db")
	ini := filepath.Join(dir, "retort.ini")
	writeFile(t, ini, "[retort]\nversion_table = component_version\n\n[database]\nconnection = sqlite:///%(here)s/ini.db\n")
	oslo := filepath.Join(dir, "neutron.conf")
	writeFile(t, oslo, "[DEFAULT]\ndebug = False\n\n[database]\nconnection = sqlite:///"+osloDB+"\n")

	r := open(t, retort.WithConfigFile(ini), retort.WithMigrations(mixedGo()...))
	if err := r.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if rows := testdb.Strings(t, r.DB().SQL(), "SELECT version_num FROM component_version"); !reflect.DeepEqual(rows, []string{"004"}) {
		t.Errorf("version rows = %v", rows)
	}
	if _, err := os.Stat(iniDB); err != nil {
		t.Errorf("the ini's database: %v", err)
	}
	r2 := open(t, retort.WithConfigFile(ini), retort.WithOsloConfig(oslo), retort.WithMigrations(mixedGo()...),
		retort.WithVersionTable("alembic_version"))
	if err := r2.Upgrade(ctx, "002"); err != nil {
		t.Fatal(err)
	}
	if r2.URL() != "sqlite:///"+osloDB {
		t.Errorf("URL = %s, want the neutron.conf's", r2.URL())
	}
	if rows := testdb.Strings(t, r2.DB().SQL(), "SELECT version_num FROM alembic_version"); !reflect.DeepEqual(rows, []string{"002"}) {
		t.Errorf("version rows = %v", rows)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
