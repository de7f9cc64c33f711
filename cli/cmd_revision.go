package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/script"
)

// timeNow is the clock for new scripts' created header and timestamp ids.
func timeNow() time.Time { return time.Now().UTC() }

type revisionFlags struct {
	message      string
	revID        string
	head         string
	splice       bool
	branchLabels []string
	dependsOn    []string
}

func (a *app) revisionCmd() *cobra.Command {
	var f revisionFlags
	var autogenerate bool
	cmd := &cobra.Command{
		Use:   "revision",
		Short: "Create a new revision script from the template",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.opts.compiled() && a.opts.GoMigrations != nil {
				return a.newGoRevision(cmd, f, autogenerate)
			}
			if err := a.writable("revision"); err != nil {
				return err
			}
			if autogenerate {
				return a.autogenerate(cmd, f)
			}
			return a.newRevision(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.message, "message", "m", "", "the revision's message")
	fl.StringVar(&f.revID, "rev-id", "", "the new revision's id instead of a generated one")
	fl.StringVar(&f.head, "head", "head", "the revision to base the new one on (base for a new base)")
	fl.BoolVar(&f.splice, "splice", false, "allow --head to name a revision that is not a head, starting a new branch")
	fl.StringArrayVar(&f.branchLabels, "branch-label", nil, "a branch label for the new revision (repeatable)")
	fl.StringArrayVar(&f.dependsOn, "depends-on", nil, "a revision the new one depends on (repeatable)")
	fl.BoolVar(&autogenerate, "autogenerate", false, "write the upgrade and downgrade that take the database to the models (retort.ini: models)")
	return cmd
}

// scriptCmd is sqlalchemy-migrate's `manage.py script DESC`: a new revision
// on the head, named by its description.
func (a *app) scriptCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "script DESCRIPTION",
		Short: "Create a new revision script on the head (sqlalchemy-migrate's script)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.writable("script"); err != nil {
				return err
			}
			return a.newRevision(cmd, revisionFlags{message: args[0], head: "head"})
		},
	}
}

func (a *app) newRevision(cmd *cobra.Command, f revisionFlags) error {
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	return a.newRevisionIn(cmd, p, f, "")
}

// newRevisionIn writes a new revision of p with the sections body (""
// for the template's own).
func (a *app) newRevisionIn(cmd *cobra.Command, p *project, f revisionFlags, body string) error {
	parents, err := p.parentsFor(f.head, f.splice)
	if err != nil {
		return err
	}
	deps, err := p.dependencies(f.dependsOn)
	if err != nil {
		return err
	}
	return a.writeRevision(cmd, p, script.New{
		Revises:      parents,
		DependsOn:    deps,
		BranchLabels: f.branchLabels,
		Message:      f.message,
		Body:         body,
	}, f.revID)
}

// dependencies resolves --depends-on to full ids.
func (p *project) dependencies(refs []string) ([]string, error) {
	deps := make([]string, 0, len(refs))
	for _, d := range refs {
		r, err := p.graph.Get(d)
		if err != nil {
			return nil, fmt.Errorf("--depends-on %s: %w", d, err)
		}
		deps = append(deps, r.ID)
	}
	return deps, nil
}

