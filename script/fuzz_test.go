package script

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var fuzzDialects = []string{"", "postgresql", "mysql", "sqlite"}

// FuzzSplit checks that Split never panics, that statements are trimmed
// and non-empty, and that joining its statements with ";\n" and splitting
// again gives the same statements (outside statement-begin blocks, whose
// text is passed through without lexing).
func FuzzSplit(f *testing.F) {
	files, _ := filepath.Glob("testdata/split/*.sql")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for d := range fuzzDialects {
			f.Add(uint8(d), string(data))
		}
	}
	f.Add(uint8(1), "SELECT $a$;$a$; SELECT E'\\'';")
	f.Add(uint8(2), "CREATE PROCEDURE p() BEGIN SELECT 1; END")
	f.Fuzz(func(t *testing.T, d uint8, sql string) {
		dialect := fuzzDialects[int(d)%len(fuzzDialects)]
		stmts, err := Split(dialect, sql, 1)
		if err != nil {
			return
		}
		var texts []string
		for _, s := range stmts {
			if s.SQL == "" || strings.Trim(s.SQL, " \t\r\n\f\v") != s.SQL {
				t.Fatalf("statement %q is empty or not trimmed", s.SQL)
			}
			if s.Line < 1 || s.Line > strings.Count(sql, "\n")+1 {
				t.Fatalf("statement %q has line %d", s.SQL, s.Line)
			}
			texts = append(texts, s.SQL)
		}
		if strings.Contains(sql, "retort:statement") {
			return
		}
		joined := strings.Join(texts, ";\n")
		again, err := Split(dialect, joined, 1)
		if err != nil {
			t.Fatalf("re-splitting %q: %v", joined, err)
		}
		var texts2 []string
		for _, s := range again {
			texts2 = append(texts2, s.SQL)
		}
		if !slices.Equal(texts, texts2) {
			t.Fatalf("dialect %q: split %q\n gave %q\njoined %q\nsplits as %q", dialect, sql, texts, joined, texts2)
		}
	})
}
