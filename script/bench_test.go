package script

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/retort-sql/retort/graph"
)

// writeScripts writes n small scripts in a chain, as a long-lived project
// would have, and returns their folder.
func writeScripts(tb testing.TB, n int) string {
	dir := tb.TempDir()
	for i := range n {
		rev := ""
		if i > 0 {
			rev = fmt.Sprintf("%05d", i-1)
		}
		body := fmt.Sprintf(`-- retort:revision %05d
-- retort:revises %s
-- retort:message add table t%d
-- retort:created 2026-11-22 10:15:00Z

-- retort:upgrade
CREATE TABLE t%d (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255), created TIMESTAMP);
CREATE INDEX ix_t%d_name ON t%d (name);

-- retort:downgrade
DROP TABLE t%d;
`, i, rev, i, i, i, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d_add_table_t%d.sql", i, i)), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoad10k measures Load on 10,000 small scripts: what `retort
// heads` pays before it can answer.
// BenchmarkLoad10k reads a folder on disk as the CLI does (LoadDir), and
// BenchmarkLoadFS10k the same folder through the portable fs.FS path.
func BenchmarkLoad10k(b *testing.B) {
	dir := writeScripts(b, 10000)
	b.ResetTimer()
	for b.Loop() {
		s, err := LoadDir(dir)
		if err != nil || len(s) != 10000 {
			b.Fatal(len(s), err)
		}
	}
}

func BenchmarkLoadFS10k(b *testing.B) {
	fsys := os.DirFS(writeScripts(b, 10000))
	b.ResetTimer()
	for b.Loop() {
		s, err := Load(fsys, ".")
		if err != nil || len(s) != 10000 {
			b.Fatal(len(s), err)
		}
	}
}

// BenchmarkStatements measures lexing one script's upgrade section.
func BenchmarkStatements(b *testing.B) {
	s, err := Parse("x.sql", []byte(quark))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Statements("postgresql", graph.Up); err != nil {
			b.Fatal(err)
		}
	}
}
