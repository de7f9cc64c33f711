package graph

import (
	"regexp"
	"strconv"
	"strings"
)

// Positions a relative walk can reach besides a revision: posNone is
// "before everything" (Alembic's None), posBase the explicit "base" symbol.
const (
	posNone = -1
	posBase = -2
)

// relativeRe is Alembic's _relative_destination, anchored at both ends so
// that trailing garbage is an unknown revision rather than ignored.
var relativeRe = regexp.MustCompile(`^(?:(.+?)@)?(\w+)?([+-]\d+)$`)

// Get resolves a reference to one revision: an id, a unique prefix of four
// or more characters, a branch label, label@id, head, label@head. It returns
// nil, nil for base.
func (g *Graph) Get(ref string) (*Revision, error) {
	i, err := g.getRevision(ref)
	if err != nil || i < 0 {
		return nil, err
	}
	return g.revs[i], nil
}

// Resolve resolves a reference that may name several revisions: head,
// heads, base (none), label@head, label@heads, ids, prefixes, labels.
// Relative forms are not accepted here; see Upgrade and Downgrade.
func (g *Graph) Resolve(ref string) ([]*Revision, error) {
	if relativeRe.MatchString(ref) {
		return nil, &RevisionError{Msg: "relative revision '" + ref + "' needs the current revisions; use it with upgrade or downgrade"}
	}
	idx, err := g.getRevisions(ref)
	if err != nil {
		return nil, err
	}
	out := make([]*Revision, 0, len(idx))
	for _, i := range idx {
		if i >= 0 {
			out = append(out, g.revs[i])
		}
	}
	return out, nil
}

// resolveNumber ports _resolve_revision_number: it splits off a branch
// label and expands head, heads and base. The ids it returns may still be
// prefixes or labels.
func (g *Graph) resolveNumber(ref string) (ids []string, label string, err error) {
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		label, ref = ref[:at], ref[at+1:]
	}
	switch ref {
	case "heads":
		if label != "" {
			hs, err := g.filterForLineage(g.heads, label, false)
			return g.ids(hs), label, err
		}
		return g.ids(g.realHeads), "", nil
	case "head":
		h, err := g.currentHead(label)
		if err != nil || h < 0 {
			return nil, label, err
		}
		return []string{g.revs[h].ID}, label, nil
	case "base", "":
		return nil, label, nil
	}
	return []string{ref}, label, nil
}

// currentHead ports get_current_head: the single head, optionally within a
// branch's lineage; posNone for an empty graph.
func (g *Graph) currentHead(label string) (int, error) {
	heads := g.heads
	ref := "head"
	if label != "" {
		if _, err := g.resolveBranch(label); err != nil {
			return posNone, err
		}
		var err error
		if heads, err = g.filterForLineage(heads, label, false); err != nil {
			return posNone, err
		}
		ref = label + "@head"
	}
	if len(heads) > 1 {
		return posNone, &MultipleHeadsError{Ref: ref, Heads: g.ids(heads)}
	}
	if len(heads) == 0 {
		return posNone, nil
	}
	return heads[0], nil
}