// parentsFor resolves --head by Alembic's rules: the single head by
// default, "base" for a new base, and a non-head only with --splice.
func (p *project) parentsFor(head string, splice bool) ([]string, error) {
	if head == "base" {
		return nil, nil
	}
	if len(p.graph.Revisions()) == 0 {
		if head == "head" || head == "heads" {
			return nil, nil
		}
	}
	revs, err := p.graph.Resolve(head)
	if err != nil {
		var mh *graph.MultipleHeadsError
		if errors.As(err, &mh) {
			return nil, errors.New("multiple heads are present; please specify the head revision on which the new revision should be based (--head), or perform a merge")
		}
		return nil, err
	}
	ids := make([]string, 0, len(revs))
	for _, r := range revs {
		if !splice && !p.graph.IsHead(r.ID) {
			return nil, fmt.Errorf("revision %s is not a head revision; give --splice to create a new branch from it", r.ID)
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// newID is the id for a new revision: revID if given and free, else the
// next one revision_ids makes. It also refuses branch labels already
// taken.
func (p *project) newID(revID string, labels []string, now time.Time) (string, error) {
	for _, l := range labels {
		if r, err := p.graph.Get(l); err == nil && slices.Contains(r.BranchLabels, l) {
			return "", fmt.Errorf("branch label %q is already used by revision %s (%s)", l, r.ID, r.File)
		}
	}
	if revID != "" {
		if r := p.graph.Revision(revID); r != nil {
			return "", fmt.Errorf("revision %s is already present in %s", revID, r.File)
		}
		return revID, nil
	}
	revs := p.graph.Revisions()
	existing := make([]string, len(revs))
	for i, r := range revs {
		existing[i] = r.ID
	}
	return script.NextID(p.settings.RevisionIDs, existing, now)
}

// writeRevision names, renders and writes a new script, then checks that
// the versions folder still forms a valid graph with it.
func (a *app) writeRevision(cmd *cobra.Command, p *project, n script.New, revID string) error {
	now := timeNow()
	revID, err := p.newID(revID, n.BranchLabels, now)
	if err != nil {
		return err
	}
	n.ID, n.Created = revID, now
	tmpl, err := p.template()
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	dir := filepath.Join(p.settings.ScriptLocation, "versions")
	path, err := script.Write(dir, tmpl, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  Generating %s ...  done\n", displayPath(path))
	return nil
}

// template is the project's script.sql.tmpl, or the built-in one.
func (p *project) template() (string, error) {
	path := filepath.Join(p.settings.ScriptLocation, "script.sql.tmpl")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return script.DefaultTemplate, nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the template: %w", err)
	}
	return string(b), nil
}

func (a *app) mergeCmd() *cobra.Command {
	var f revisionFlags
	cmd := &cobra.Command{
		Use:   "merge [REVISION...]",
		Short: "Create a merge revision joining two or more revisions (default: all heads)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.writable("merge"); err != nil {
				return err
			}
			if len(args) == 0 {
				args = []string{"heads"}
			}
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			var parents []string
			for _, ref := range args {
				revs, err := p.graph.Resolve(ref)
				if err != nil {
					return err
				}
				for _, r := range revs {
					if !slices.Contains(parents, r.ID) {
						parents = append(parents, r.ID)
					}
				}
			}
			if len(parents) < 2 {
				return fmt.Errorf("nothing to merge: %v resolves to %d revision(s); a merge joins two or more", args, len(parents))
			}
			return a.writeRevision(cmd, p, script.New{Revises: parents, BranchLabels: f.branchLabels, Message: f.message}, f.revID)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.message, "message", "m", "", "the merge revision's message")
	fl.StringVar(&f.revID, "rev-id", "", "the new revision's id instead of a generated one")
	fl.StringArrayVar(&f.branchLabels, "branch-label", nil, "a branch label for the merge revision (repeatable)")
	return cmd
}

func (a *app) editCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "edit REVISION",
		Short: "Open a revision script in $VISUAL or $EDITOR",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.writable("edit"); err != nil {
				return err
			}
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			revs, err := p.graph.Resolve(args[0])
			if err != nil {
				return err
			}
			if len(revs) != 1 {
				return fmt.Errorf("%s names %d revisions; edit takes one", args[0], len(revs))
			}
			editor := a.opts.Getenv("VISUAL")
			if editor == "" {
				editor = a.opts.Getenv("EDITOR")
			}
			if editor == "" {
				return fmt.Errorf("no editor: set $VISUAL or $EDITOR to open %s", revs[0].File)
			}
			c := exec.CommandContext(cmd.Context(), "sh", "-c", editor+` "$1"`, "sh", revs[0].File)
			c.Stdin, c.Stdout, c.Stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := c.Run(); err != nil {
				return fmt.Errorf("running %s on %s: %w", editor, revs[0].File, err)
			}
			return nil
		},
	}
}
