package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/script"
)

func parse(t testing.TB, raw string) config.URL {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return *u
}

// fresh opens a new database of the test's own.
func fresh(t testing.TB) (*postgres.DB, config.URL) {
	t.Helper()
	u := parse(t, testdb.Postgres(t))
	return open(t, u), u
}

func open(t testing.TB, u config.URL) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("opening %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t testing.TB, db dialect.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.SQL().ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// tables lists the base tables of schema as information_schema shows them.
func tables(t testing.TB, db dialect.DB, schema string) []string {
	t.Helper()
	return testdb.Strings(t, db.SQL(),
		"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name", schema)
}

// versions reads a version table (qualified name, already quoted) with SQL.
func versions(t testing.TB, db dialect.DB, qualified string) []string {
	t.Helper()
	return testdb.Strings(t, db.SQL(), "SELECT version_num FROM "+qualified+" ORDER BY version_num")
}

func randomName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// project writes revision scripts and loads them as the CLI does.
func project(t *testing.T, files map[string]string) (*graph.Graph, map[string]runtime.Migration) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scripts, err := script.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	revs := make([]*graph.Revision, len(scripts))
	migs := map[string]runtime.Migration{}
	for i, s := range scripts {
		revs[i] = &s.Revision
		migs[s.ID] = s
	}
	g, err := graph.New(revs)
	if err != nil {
		t.Fatal(err)
	}
	return g, migs
}

// rev is a one-revision script.
func rev(id, revises, up, down string, headers ...string) string {
	s := "-- retort:revision " + id + "\n"
	if revises != "" {
		s += "-- retort:revises " + revises + "\n"
	}
	for _, h := range headers {
		s += "-- retort:" + h + "\n"
	}
	return s + "-- retort:message " + id + "\n\n-- retort:upgrade\n" + up + "\n\n-- retort:downgrade\n" + down + "\n"
}

// chain3 is three revisions, each creating a table named after itself.
func chain3(prefix string) map[string]string {
	return map[string]string{
		"1.sql": rev(prefix+"1", "", "CREATE TABLE "+prefix+"1 (id integer PRIMARY KEY);", "DROP TABLE "+prefix+"1;"),
		"2.sql": rev(prefix+"2", prefix+"1", "CREATE TABLE "+prefix+"2 (id integer PRIMARY KEY);", "DROP TABLE "+prefix+"2;"),
		"3.sql": rev(prefix+"3", prefix+"2", "CREATE TABLE "+prefix+"3 (id integer PRIMARY KEY);", "DROP TABLE "+prefix+"3;"),
	}
}

func TestOpenErrors(t *testing.T) {
	u := parse(t, testdb.Postgres(t))
	ctx := context.Background()

	t.Run("missing database", func(t *testing.T) {
		v := u
		v.Database = "rt_no_such_database"
		_, err := postgres.Open(ctx, v)
		if err == nil || err.Error() != `database "rt_no_such_database" does not exist` {
			t.Fatalf("got %v", err)
		}
	})

	// The test server trusts every role on 127.0.0.1, whatever the
	// password, so a role that does not exist is what a trusting server
	// refuses; the password must not show either way.
	t.Run("unknown role", func(t *testing.T) {
		v := u
		v.User, v.Password = "rt_no_such_role", "s3cret-pw"
		_, err := postgres.Open(ctx, v)
		if err == nil || err.Error() != `role "rt_no_such_role" does not exist` {
			t.Fatalf("got %v", err)
		}
	})

	// scripts/test-servers.sh has one role, retort_auth_test, log in with a
	// password on 127.0.0.1; with that rule in pg_hba.conf, a wrong password
	// gets the server's own refusal.
	t.Run("wrong password", func(t *testing.T) {
		db := open(t, u)
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM pg_hba_file_rules WHERE 'retort_auth_test' = ANY(user_name) AND auth_method <> 'trust'").Scan(&n); err != nil || n == 0 {
			t.Skipf("pg_hba.conf has no password rule for retort_auth_test (scripts/test-servers.sh adds it): %v", err)
		}
		exec(t, db, `DO $$ BEGIN CREATE ROLE retort_auth_test LOGIN PASSWORD 'right-pw'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`)
		v := u
		v.User, v.Password = "retort_auth_test", "wrong-pw"
		v.Host = "127.0.0.1"
		_, err := postgres.Open(ctx, v)
		if err == nil || err.Error() != `password authentication failed for user "retort_auth_test"` {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		v := u
		v.Password = "s3cret-pw"
		v.Host, v.Port, _ = net.SplitHostPort(addr)
		_, err = postgres.Open(ctx, v)
		if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("got %v", err)
		}
	})

	// A server that accepts and never answers: the connect must end at
	// connect_timeout and say where it was going.
	t.Run("timeout", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var held []net.Conn
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				held = append(held, c)
			}
		}()
		defer func() {
			l.Close()
			<-done
			for _, c := range held {
				c.Close()
			}
		}()
		v := u
		v.Host, v.Port, _ = net.SplitHostPort(l.Addr().String())
		v.Query = map[string][]string{"connect_timeout": {"1"}}
		start := time.Now()
		_, err = postgres.Open(ctx, v)
		took := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), l.Addr().String()) || !strings.Contains(err.Error(), "timed out") {
			t.Fatalf("got %v", err)
		}
		if took > 5*time.Second {
			t.Fatalf("took %s with connect_timeout=1", took)
		}
	})
}

