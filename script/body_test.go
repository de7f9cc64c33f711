package script

import (
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/graph"
)

// A generated body lands where the template puts {{.Body}}, and replaces
// the sections of a template from before autogenerate, keeping its header.
func TestRenderBody(t *testing.T) {
	body := "-- retort:upgrade\nCREATE TABLE t (id INTEGER);\n\n-- retort:downgrade\nDROP TABLE t;\n"
	old := "-- retort:revision {{.ID}}\n-- retort:revises{{range .Revises}} {{.}}{{end}}\n-- retort:message {{.Message}}\n-- owned by the storage team\n\n" +
		"-- retort:upgrade\n-- write the upgrade here\n\n-- retort:downgrade\n-- and the downgrade here\n"
	created := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for name, tmpl := range map[string]string{"default": DefaultTemplate, "old": old} {
		t.Run(name, func(t *testing.T) {
			out, err := Render(tmpl, New{ID: "abc123", Revises: []string{"0001"}, Message: "add t", Created: created, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			got := string(out)
			if !strings.HasSuffix(got, "\n\n"+body) || strings.Count(got, "-- retort:upgrade") != 1 {
				t.Fatalf("rendered:\n%s", got)
			}
			s, err := Parse("new.sql", out)
			if err != nil {
				t.Fatal(err)
			}
			up, err := s.Statements("sqlite", graph.Up)
			if err != nil || len(up) != 1 || up[0].SQL != "CREATE TABLE t (id INTEGER)" {
				t.Fatalf("upgrade statements %v, %v", up, err)
			}
			if name == "old" && !strings.Contains(got, "-- owned by the storage team\n") {
				t.Fatalf("the old template's header was lost:\n%s", got)
			}
		})
	}
}
