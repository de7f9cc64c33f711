package script

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/retort-sql/retort/graph"
)

// TestExamples loads the reference projects under examples/ and splits
// every section on every dialect, and checks their templates are the
// default one, so the examples never drift from what `retort init` writes.
func TestExamples(t *testing.T) {
	for _, tc := range []struct {
		project string
		ids     []string
	}{
		{"snapshots", []string{"001", "002", "003", "004", "005", "006"}},
		{"quark", []string{"1284c81cf727", "4358d1b8cc75"}},
	} {
		t.Run(tc.project, func(t *testing.T) {
			root := filepath.Join("..", "examples", tc.project, "migrations")
			tmpl, err := os.ReadFile(filepath.Join(root, "script.sql.tmpl"))
			if err != nil {
				t.Fatal(err)
			}
			if string(tmpl) != DefaultTemplate {
				t.Errorf("%s/script.sql.tmpl differs from DefaultTemplate", root)
			}
			scripts, err := Load(os.DirFS(root), "versions")
			if err != nil {
				t.Fatal(err)
			}
			if len(scripts) != len(tc.ids) {
				t.Fatalf("got %d scripts", len(scripts))
			}
			for i, s := range scripts {
				if s.ID != tc.ids[i] || s.Message == "" {
					t.Errorf("%s: id %q message %q", s.File, s.ID, s.Message)
				}
				for _, d := range []string{"sqlite", "postgresql", "mysql"} {
					for _, dir := range []graph.Direction{graph.Up, graph.Down} {
						st, err := s.Statements(d, dir)
						if err != nil || len(st) == 0 {
							t.Errorf("%s %s %s: %d statements, %v", s.File, d, dir, len(st), err)
						}
					}
				}
			}
		})
	}
}