func TestDescribeHidesPassword(t *testing.T) {
	u := parse(t, testdb.Postgres(t))
	u.Password = "s3cret-pw" // trusted on 127.0.0.1: accepted, and ignored
	db := open(t, u)
	if d := db.Describe(); strings.Contains(d, "s3cret") || !strings.Contains(d, "***") {
		t.Fatalf("Describe() = %q", d)
	}
	var app string
	if err := db.SQL().QueryRowContext(context.Background(), "SHOW application_name").Scan(&app); err != nil || app != "retort" {
		t.Fatalf("application_name = %q, %v", app, err)
	}
}

func TestLockBetweenConnections(t *testing.T) {
	db1, u := fresh(t)
	db2 := open(t, u)
	ctx := context.Background()
	c1, err := db1.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db2.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	var pid int
	if err := c1.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}

	release, err := db1.Lock(ctx, c1, "retort_version", dialect.LockOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var waitingHolder string
	_, err = db2.Lock(ctx, c2, "retort_version", dialect.LockOptions{
		Timeout: 300 * time.Millisecond,
		Waiting: func(_, holder string) { waitingHolder = holder },
	})
	var lte *dialect.LockTimeoutError
	if !errors.As(err, &lte) {
		t.Fatalf("second lock: got %v, want a LockTimeoutError", err)
	}
	want := "pid " + strconv.Itoa(pid) + ", user postgres, host 127.0.0.1, application retort"
	if lte.Holder != want || waitingHolder != want || !strings.Contains(err.Error(), want) {
		t.Fatalf("holder %q, waiting said %q, error %q; want %q", lte.Holder, waitingHolder, err, want)
	}
	if !strings.Contains(err.Error(), "public.retort_version") {
		t.Fatalf("error does not name the lock: %v", err)
	}

	// Another version table (another component) is another lock.
	other, err := db2.Lock(ctx, c2, "plugin_version", dialect.LockOptions{})
	if err != nil {
		t.Fatalf("another version table's lock: %v", err)
	}
	if err := other(); err != nil {
		t.Fatal(err)
	}
	// The schema is part of the key: "public.retort_version" is the same
	// lock as the unqualified name, "app.retort_version" is not.
	if _, err := db2.Lock(ctx, c2, "public.retort_version", dialect.LockOptions{}); !errors.As(err, &lte) {
		t.Fatalf("public.retort_version while retort_version is held: %v", err)
	}
	rel, err := db2.Lock(ctx, c2, "app.retort_version", dialect.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = rel()

	// Released, the lock is free for the waiter; a cancelled wait returns
	// the context's error at once.
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatalf("second release: %v", err)
	}
	r2, err := db2.Lock(ctx, c2, "retort_version", dialect.LockOptions{Timeout: time.Second})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer r2()
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := db1.Lock(cctx, c1, "retort_version", dialect.LockOptions{Timeout: time.Minute}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("cancelled wait did not end")
	}
}

