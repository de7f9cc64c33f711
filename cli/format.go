package cli

import (
	"fmt"
	"strings"

	"github.com/retort-sql/retort/graph"
)

// formatter renders revisions the way Alembic's Script.cmd_format and
// Script.log_entry do, so that output compares line for line.
type formatter struct {
	p       *project
	current map[string]bool // the database's rows, for "(current)"; nil when not asked
}

// lineOpts selects the parts of a one-line rendering (Alembic's _head_only).
type lineOpts struct {
	branches, doc, parents bool
	tree, headMarks        bool
}

func (f formatter) line(r *graph.Revision, o lineOpts) string {
	g := f.p.graph
	var b strings.Builder
	if o.parents {
		if len(r.DependsOn) > 0 {
			fmt.Fprintf(&b, "%s (%s) -> ", downRevisions(r), strings.Join(r.DependsOn, ", "))
		} else {
			fmt.Fprintf(&b, "%s -> ", downRevisions(r))
		}
	}
	b.WriteString(r.ID)
	if labels := g.BranchLabels(r.ID); o.branches && len(labels) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(labels, ", "))
	}
	if o.headMarks || o.tree {
		if g.IsRealHead(r.ID) {
			b.WriteString(" (head)")
		} else if g.IsHead(r.ID) {
			b.WriteString(" (effective head)")
		}
		if f.current[r.ID] {
			b.WriteString(" (current)")
		}
	}
	if o.tree {
		if g.IsBranchPoint(r.ID) {
			b.WriteString(" (branchpoint)")
		}
		if g.IsMergePoint(r.ID) {
			b.WriteString(" (mergepoint)")
		}
	}
	if o.doc {
		fmt.Fprintf(&b, ", %s", r.Message)
	}
	return b.String()
}

// entry is Alembic's verbose log_entry: a block of several lines.
func (f formatter) entry(r *graph.Revision) string {
	g := f.p.graph
	var b strings.Builder
	b.WriteString("Rev: " + r.ID)
	if g.IsHead(r.ID) {
		b.WriteString(" (head)")
	}
	if g.IsBranchPoint(r.ID) {
		b.WriteString(" (branchpoint)")
	}
	if g.IsMergePoint(r.ID) {
		b.WriteString(" (mergepoint)")
	}
	if f.current[r.ID] {
		b.WriteString(" (current)")
	}
	b.WriteByte('\n')
	if g.IsMergePoint(r.ID) {
		fmt.Fprintf(&b, "Merges: %s\n", downRevisions(r))
	} else {
		fmt.Fprintf(&b, "Parent: %s\n", downRevisions(r))
	}
	if len(r.DependsOn) > 0 {
		fmt.Fprintf(&b, "Also depends on: %s\n", strings.Join(r.DependsOn, ", "))
	}
	if g.IsBranchPoint(r.ID) {
		fmt.Fprintf(&b, "Branches into: %s\n", strings.Join(g.Children(r.ID), ", "))
	}
	if labels := g.BranchLabels(r.ID); len(labels) > 0 {
		fmt.Fprintf(&b, "Branch names: %s\n", strings.Join(labels, ", "))
	}
	fmt.Fprintf(&b, "Path: %s\n\n", r.File)
	for _, l := range strings.Split(f.longDoc(r), "\n") {
		if l == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

// longDoc is the text Alembic keeps in a script's docstring: the message,
// then the revision's identity.
func (f formatter) longDoc(r *graph.Revision) string {
	doc := fmt.Sprintf("%s\n\nRevision ID: %s\nRevises: %s", r.Message, r.ID, strings.Join(r.Revises, ", "))
	if s := f.p.byID[r.ID]; s != nil && s.Created != "" {
		doc += "\nCreate Date: " + s.Created
	}
	return doc
}

func downRevisions(r *graph.Revision) string {
	if len(r.Revises) == 0 {
		return "<base>"
	}
	return strings.Join(r.Revises, ", ")
}

// revisionJSON is a revision as --json prints it.
type revisionJSON struct {
	Revision      string   `json:"revision"`
	Revises       []string `json:"revises"`
	DependsOn     []string `json:"depends_on,omitempty"`
	BranchLabels  []string `json:"branch_labels,omitempty"` // declared and inherited, as Alembic shows them
	Message       string   `json:"message"`
	Path          string   `json:"path,omitempty"`
	Head          bool     `json:"head"`
	EffectiveHead bool     `json:"effective_head,omitempty"`
	BranchPoint   bool     `json:"branch_point,omitempty"`
	MergePoint    bool     `json:"merge_point,omitempty"`
	Current       bool     `json:"current,omitempty"`
	BranchesInto  []string `json:"branches_into,omitempty"`
}

func (f formatter) json(r *graph.Revision) revisionJSON {
	g := f.p.graph
	j := revisionJSON{
		Revision:      r.ID,
		Revises:       nonNil(r.Revises),
		DependsOn:     r.DependsOn,
		BranchLabels:  g.BranchLabels(r.ID),
		Message:       r.Message,
		Path:          r.File,
		Head:          g.IsRealHead(r.ID),
		EffectiveHead: g.IsHead(r.ID) && !g.IsRealHead(r.ID),
		BranchPoint:   g.IsBranchPoint(r.ID),
		MergePoint:    g.IsMergePoint(r.ID),
		Current:       f.current[r.ID],
	}
	if j.BranchPoint {
		j.BranchesInto = g.Children(r.ID)
	}
	return j
}

// nonNil makes an empty list print as [] rather than null in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
