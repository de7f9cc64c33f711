package script

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retort-sql/retort/graph"
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

// FuzzParse checks that Parse never panics, that what it accepts has a
// valid id, and that Statements and Checksum work on whatever it accepts.
func FuzzParse(f *testing.F) {
	f.Add([]byte(quark))
	f.Add([]byte("-- retort:revision 1\r\n-- retort:upgrade dialect=mysql\r\nSELECT 1;\r\n-- retort:downgrade\r\n"))
	f.Add([]byte("-- retort:revision a\n-- retort:revises b c\n-- retort:no-transaction\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.sql", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.sql:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if !validID(s.ID) || s.Line < 1 {
			t.Fatalf("accepted id %q line %d", s.ID, s.Line)
		}
		for _, d := range fuzzDialects[1:] {
			for _, dir := range []graph.Direction{graph.Up, graph.Down} {
				_, _ = s.Statements(d, dir)
			}
		}
		if len(s.Checksum()) != 64 {
			t.Fatal("bad checksum")
		}
	})
}