// migrator is runtime.New on db with the test's defaults.
func migrator(db dialect.DB, g *graph.Graph, migs map[string]runtime.Migration, opts runtime.Options) *runtime.Migrator {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 5 * time.Second
	}
	return runtime.New(db, g, migs, opts)
}

func TestRuntimeUpgradeDowngradeStampVerify(t *testing.T) {
	db, _ := fresh(t)
	ctx := context.Background()
	g, migs := project(t, chain3("t"))
	for _, mode := range []runtime.Mode{runtime.PerMigration, runtime.All, runtime.None} {
		m := migrator(db, g, migs, runtime.Options{TransactionMode: mode})
		if err := m.Upgrade(ctx, "head"); err != nil {
			t.Fatalf("%s: upgrade: %v", mode, err)
		}
		if got, want := tables(t, db, "public"), []string{"retort_version", "retort_version_log", "t1", "t2", "t3"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: tables %v, want %v", mode, got, want)
		}
		if got := versions(t, db, `"retort_version"`); !reflect.DeepEqual(got, []string{"t3"}) {
			t.Fatalf("%s: version rows %v", mode, got)
		}
		if err := m.Downgrade(ctx, "t1"); err != nil {
			t.Fatalf("%s: downgrade: %v", mode, err)
		}
		if got := versions(t, db, `"retort_version"`); !reflect.DeepEqual(got, []string{"t1"}) {
			t.Fatalf("%s: version rows %v", mode, got)
		}
		if err := m.Downgrade(ctx, "base"); err != nil {
			t.Fatalf("%s: downgrade: %v", mode, err)
		}
		if got := tables(t, db, "public"); !reflect.DeepEqual(got, []string{"retort_version", "retort_version_log"}) {
			t.Fatalf("%s: tables %v", mode, got)
		}
		if heads, err := m.Heads(ctx); err != nil || len(heads) != 0 {
			t.Fatalf("%s: heads %v, %v", mode, heads, err)
		}
	}

	m := migrator(db, g, migs, runtime.Options{})
	if err := m.Stamp(ctx, []string{"t2"}, false); err != nil {
		t.Fatal(err)
	}
	if heads, err := m.Heads(ctx); err != nil || !reflect.DeepEqual(heads, []string{"t2"}) {
		t.Fatalf("after stamp: %v, %v", heads, err)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Fatalf("verify: %v, %v", mm, err)
	}
	// The version table is Alembic's.
	var typ string
	var maxLen int
	if err := db.SQL().QueryRowContext(ctx, `SELECT data_type, character_maximum_length FROM information_schema.columns
		WHERE table_name = 'retort_version' AND column_name = 'version_num' AND is_nullable = 'NO'`).Scan(&typ, &maxLen); err != nil || typ != "character varying" || maxLen != 255 {
		t.Fatalf("version_num: %s(%d), %v", typ, maxLen, err)
	}
	var pk string
	if err := db.SQL().QueryRowContext(ctx, `SELECT constraint_name FROM information_schema.table_constraints
		WHERE table_name = 'retort_version' AND constraint_type = 'PRIMARY KEY'`).Scan(&pk); err != nil || pk != "retort_version_pkc" {
		t.Fatalf("primary key %q, %v", pk, err)
	}
	log, err := m.Log(ctx, 0)
	if err != nil || len(log) == 0 {
		t.Fatalf("log: %v, %v", log, err)
	}
	if e := log[0]; e.Direction != "stamp" || e.Revision != "t2" || e.Status != "done" || len(e.StartedAt) != len("2006-01-02 15:04:05.000000") {
		t.Fatalf("last log row %+v", e)
	}
}

