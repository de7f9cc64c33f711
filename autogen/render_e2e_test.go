package autogen_test

// Autogenerate end to end through the renderers: compare, plan, render a
// SQL script (and a Go migration), run what was rendered on a real
// database, and compare again.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/internal/dialecttest"
	"github.com/retort-sql/retort/schema"
	"github.com/retort-sql/retort/script"
)

// renderScript renders up and down for the harness's dialect (from the
// live file on SQLite) and parses the result behind a header.
func renderScript(t *testing.T, h *harness, current *schema.Schema, up, down []autogen.Step) *script.Script {
	t.Helper()
	ctx := context.Background()
	body, err := autogen.RenderSQLFrom(ctx, h.Conn, h.Dialect, []string{h.Dialect}, current, up, down)
	if err != nil {
		t.Fatal(err)
	}
	s, err := script.Parse("autogen.sql", []byte("-- retort:revision a1\n\n"+body))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return s
}

// runScript runs a script's section as the runtime does: in one
// transaction where DDL is transactional.
func (h *harness) runScript(t *testing.T, s *script.Script, dir graph.Direction) {
	t.Helper()
	ctx := context.Background()
	stmts, err := s.Statements(h.Dialect, dir)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := h.Conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if h.D.TransactionalDDL() {
		exec(h.D.BeginSQL())
	}
	for _, st := range stmts {
		exec(st.SQL)
	}
	if h.D.TransactionalDDL() {
		exec("COMMIT")
	}
}

// TestAutogenerateSQLScript is must-show 2 through the SQL renderer: the
// database holds schema A (itself created by a rendered script), the
// models say B; the rendered upgrade leaves a database that compares
// equal to B, and the rendered downgrade one that compares equal to the
// original.
func TestAutogenerateSQLScript(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		upA, downA := autogen.Plan(autogen.Compare(&schema.Schema{}, schemaA(), h.opts()))
		h.runScript(t, renderScript(t, h, &schema.Schema{}, upA, downA), graph.Up)
		original := h.Inspect(t)
		noChanges(t, "schema A from its rendered script", autogen.Compare(original, schemaA(), h.opts()))

		up, down := autogen.Plan(autogen.Compare(original, schemaB(), h.opts()))
		s := renderScript(t, h, original, up, down)

		// With dialects = sqlite, postgresql, mysql, the same steps render
		// for all three from this database's inspection.
		all, err := autogen.RenderSQL(context.Background(), []string{"sqlite", "postgresql", "mysql"}, original, up, down)
		if err != nil {
			t.Fatalf("rendering for every dialect from the %s inspection: %v", h.Dialect, err)
		}
		if _, err := script.Parse("all.sql", []byte("-- retort:revision a1\n\n"+all)); err != nil {
			t.Fatal(err)
		}
		h.runScript(t, s, graph.Up)
		noChanges(t, "after the rendered upgrade, against the models", autogen.Compare(h.Inspect(t), schemaB(), h.opts()))
		h.runScript(t, s, graph.Down)
		after := h.Inspect(t)
		noChanges(t, "after the rendered downgrade, against the original", autogen.Compare(after, original, h.opts()))
		noChanges(t, "the original, against the database after the rendered downgrade", autogen.Compare(original, after, h.opts()))
	})
}

// TestAutogenerateGoMigration is the same through the Go renderer: the
// base and the revision are generated as Go files, built into a program
// with go build, and run by retort on a database of their own.
func TestAutogenerateGoMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with go build; not in -short")
	}
	eachDialect(t, func(t *testing.T, h *harness) {
		// The revision is generated from the inspection of schema A on
		// this dialect, as `revision --autogenerate` would.
		upA, downA := autogen.Plan(autogen.Compare(&schema.Schema{}, schemaA(), h.opts()))
		h.runSteps(t, upA)
		original := h.Inspect(t)
		up, down := autogen.Plan(autogen.Compare(original, schemaB(), h.opts()))

		files := map[string]string{"main.go": e2eMain}
		for name, g := range map[string]struct {
			f        autogen.GoFile
			up, down []autogen.Step
		}{
			"base.go": {autogen.GoFile{Package: "main", SetVar: "Migrations", Revision: "aaaa0001", Message: "schema A"}, upA, downA},
			"rev.go": {autogen.GoFile{Package: "main", SetVar: "Migrations", Revision: "bbbb0002", Revises: []string{"aaaa0001"},
				Message: "schema B"}, up, down},
		} {
			src, err := autogen.RenderGo(g.f, g.up, g.down)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = string(src)
		}
		prog := buildE2E(t, files)

		url := dialectURL(t, h.Dialect)
		run := func(args ...string) {
			t.Helper()
			if out, err := exec.Command(prog, append([]string{url}, args...)...).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		g := openHarness(t, url)
		opts := autogen.Options{Dialect: h.Dialect, IncludeTable: func(n string) bool { return !strings.HasPrefix(n, "retort_version") }}

		run("upgrade", "aaaa0001")
		noChanges(t, "after the generated base", autogen.Compare(g.Inspect(t), schemaA(), opts))
		run("upgrade", "head")
		noChanges(t, "after the generated revision, against the models", autogen.Compare(g.Inspect(t), schemaB(), opts))
		run("downgrade", "aaaa0001")
		noChanges(t, "after the generated downgrade, against the original", autogen.Compare(g.Inspect(t), original, opts))
		run("downgrade", "base")
		noChanges(t, "after downgrading to base", autogen.Compare(g.Inspect(t), &schema.Schema{}, opts))
	})
}

// dialectURL is a fresh database of the dialect, for the program to run on.
func dialectURL(t *testing.T, name string) string {
	for _, dc := range dialectURLs {
		if dc.Name == name {
			return dc.URL(t)
		}
	}
	t.Fatalf("no dialect %s", name)
	return ""
}

// openHarness connects to url for inspection.
func openHarness(t *testing.T, url string) *harness {
	t.Helper()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{dialecttest.Open(t, u.Dialect, url)}
}

const e2eMain = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/retort-sql/retort"
)

var Migrations []*retort.Migration

func main() {
	ctx := context.Background()
	r, err := retort.Open(ctx, retort.WithURL(os.Args[1]), retort.WithMigrations(Migrations...))
	if err == nil {
		defer r.Close()
		switch os.Args[2] {
		case "upgrade":
			err = r.Upgrade(ctx, os.Args[3])
		case "downgrade":
			err = r.Downgrade(ctx, os.Args[3])
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// buildE2E builds files as a program in a directory of this module (so
// that it builds offline against this checkout), removed afterwards; the
// leading "_" keeps ./... patterns out of it.
func buildE2E(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_gorun-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prog := filepath.Join(t.TempDir(), "migrate")
	cmd := exec.Command("go", "build", "-o", prog, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the generated migrations: %v\n%s", err, out)
	}
	return prog
}
