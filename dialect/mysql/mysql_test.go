package mysql_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/internal/testdb"
)

var ctx = context.Background()

func parse(t *testing.T, raw string) *config.URL {
	t.Helper()
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func open(t *testing.T, raw string) *mysql.DB {
	t.Helper()
	db, err := mysql.Open(ctx, parse(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenErrors(t *testing.T) {
	raw := testdb.MySQL(t)
	u := parse(t, raw)

	bad := *u
	bad.User, bad.Password = "nosuchuser", "s3cret-pw"
	_, err := mysql.Open(ctx, &bad)
	if err == nil || !strings.Contains(err.Error(), "Access denied for user 'nosuchuser'@") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("wrong user: %v", err)
	}

	missing := *u
	missing.Database = "rt_no_such_database"
	_, err = mysql.Open(ctx, &missing)
	if want := "cannot open MySQL database rt_no_such_database at " + u.HostPort() + ": Unknown database 'rt_no_such_database'"; err == nil || err.Error() != want {
		t.Errorf("missing database: %v, want %s", err, want)
	}

	refused := *u
	refused.Host, refused.Port = "127.0.0.1", "1"
	_, err = mysql.Open(ctx, &refused)
	if want := "cannot connect to the MySQL server at 127.0.0.1:1: connection refused"; err == nil || err.Error() != want {
		t.Errorf("refused port: %v, want %s", err, want)
	}

	// A blackholed address: the connect timeout, not the kernel's, ends it.
	slow := parse(t, "mysql://root@10.255.255.1:3306/x?timeout=300ms")
	start := time.Now()
	_, err = mysql.Open(ctx, slow)
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("unreachable host: %v after %v", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), "10.255.255.1:3306") {
		t.Errorf("unreachable host: %v", err)
	}
}

func TestLockBetweenConnections(t *testing.T) {
	raw := testdb.MySQL(t)
	a, b := open(t, raw), open(t, raw)
	ca, err := a.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	cb, err := b.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	release, err := a.Lock(ctx, ca, "retort_version", dialect.LockOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := ca.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	var waitedFor string
	_, err = b.Lock(ctx, cb, "retort_version", dialect.LockOptions{Timeout: 300 * time.Millisecond,
		Waiting: func(_, holder string) { waitedFor = holder }})
	var lt *dialect.LockTimeoutError
	if !errors.As(err, &lt) {
		t.Fatalf("second lock: %v", err)
	}
	holder := regexp.MustCompile(fmt.Sprintf(`^connection %d, user root, host 127\.0\.0\.1:\d+$`, id))
	if !holder.MatchString(lt.Holder) || waitedFor != lt.Holder {
		t.Errorf("holder = %q, waiting said %q", lt.Holder, waitedFor)
	}
	if want := a.Database() + ".retort_version on "; !strings.HasPrefix(lt.Target, want) {
		t.Errorf("target = %q", lt.Target)
	}
	// Another version table is another lock.
	rel2, err := b.Lock(ctx, cb, "quark_version", dialect.LockOptions{})
	if err != nil {
		t.Fatalf("other table's lock: %v", err)
	}
	if err := rel2(); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	rel3, err := b.Lock(ctx, cb, "retort_version", dialect.LockOptions{Timeout: time.Second})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	rel3()
}

func TestLockName(t *testing.T) {
	if got := mysql.LockName("app", "retort_version"); got != "app.retort_version" {
		t.Errorf("short = %q", got)
	}
	long := strings.Repeat("d", 60)
	a, b := mysql.LockName(long, "retort_version"), mysql.LockName(long, "quark_version")
	if len(a) != 64 || len(b) != 64 || a == b {
		t.Errorf("long names %q %q", a, b)
	}
}

func TestLiteralRoundTrip(t *testing.T) {
	db := open(t, testdb.MySQL(t))
	for _, s := range []string{"abc", "it's", `back\slash`, `"quoted"`, "new\nline", "ünïcode ☃", "?"} {
		for _, mode := range []string{"", "NO_BACKSLASH_ESCAPES,ANSI_QUOTES"} {
			conn, err := db.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, "SET SESSION sql_mode = ?", mode); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := conn.QueryRowContext(ctx, "SELECT "+db.Literal(s)).Scan(&got); err != nil || got != s {
				t.Errorf("mode %q: %q reads back as %q (%v)", mode, s, got, err)
			}
			conn.Raw(func(any) error { return driver.ErrBadConn }) // sql_mode must not leak to the pool
			conn.Close()
		}
	}
}

func TestErrorMessage(t *testing.T) {
	db := open(t, testdb.MySQL(t))
	_, err := db.SQL().Exec("SELECT * FROM nosuch")
	want := "ERROR 1146 (42S02): Table '" + db.Database() + ".nosuch' doesn't exist"
	if got := (mysql.Dialect{}).ErrorMessage(err); got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}
