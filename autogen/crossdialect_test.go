package autogen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/schema"
	"github.com/retort-sql/retort/script"
)

// withStamps adds to s a table whose columns each server rewrites its own
// way: a boolean default (0/1 on MySQL and SQLite), the current time
// (now() on PostgreSQL, current_timestamp() on MariaDB), a CHAR(n) that
// only some map to a portable kind, and MySQL's PRIMARY key name.
func withStamps(s *schema.Schema, flag string) *schema.Schema {
	s.Tables = append(s.Tables, schema.NewTable("stamps",
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("flag", schema.Boolean(), schema.NotNull(), schema.Default(flag)),
		schema.Col("at", schema.DateTime(), schema.Default("CURRENT_TIMESTAMP")),
		schema.Col("country", schema.Raw("CHAR(2)")),
	))
	return s
}

// A project keeps one set of revisions for several dialects (dialects =
// sqlite, postgresql, mysql), generated from whichever database the
// developer compares with. For each dialect as the source, revisions are
// generated from its inspections, as `revision --autogenerate` does with
// a models file (read through a scratch database of that dialect), and
// then run up, down and up again on every dialect.
func TestCrossDialectRevisions(t *testing.T) {
	ctx := context.Background()
	all := []string{"sqlite", "postgresql", "mysql"}
	for _, src := range dialectURLs {
		t.Run("from "+src.Name, func(t *testing.T) {
			inspectOn := func(models *schema.Schema) *schema.Schema {
				var got *schema.Schema
				eachDialectOnly(t, src.Name, func(t *testing.T, h *harness) {
					up, _ := autogen.Plan(autogen.Compare(&schema.Schema{}, models, h.opts()))
					h.runSteps(t, up)
					got = h.Inspect(t)
				})
				return got
			}
			a := inspectOn(withStamps(schemaA(), "true"))
			if a == nil {
				// testdb skipped the server's subtest (not configured, and
				// not required): there is nothing to generate from.
				t.Skipf("no %s server to generate from", src.Name)
			}
			b := inspectOn(withStamps(schemaB(), "false"))
			dir := t.TempDir()
			write := func(id string, revises []string, current, desired *schema.Schema) {
				up, down := autogen.Plan(autogen.Compare(current, desired, autogen.Options{Dialect: src.Name}))
				body, err := autogen.RenderSQL(ctx, all, current, up, down)
				if err != nil {
					t.Fatalf("rendering %s from %s: %v", id, src.Name, err)
				}
				text, err := script.Render(script.DefaultTemplate, script.New{ID: id, Revises: revises, Message: "from " + src.Name, Created: time.Now(), Body: body})
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, id+".sql"), text, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("001", nil, &schema.Schema{}, a)
			write("002", []string{"001"}, a, b)
			for _, dst := range dialectURLs {
				t.Run("on "+dst.Name, func(t *testing.T) {
					r, err := retort.Open(ctx, retort.WithURL(dst.URL(t)), retort.WithScriptDir(dir))
					if err != nil {
						t.Fatal(err)
					}
					defer r.Close()
					for _, step := range []struct {
						what string
						run  func() error
					}{
						{"upgrade", func() error { return r.Upgrade(ctx, "head") }},
						{"downgrade", func() error { return r.Downgrade(ctx, "base") }},
						{"upgrade again", func() error { return r.Upgrade(ctx, "head") }},
					} {
						if err := step.run(); err != nil {
							t.Fatalf("%s: %v", step.what, err)
						}
					}
					got, err := autogen.InspectDatabase(ctx, r.DB(), "retort_version", "retort_version_log")
					if err != nil {
						t.Fatal(err)
					}
					if got.Table("newa") == nil || got.Table("gone") != nil || got.Table("stamps").Column("country") == nil {
						t.Errorf("tables after the upgrade: %v", names(got))
					}
				})
			}
		})
	}
}

func names(s *schema.Schema) []string {
	var out []string
	for _, t := range s.Tables {
		out = append(out, t.Name)
	}
	return out
}

// eachDialectOnly is eachDialect for the one dialect named.
func eachDialectOnly(t *testing.T, name string, fn func(t *testing.T, h *harness)) {
	eachDialect(t, func(t *testing.T, h *harness) {
		if h.Dialect == name {
			fn(t, h)
		}
	})
}