// Transactional DDL: a migration whose second statement fails leaves
// neither its first table nor a version change; the log says why in the
// server's words.
func TestFailedMigrationRollsBack(t *testing.T) {
	db, _ := fresh(t)
	ctx := context.Background()
	files := chain3("t")
	files["3.sql"] = rev("t3", "t2", "CREATE TABLE t3 (id integer PRIMARY KEY);\nINSERT INTO nosuch VALUES (1);", "DROP TABLE t3;")
	g, migs := project(t, files)
	// Who, with a quote and a backslash, travels inline in the batch that
	// records a step: it must arrive as written.
	who := `o'brien\x@example`
	m := migrator(db, g, migs, runtime.Options{Who: who})
	err := m.Upgrade(ctx, "head")
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Revision != "t3" || se.Index != 2 {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `relation "nosuch" does not exist`) || !strings.Contains(err.Error(), "3.sql") {
		t.Fatalf("error %q lacks the server's message or the file", err)
	}
	if got := tables(t, db, "public"); !reflect.DeepEqual(got, []string{"retort_version", "retort_version_log", "t1", "t2"}) {
		t.Fatalf("tables %v", got)
	}
	if got := versions(t, db, `"retort_version"`); !reflect.DeepEqual(got, []string{"t2"}) {
		t.Fatalf("version rows %v", got)
	}
	var appliedBy string
	if err := db.SQL().QueryRowContext(ctx, `SELECT applied_by FROM retort_version_log WHERE revision = 't2'`).Scan(&appliedBy); err != nil || appliedBy != who {
		t.Fatalf("applied_by %q, %v; want %q", appliedBy, err, who)
	}
	var status, errText string
	if err := db.SQL().QueryRowContext(ctx, `SELECT status, error FROM retort_version_log ORDER BY id DESC LIMIT 1`).Scan(&status, &errText); err != nil {
		t.Fatal(err)
	}
	if status != "rolled-back" || !strings.Contains(errText, `relation "nosuch" does not exist`) {
		t.Fatalf("log row %s: %s", status, errText)
	}
}

// CREATE INDEX CONCURRENTLY cannot run in a transaction block: the
// no-transaction header runs it outside one.
func TestNoTransactionConcurrently(t *testing.T) {
	db, _ := fresh(t)
	ctx := context.Background()
	g, migs := project(t, map[string]string{
		"1.sql": rev("a1", "", "CREATE TABLE items (id integer PRIMARY KEY, name text);", "DROP TABLE items;"),
		"2.sql": rev("a2", "a1", "CREATE INDEX CONCURRENTLY items_name ON items (name);", "DROP INDEX CONCURRENTLY items_name;", "no-transaction"),
		"3.sql": rev("a3", "a2", "CREATE TABLE more (id integer);", "DROP TABLE more;"),
	})
	for _, mode := range []runtime.Mode{runtime.PerMigration, runtime.All} {
		m := migrator(db, g, migs, runtime.Options{TransactionMode: mode})
		if err := m.Upgrade(ctx, "head"); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_name'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%s: index count %d, %v", mode, n, err)
		}
		if got := versions(t, db, `"retort_version"`); !reflect.DeepEqual(got, []string{"a3"}) {
			t.Fatalf("%s: version rows %v", mode, got)
		}
		if err := m.Downgrade(ctx, "base"); err != nil {
			t.Fatalf("%s: downgrade: %v", mode, err)
		}
	}
	// Without the header the server refuses, in its own words.
	g, migs = project(t, map[string]string{
		"1.sql": rev("a1", "", "CREATE TABLE items (id integer PRIMARY KEY, name text);", "DROP TABLE items;"),
		"2.sql": rev("a2", "a1", "CREATE INDEX CONCURRENTLY items_name ON items (name);", "DROP INDEX items_name;"),
	})
	err := migrator(db, g, migs, runtime.Options{}).Upgrade(ctx, "head")
	if err == nil || !strings.Contains(err.Error(), "CREATE INDEX CONCURRENTLY cannot run inside a transaction block") {
		t.Fatalf("got %v", err)
	}
}

