package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/graph"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// currentSet reads the database's rows as a set, for "(current)" marks.
func currentSet(heads []string) map[string]bool {
	m := make(map[string]bool, len(heads))
	for _, h := range heads {
		m[h] = true
	}
	return m
}

func (a *app) currentCmd() *cobra.Command {
	var verbose, checkHeads, asJSON bool
	cmd := &cobra.Command{
		Use:   "current",
		Short: "Print the database's current revisions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withSession(ctx, true, func(s *session) error {
				heads, err := s.migrator.Heads(ctx)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				f := formatter{p: s.project}
				if checkHeads {
					if missing := s.graph.MissingHeads(heads); len(missing) > 0 {
						return fmt.Errorf("the database is not at the heads: it is at %s; heads not applied: %s", orBase(heads), joinIDs(missing))
					}
				}
				if asJSON {
					list := make([]revisionJSON, 0, len(heads))
					for _, h := range heads {
						list = append(list, f.json(s.graph.Revision(h)))
					}
					return writeJSON(out, list)
				}
				if verbose {
					fmt.Fprintf(out, "Current revision(s) for %s:\n", s.url.Redacted())
				}
				for _, h := range heads {
					r := s.graph.Revision(h)
					if verbose {
						fmt.Fprint(out, f.entry(r))
					} else {
						fmt.Fprintln(out, f.line(r, lineOpts{tree: true, headMarks: true}))
					}
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&verbose, "verbose", "v", false, "print each revision in full")
	fl.BoolVar(&checkHeads, "check-heads", false, "fail unless every head is applied")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orBase(ids []string) string {
	if len(ids) == 0 {
		return "base"
	}
	return joinIDs(ids)
}

func joinIDs(ids []string) string { return strings.Join(ids, ", ") }

func (a *app) historyCmd() *cobra.Command {
	var rng string
	var verbose, indicateCurrent, asJSON bool
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List revisions from the heads down to the bases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			var current []string
			if indicateCurrent || needsCurrent(rng) {
				s, err := a.connect(ctx, p, true)
				if err != nil {
					return err
				}
				current, err = s.migrator.Heads(ctx)
				s.Close()
				if err != nil {
					return err
				}
			}
			revs, err := p.history(current, rng)
			if err != nil {
				return err
			}
			f := formatter{p: p}
			if indicateCurrent {
				f.current = currentSet(current)
			}
			return printRevisions(cmd.OutOrStdout(), f, revs, verbose, asJSON,
				lineOpts{branches: true, doc: true, parents: true, tree: true, headMarks: true})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&rng, "rev-range", "r", "", "a range FROM:TO of revisions to list")
	fl.BoolVarP(&verbose, "verbose", "v", false, "print each revision in full")
	fl.BoolVarP(&indicateCurrent, "indicate-current", "i", false, "mark the database's current revisions")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// needsCurrent reports whether a history range refers to the database.
func needsCurrent(rng string) bool {
	return strings.HasPrefix(rng, "current") || strings.HasSuffix(rng, "current")
}

func (p *project) history(current []string, rng string) ([]*graph.Revision, error) {
	if rng == "" {
		return p.graph.Walk(), nil
	}
	return p.graph.History(current, rng)
}

func printRevisions(out io.Writer, f formatter, revs []*graph.Revision, verbose, asJSON bool, o lineOpts) error {
	if asJSON {
		list := make([]revisionJSON, 0, len(revs))
		for _, r := range revs {
			list = append(list, f.json(r))
		}
		return writeJSON(out, list)
	}
	for _, r := range revs {
		if verbose {
			fmt.Fprintln(out, f.entry(r))
		} else {
			fmt.Fprintln(out, f.line(r, o))
		}
	}
	return nil
}

func (a *app) headsCmd() *cobra.Command {
	var verbose, asJSON bool
	cmd := &cobra.Command{
		Use:   "heads",
		Short: "List the heads of the revision graph",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			return printRevisions(cmd.OutOrStdout(), formatter{p: p}, p.graph.Heads(), verbose, asJSON,
				lineOpts{branches: true, headMarks: true})
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each revision in full")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) branchesCmd() *cobra.Command {
	var verbose, asJSON bool
	cmd := &cobra.Command{
		Use:   "branches",
		Short: "List the branch points of the revision graph",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			f := formatter{p: p}
			out := cmd.OutOrStdout()
			var points []*graph.Revision
			for _, r := range p.graph.Walk() {
				if p.graph.IsBranchPoint(r.ID) {
					points = append(points, r)
				}
			}
			if asJSON {
				return printRevisions(out, f, points, false, true, lineOpts{})
			}
			for _, r := range points {
				if verbose {
					fmt.Fprint(out, f.entry(r))
				} else {
					fmt.Fprintln(out, f.line(r, lineOpts{branches: true, tree: true, headMarks: true}))
				}
				pad := fmt.Sprintf("%*s", len(r.ID), "")
				for _, c := range p.graph.Children(r.ID) {
					fmt.Fprintf(out, "%s -> %s\n", pad, f.line(p.graph.Revision(c), lineOpts{branches: true, doc: verbose, tree: true, headMarks: true}))
				}
				fmt.Fprintln(out)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each revision in full")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) showCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show REVISION",
		Short: "Show a revision in full (head, heads, label@head, an id or prefix, current)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			p, err := a.loadProject()
			if err != nil {
				return err
			}
			revs, err := p.resolveWithCurrent(ctx, a, args[0])
			if err != nil {
				return err
			}
			f := formatter{p: p}
			if asJSON {
				return printRevisions(cmd.OutOrStdout(), f, revs, false, true, lineOpts{})
			}
			for i, r := range revs {
				if i > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				fmt.Fprint(cmd.OutOrStdout(), f.entry(r))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// resolveWithCurrent resolves ref in the graph, and "current" against the
// database.
func (p *project) resolveWithCurrent(ctx context.Context, a *app, ref string) ([]*graph.Revision, error) {
	if ref != "current" {
		return p.graph.Resolve(ref)
	}
	s, err := a.connect(ctx, p, true)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	heads, err := s.migrator.Heads(ctx)
	if err != nil {
		return nil, err
	}
	revs := make([]*graph.Revision, len(heads))
	for i, h := range heads {
		revs[i] = p.graph.Revision(h)
	}
	return revs, nil
}

func (a *app) verifyCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that no applied script has changed since it ran",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withSession(ctx, true, func(s *session) error {
				bad, err := s.migrator.Verify(ctx)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					if err := writeJSON(out, nonNil(bad)); err != nil {
						return err
					}
				} else {
					for _, m := range bad {
						fmt.Fprintf(out, "%s: revision %s changed since it was applied (checksum %s, now %s)\n", m.File, m.Revision, short(m.Recorded), short(m.Current))
					}
				}
				if len(bad) > 0 {
					return fmt.Errorf("%d applied script(s) changed since they ran; restore them, or record the new text with `%s stamp`", len(bad), a.opts.Name)
				}
				if !asJSON {
					heads, err := s.migrator.Heads(ctx)
					if err != nil {
						return err
					}
					fmt.Fprintf(out, "%d applied revision(s) match their scripts\n", len(s.graph.Ancestors(heads...)))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
