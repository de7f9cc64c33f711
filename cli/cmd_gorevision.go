package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/script"
)

// newGoRevision is `revision` in a project's own CLI with
// Options.GoMigrations: a new Go migration file in the project's source,
// empty, or with --autogenerate the operations that take the database to
// Options.Models. The migration joins the graph when the project is
// rebuilt.
func (a *app) newGoRevision(cmd *cobra.Command, f revisionFlags, autogenerate bool) error {
	g := a.opts.GoMigrations
	if g.Dir == "" || g.Package == "" || g.SetVar == "" {
		return fmt.Errorf("%s: cli.Options.GoMigrations needs Dir, Package and SetVar", a.opts.Name)
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	parents, err := p.parentsFor(f.head, f.splice)
	if err != nil {
		return err
	}
	deps, err := p.dependencies(f.dependsOn)
	if err != nil {
		return err
	}
	id, err := p.newID(f.revID, f.branchLabels, timeNow())
	if err != nil {
		return err
	}
	var up, down []autogen.Step
	if autogenerate {
		ctx := cmd.Context()
		err := a.withSession(ctx, false, func(s *session) error {
			cmp, err := s.compareModels(ctx, a)
			if err != nil {
				return err
			}
			a.logChanges(cmp.changes)
			up, down = autogen.Plan(cmp.changes)
			return nil
		})
		if err != nil {
			return err
		}
	}
	data, err := autogen.RenderGo(autogen.GoFile{
		Package:      g.Package,
		SetVar:       g.SetVar,
		Revision:     id,
		Revises:      parents,
		Message:      f.message,
		DependsOn:    deps,
		BranchLabels: f.branchLabels,
	}, up, down)
	if err != nil {
		return fmt.Errorf("writing the Go migration %s: %w", id, err)
	}
	path := filepath.Join(g.Dir, script.FileName(id, f.message, ".go"))
	if err := script.WriteNewFile(path, data); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "  Generating %s ...  done\n", displayPath(path))
	return nil
}
