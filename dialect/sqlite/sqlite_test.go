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

// lock takes the run lock on a connection of its own, as a run does; the
// release also returns the connection to the pool.
func lock(t *testing.T, db *DB, timeout time.Duration) (func() error, error) {
	t.Helper()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release, err := db.Lock(ctx, conn, "retort_version", dialect.LockOptions{Timeout: timeout})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return func() error {
		err := release()
		conn.Close()
		return err
	}, nil
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
	if err := release(); err != nil {
		t.Fatal(err)
	}
	release() // twice is harmless
	r2, err := lock(t, b, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2(); err != nil {
		t.Fatal(err)
	}
}

// A run keeps SQLite's write lock from its first write to its release, so
// nobody sees the schema between two migrations; afterwards the database
// is as it was: no journal file left, the journal mode unchanged.
func TestRunHoldsWriteLock(t *testing.T) {
	for _, journal := range []string{"delete", "wal"} {
		t.Run(journal, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.db")
			other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(50)")
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			var mode string
			if err := other.QueryRow("PRAGMA journal_mode = " + journal).Scan(&mode); err != nil || mode != journal {
				t.Fatalf("journal mode %q, %v", mode, err)
			}
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			conn, err := db.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			release, err := db.Lock(ctx, conn, "retort_version", dialect.LockOptions{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"CREATE TABLE one (id INTEGER)", "CREATE TABLE two (id INTEGER)"} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
				if _, err := other.Exec("CREATE TABLE intruder (id INTEGER)"); err == nil || !strings.Contains(err.Error(), "locked") {
					t.Fatalf("a write between two migrations: %v, want database is locked", err)
				}
			}
			if err := release(); err != nil {
				t.Fatal(err)
			}
			if _, err := other.Exec("CREATE TABLE after (id INTEGER)"); err != nil {
				t.Fatalf("a write after the run: %v", err)
			}
			if err := other.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != journal {
				t.Fatalf("journal mode after the run %q, %v; want %s", mode, err, journal)
			}
			if _, err := os.Stat(path + "-journal"); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s-journal is left behind (%v)", path, err)
			}
		})
	}
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
