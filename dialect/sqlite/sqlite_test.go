package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect"
)

var ctx = context.Background()

func TestOpenChecks(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"short.db", "SQLite", " is not a SQLite database"},
		{"text.db", "hello, this is a text file, long enough", " is not a SQLite database"},
	} {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, []byte(tc.content), 0o644)
		if _, err := Open(ctx, p); err == nil || err.Error() != p+tc.want {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A file with the header but damaged after it: SQLite's own words.
	damaged := filepath.Join(dir, "damaged.db")
	os.WriteFile(damaged, append([]byte("SQLite format 3\x00"), make([]byte, 200)...), 0o644)
	if db, err := Open(ctx, damaged); err == nil {
		db.Close()
		t.Errorf("damaged file opened")
	} else if !strings.Contains(err.Error(), damaged) {
		t.Errorf("damaged: %v", err)
	}
	// An empty file is a new database.
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	db, err := Open(ctx, empty)
	if err != nil {
		t.Fatalf("empty: %v", err)
	}
	db.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Errorf("directory opened as a database")
	}
}

func TestErrorMessage(t *testing.T) {
	db, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.SQL().Exec("SELECT * FROM nosuch")
	if got := (Dialect{}).ErrorMessage(err); got != "no such table: nosuch" {
		t.Errorf("ErrorMessage = %q (from %q)", got, err)
	}
	db.SQL().Exec("CREATE TABLE u (x INTEGER UNIQUE)")
	db.SQL().Exec("INSERT INTO u VALUES (1)")
	_, err = db.SQL().Exec("INSERT INTO u VALUES (1)")
	if got := (Dialect{}).ErrorMessage(err); got != "UNIQUE constraint failed: u.x" {
		t.Errorf("ErrorMessage = %q (from %q)", got, err)
	}
	if got := (Dialect{}).ErrorMessage(errors.New("plain")); got != "plain" {
		t.Errorf("ErrorMessage = %q", got)
	}
}

func lock(t *testing.T, db *DB, timeout time.Duration) (func() error, error) {
	t.Helper()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return db.Lock(ctx, conn, "retort_version", dialect.LockOptions{Timeout: timeout})
}

func TestLockBetweenHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	release, err := lock(t, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	var le *dialect.LockTimeoutError
	if _, err := lock(t, b, 50*time.Millisecond); !errors.As(err, &le) {
		t.Fatalf("second lock: %v", err)
	}
	// Same handle, another goroutine: excluded too.
	if _, err := lock(t, a, 0); !errors.As(err, &le) {
		t.Fatalf("same-handle lock: %v", err)
	}
	// Holding the flock does not stop SQLite: readers and writers go on.
	if _, err := b.SQL().Exec("CREATE TABLE x (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	release()
	release() // twice is harmless
	r2, err := lock(t, b, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r2()
}

func TestInMemoryIsOneDatabase(t *testing.T) {
	db, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec("CREATE TABLE x (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	conn, _ := db.SQL().Conn(ctx)
	var n int
	err = conn.QueryRowContext(ctx, "SELECT count(*) FROM x").Scan(&n)
	conn.Close()
	if err != nil {
		t.Errorf("table not visible on the run's connection: %v", err)
	}
	var _ *sql.DB = db.SQL()
}