// getRevisions ports get_revisions for one reference. A negative number
// (-N, label@-N) walks down from the heads, and may yield posNone/posBase.
func (g *Graph) getRevisions(ref string) ([]int, error) {
	ids, label, err := g.resolveNumber(ref)
	if err != nil {
		return nil, err
	}
	if len(ids) == 1 {
		if n, convErr := strconv.Atoi(ids[0]); convErr == nil && n < 0 && ids[0][0] == '-' {
			var out []int
			for _, h := range g.realHeads {
				if label != "" && !g.hasLabel(h, label) {
					continue
				}
				p, _, err := g.walk(h, n, "", true)
				if err != nil {
					return nil, err
				}
				out = append(out, p)
			}
			return out, nil
		}
	}
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		i, err := g.revisionForIdent(id, label)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

// getRevision ports get_revision: one revision or posNone for base.
func (g *Graph) getRevision(ref string) (int, error) {
	ids, label, err := g.resolveNumber(ref)
	if err != nil {
		return posNone, err
	}
	if len(ids) > 1 {
		return posNone, &MultipleHeadsError{Ref: ref, Heads: ids}
	}
	if len(ids) == 0 {
		if label != "" {
			// label@base: the label must still exist.
			if _, err := g.resolveBranch(label); err != nil {
				return posNone, err
			}
		}
		return posNone, nil
	}
	return g.revisionForIdent(ids[0], label)
}

// resolveBranch ports _resolve_branch: a label, or failing that any
// revision reference, standing for a branch.
func (g *Graph) resolveBranch(label string) (int, error) {
	if i, ok := g.labels[label]; ok {
		return i, nil
	}
	if i, ok := g.byID[label]; ok {
		return i, nil
	}
	i, err := g.revisionForIdent(label, "")
	if _, unknown := err.(*UnknownRevisionError); unknown {
		return posNone, &NoSuchBranchError{Label: label}
	}
	return i, err
}

// revisionForIdent ports _revision_for_ident: an exact id or label, else a
// unique prefix; with a branch, the revision must share its lineage.
func (g *Graph) revisionForIdent(id, branch string) (int, error) {
	branchRev := posNone
	if branch != "" {
		var err error
		if branchRev, err = g.resolveBranch(branch); err != nil {
			return posNone, err
		}
	}
	i, ok := g.byID[id]
	if !ok {
		i, ok = g.labels[id]
	}
	if !ok {
		matches := g.prefixMatches(id)
		if branch != "" && len(matches) > 1 {
			var err error
			if matches, err = g.filterForLineage(matches, branch, false); err != nil {
				return posNone, err
			}
		}
		switch len(matches) {
		case 0:
			return posNone, &UnknownRevisionError{Ref: id}
		case 1:
			i = matches[0]
		default:
			return posNone, &AmbiguousError{Ref: id, Matches: g.ids(matches)}
		}
	}
	if branch != "" && !g.sharesLineage(i, []int{branchRev}, false) {
		return posNone, &RevisionError{Msg: "Revision " + g.revs[i].ID + " is not a member of branch '" + branch + "'"}
	}
	return i, nil
}

// filterForLineage ports filter_for_lineage: the targets that are
// ancestors or descendants of (or equal to) what checkAgainst names.
func (g *Graph) filterForLineage(targets []int, checkAgainst string, includeDeps bool) ([]int, error) {
	ids, label, err := g.resolveNumber(checkAgainst)
	if err != nil {
		return nil, err
	}
	var shares []int
	if label != "" {
		ids = append([]string{label}, ids...)
	}
	for _, id := range ids {
		i, err := g.revisionForIdent(id, "")
		if err != nil {
			if _, unknown := err.(*UnknownRevisionError); unknown && id == label {
				return nil, &NoSuchBranchError{Label: label}
			}
			return nil, err
		}
		shares = append(shares, i)
	}
	var out []int
	for _, t := range targets {
		if t >= 0 && g.sharesLineage(t, shares, includeDeps) {
			out = append(out, t)
		}
	}
	return out, nil
}

// sharesLineage ports _shares_lineage: whether any of against is target,
// one of its ancestors or one of its descendants.
func (g *Graph) sharesLineage(target int, against []int, includeDeps bool) bool {
	if len(against) == 0 {
		return true
	}
	down, up := edgeDown, edgeNext
	if includeDeps {
		down, up = edgeNormDown, edgeAllNext
	}
	return g.reach([]int{target}, down).hasAny(against) || g.reach([]int{target}, up).hasAny(against)
}

func (g *Graph) hasLabel(i int, label string) bool {
	for _, l := range g.nodes[i].labels {
		if l == label {
			return true
		}
	}
	return false
}

// walk ports _walk: steps > 0 walks up (through revisions that revise the
// current one, restricted to label's lineage), steps < 0 walks down through
// Revises. ok is false when the walk goes past the end and noOverwalk is
// set; a fork on the way is an error.
func (g *Graph) walk(start, steps int, label string, noOverwalk bool) (pos int, ok bool, err error) {
	pos = start
	n := steps
	if n < 0 {
		n = -n
	}
	for k := 0; k < n; k++ {
		var children []int
		if steps > 0 {
			if pos == posBase {
				return posNone, false, &RevisionError{Msg: "Can't walk up from 'base'"}
			}
			up := g.bases
			if pos >= 0 {
				up = g.nodes[pos].next
			}
			children = up
			if label != "" {
				if children, err = g.filterForLineage(up, label, false); err != nil {
					return posNone, false, err
				}
			}
		} else if pos != posBase {
			down := g.heads
			if pos >= 0 {
				down = g.nodes[pos].down
			}
			children = down
			if len(children) == 0 {
				children = []int{posBase}
			}
		}
		switch {
		case len(children) == 0:
			if noOverwalk {
				return posNone, false, nil
			}
			return pos, true, nil
		case len(children) > 1:
			from := "base"
			if pos >= 0 {
				from = g.revs[pos].ID
			}
			return posNone, false, &RevisionError{Msg: "Ambiguous walk: " + from + " leads to " + strings.Join(g.ids(children), ", ")}
		}
		pos = children[0]
	}
	return pos, true, nil
}
