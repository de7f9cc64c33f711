package script

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestSplitGolden splits each testdata/split/<dialect>_<name>.sql and
// compares the statements (or the error) with <dialect>_<name>.golden.
// Run with -update to rewrite the golden files, then review the diff.
func TestSplitGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/split/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		dialect, _, _ := strings.Cut(name, "_")
		if dialect == "generic" {
			dialect = ""
		}
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := renderStatements(Split(dialect, string(in), 1))
			golden := strings.TrimSuffix(f, ".sql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("statements differ from %s\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

func renderStatements(stmts []Statement, err error) string {
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	for _, s := range stmts {
		fmt.Fprintf(&b, "=== line %d\n%s\n", s.Line, s.SQL)
	}
	return b.String()
}

func TestSplitFirstLine(t *testing.T) {
	stmts, err := Split("sqlite", "\n-- note\nSELECT 1;\n\nSELECT 2", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].Line != 12 || stmts[1].Line != 14 || stmts[1].SQL != "SELECT 2" {
		t.Fatalf("got %+v", stmts)
	}
}

func TestSplitUnknownDialect(t *testing.T) {
	if _, err := Split("oracle", "SELECT 1", 1); err == nil {
		t.Fatal("want an error for an unknown dialect")
	}
}