// version_table_schema puts the version table and its log in that schema;
// two components with version tables of their own share one database
// without seeing each other's revisions.
func TestVersionTableSchemaAndTwoComponents(t *testing.T) {
	db, _ := fresh(t)
	ctx := context.Background()
	exec(t, db, "CREATE SCHEMA meta")
	g1, migs1 := project(t, chain3("n"))
	g2, migs2 := project(t, chain3("q"))
	neutron := migrator(db, g1, migs1, runtime.Options{VersionTableSchema: "meta", VersionTable: "neutron_version"})
	quark := migrator(db, g2, migs2, runtime.Options{VersionTableSchema: "meta", VersionTable: "quark_version"})
	if err := neutron.Upgrade(ctx, "n2"); err != nil {
		t.Fatal(err)
	}
	if err := quark.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if err := neutron.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if got, want := tables(t, db, "meta"), []string{"neutron_version", "neutron_version_log", "quark_version", "quark_version_log"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("meta tables %v, want %v", got, want)
	}
	if got, want := tables(t, db, "public"), []string{"n1", "n2", "n3", "q1", "q2", "q3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("public tables %v, want %v", got, want)
	}
	if got := versions(t, db, `meta.neutron_version`); !reflect.DeepEqual(got, []string{"n3"}) {
		t.Fatalf("neutron rows %v", got)
	}
	if got := versions(t, db, `meta.quark_version`); !reflect.DeepEqual(got, []string{"q3"}) {
		t.Fatalf("quark rows %v", got)
	}
	if err := quark.Downgrade(ctx, "base"); err != nil {
		t.Fatal(err)
	}
	if h, err := neutron.Heads(ctx); err != nil || !reflect.DeepEqual(h, []string{"n3"}) {
		t.Fatalf("neutron heads after quark's downgrade: %v, %v", h, err)
	}
	if h, err := quark.Heads(ctx); err != nil || len(h) != 0 {
		t.Fatalf("quark heads %v, %v", h, err)
	}

	// A version table in one schema does not count for another.
	other := migrator(db, g1, migs1, runtime.Options{VersionTable: "neutron_version"})
	if h, err := other.Heads(ctx); err != nil || len(h) != 0 {
		t.Fatalf("neutron_version in the current schema: %v, %v", h, err)
	}
}

// The URL's search_path (libpq's options=-csearch_path=..., or a plain
// search_path parameter, which pgx sends as a run-time parameter) decides
// where migrations and, with no version_table_schema, the version table go.
func TestSearchPathFromURL(t *testing.T) {
	admin, u := fresh(t)
	ctx := context.Background()
	exec(t, admin, "CREATE SCHEMA app")
	exec(t, admin, "CREATE SCHEMA app2")
	for schema, query := range map[string]map[string][]string{
		"app":  {"options": {"-csearch_path=app"}},
		"app2": {"search_path": {"app2,public"}},
	} {
		v := u
		v.Query = query
		// Round trip through the URL text, as a user writes it.
		v = parse(t, v.Reveal())
		db := open(t, v)
		g, migs := project(t, chain3("s"))
		if err := migrator(db, g, migs, runtime.Options{}).Upgrade(ctx, "head"); err != nil {
			t.Fatalf("%s: %v", schema, err)
		}
		if got, want := tables(t, admin, schema), []string{"retort_version", "retort_version_log", "s1", "s2", "s3"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: tables %v, want %v", schema, got, want)
		}
		if got := versions(t, admin, schema+".retort_version"); !reflect.DeepEqual(got, []string{"s3"}) {
			t.Fatalf("%s: version rows %v", schema, got)
		}
	}
	if got := tables(t, admin, "public"); len(got) != 0 {
		t.Fatalf("public tables %v", got)
	}
}

// A role that may not create in schema public: the failure carries the
// server's words.
func TestNoPrivilegeForDDL(t *testing.T) {
	admin, u := fresh(t)
	ctx := context.Background()
	role := randomName("rt_noddl_")
	exec(t, admin, "CREATE ROLE "+role+" LOGIN")
	t.Cleanup(func() {
		// The role's objects live in the test database only.
		_, _ = admin.SQL().ExecContext(ctx, "DROP OWNED BY "+role)
		_, _ = admin.SQL().ExecContext(ctx, "DROP ROLE "+role)
	})
	exec(t, admin, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
	// Its version tables live in a schema of its own; only the migration
	// is refused.
	exec(t, admin, "CREATE SCHEMA meta AUTHORIZATION "+role)

	v := u
	v.User = role
	db, err := postgres.Open(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g, migs := project(t, chain3("p"))
	err = migrator(db, g, migs, runtime.Options{VersionTableSchema: "meta"}).Upgrade(ctx, "head")
	var se *runtime.StepError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "permission denied for schema public") {
		t.Fatalf("got %v", err)
	}
	if got := versions(t, admin, "meta.retort_version"); len(got) != 0 {
		t.Fatalf("version rows %v", got)
	}
	// With nowhere to put even the version table, that is what fails.
	err = migrator(db, g, migs, runtime.Options{}).Upgrade(ctx, "head")
	if err == nil || !strings.Contains(err.Error(), "permission denied for schema public") {
		t.Fatalf("got %v", err)
	}
}

// A run that finds the lock held waits, names the holder, and gives up.
func TestRuntimeLockTimeout(t *testing.T) {
	db, u := fresh(t)
	ctx := context.Background()
	c, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	release, err := db.Lock(ctx, c, "retort_version", dialect.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	g, migs := project(t, chain3("t"))
	var waited atomic.Bool
	m := migrator(open(t, u), g, migs, runtime.Options{LockTimeout: 200 * time.Millisecond, OnEvent: func(e runtime.Event) {
		if e.Kind == runtime.EventLockWait && strings.Contains(e.LockHolder, "application retort") {
			waited.Store(true)
		}
	}})
	err = m.Upgrade(ctx, "head")
	var lte *dialect.LockTimeoutError
	if !errors.As(err, &lte) || !strings.Contains(err.Error(), "user postgres, host 127.0.0.1, application retort") {
		t.Fatalf("got %v", err)
	}
	if !waited.Load() {
		t.Fatal("no lock-wait event naming the holder")
	}
	// Another component's version table is not blocked.
	m2 := migrator(open(t, u), g, migs, runtime.Options{VersionTable: "other_version", LockTimeout: -1})
	if err := m2.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	got := tables(t, db, "public")
	sort.Strings(got)
	if !reflect.DeepEqual(got, []string{"other_version", "other_version_log", "t1", "t2", "t3"}) {
		t.Fatalf("tables %v", got)
	}
}

func TestErrorMessage(t *testing.T) {
	db, _ := fresh(t)
	_, err := db.SQL().ExecContext(context.Background(), "CREATE TABLE x (id integer); CREATE TABLE x (id integer)")
	d := postgres.Dialect{}
	if got, want := d.ErrorMessage(err), `relation "x" already exists (SQLSTATE 42P07)`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	_, err = db.SQL().ExecContext(context.Background(), "SELECT 1/0")
	if got, want := d.ErrorMessage(err), `division by zero (SQLSTATE 22012)`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The first statement travels with BEGIN: its failure is still its own,
// and rolls back.
func TestFirstStatementFails(t *testing.T) {
	db, _ := fresh(t)
	ctx := context.Background()
	files := chain3("t")
	files["2.sql"] = rev("t2", "t1", "CREATE TABLE t1 (id integer);\nCREATE TABLE t2x (id integer);", "DROP TABLE t2x;")
	g, migs := project(t, files)
	err := migrator(db, g, migs, runtime.Options{}).Upgrade(ctx, "head")
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Revision != "t2" || se.Index != 1 || !strings.Contains(err.Error(), `relation "t1" already exists`) {
		t.Fatalf("got %v", err)
	}
	if got := tables(t, db, "public"); !reflect.DeepEqual(got, []string{"retort_version", "retort_version_log", "t1"}) {
		t.Fatalf("tables %v", got)
	}
	if got := versions(t, db, `"retort_version"`); !reflect.DeepEqual(got, []string{"t1"}) {
		t.Fatalf("version rows %v", got)
	}
}
