package graph

import (
	"errors"
	"fmt"
	"strconv"
)

// Upgrade plans the migrations from the version-table rows current up to
// target (head, heads, id, label@head, +N, label@+N, id+N, ...), in
// Alembic's order, each step carrying its version-table change.
func (g *Graph) Upgrade(current []string, target string) ([]Step, error) {
	cur, err := g.currentRows(current)
	if err != nil {
		return nil, err
	}
	needs, targets, err := g.collectUpgrade([]string{target}, current, false, true, true)
	if err != nil {
		return nil, g.commandError(err, target, Up)
	}
	order, err := g.topoSort(needs, targets)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	return g.revisionSteps(cur, order, Up)
}

// Downgrade plans the migrations from the rows current down to target
// (base, id, label@base, -N, label@-N, id-N, label@base+N, ...).
func (g *Graph) Downgrade(current []string, target string) ([]Step, error) {
	cur, err := g.currentRows(current)
	if err != nil {
		return nil, err
	}
	revs, err := g.collectDowngrade(cur, target)
	if err != nil {
		return nil, g.commandError(err, target, Down)
	}
	order, err := g.topoSort(revs, cur)
	if err != nil {
		return nil, err
	}
	return g.revisionSteps(cur, order, Down)
}

// currentRows resolves version-table rows to revisions.
func (g *Graph) currentRows(current []string) ([]int, error) {
	out := make([]int, 0, len(current))
	for _, c := range current {
		i, ok := g.byID[c]
		if !ok {
			return nil, &UnknownRevisionError{Ref: c}
		}
		if !containsInt(out, i) {
			out = append(out, i)
		}
	}
	return out, nil
}

// commandError does what Alembic's _catch_revision_errors does for the
// upgrade and downgrade commands: name the destination in range errors and
// in multiple-heads errors.
func (g *Graph) commandError(err error, target string, dir Direction) error {
	var rna rangeNotAncestor
	if errors.As(err, &rna) {
		return &TargetError{Target: target, Direction: dir}
	}
	var mh *MultipleHeadsError
	if errors.As(err, &mh) {
		return &MultipleHeadsError{Ref: target, Heads: mh.Heads}
	}
	return err
}

// parseUpgradeTarget ports _parse_upgrade_target.
func (g *Graph) parseUpgradeTarget(current []string, target []string, assertRel bool) ([]int, error) {
	var m []string
	if len(target) == 1 {
		m = relativeRe.FindStringSubmatch(target[0])
	}
	if m == nil {
		var out []int
		for _, t := range target {
			idx, err := g.getRevisions(t)
			if err != nil {
				return nil, err
			}
			out = append(out, idx...)
		}
		return out, nil
	}
	label, symbol, rel := m[1], m[2], m[3]
	n, err := strconv.Atoi(rel)
	if err != nil {
		return nil, &RevisionError{Msg: "bad relative revision " + rel}
	}
	if n > 0 {
		var start int
		if symbol == "" {
			if start, err = g.upgradeStart(current, label); err != nil {
				return nil, err
			}
		} else if start, err = g.getRevision(symbol); err != nil {
			return nil, err
		}
		p, ok, err := g.walk(start, n, label, assertRel)
		if err != nil {
			return nil, err
		}
		if !ok {
			ref := rel
			if symbol != "" {
				ref = target[0]
			}
			return nil, &RelativeError{Ref: ref, N: n}
		}
		return positions(p), nil
	}
	if symbol == "" {
		return nil, &RelativeError{Ref: rel, N: -n}
	}
	ref := symbol
	if label != "" {
		ref = label + "@" + symbol
	}
	start, err := g.getRevision(ref)
	if err != nil {
		return nil, err
	}
	p, ok, err := g.walk(start, n, "", assertRel)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &RelativeError{Ref: target[0], N: -n}
	}
	return positions(p), nil
}

// positions turns a walk's end into targets: base is no target.
func positions(p int) []int {
	if p < 0 {
		return nil
	}
	return []int{p}
}

// upgradeStart picks the one current revision a +N upgrade walks up from,
// narrowed to label's branch as Alembic does (backtracking to the tip of
// what is applied on that branch when none of the current heads is on it).
func (g *Graph) upgradeStart(current []string, label string) (int, error) {
	cur := make([]int, 0, len(current))
	for _, c := range current {
		i, err := g.getRevision(c)
		if err != nil {
			return posNone, err
		}
		cur = append(cur, i)
	}
	starts := cur
	if len(starts) == 0 {
		starts = []int{posNone}
	}
	if label != "" {
		var err error
		if starts, err = g.filterForLineage(cur, label, false); err != nil {
			return posNone, err
		}
		if len(starts) == 0 {
			anc, err := g.iterate(cur, edgeNormDown, false)
			if err != nil {
				return posNone, err
			}
			active, err := g.filterForLineage(anc, label, false)
			if err != nil {
				return posNone, err
			}
			isDown := newBitset(len(g.nodes))
			for _, a := range active {
				for _, d := range g.nodes[a].normDown {
					isDown.add(d)
				}
			}
			for _, a := range active {
				if !isDown.has(a) {
					starts = append(starts, a)
				}
			}
			if len(starts) == 0 {
				starts = []int{posNone}
			}
		}
	}
	if len(starts) > 1 {
		return posNone, &RevisionError{Msg: "Ambiguous upgrade from multiple current revisions (" + joinIDs(g, starts) + ")"}
	}
	return starts[0], nil
}

func joinIDs(g *Graph, idx []int) string {
	s := ""
	for k, i := range idx {
		if k > 0 {
			s += ", "
		}
		if i >= 0 {
			s += g.revs[i].ID
		} else {
			s += "base"
		}
	}
	return s
}

// parseDowngradeTarget ports _parse_downgrade_target: the branch label in
// force and the revision to downgrade to (posNone for base).
func (g *Graph) parseDowngradeTarget(current []int, target string, assertRel bool) (string, int, error) {
	if target == "" {
		return "", posNone, nil
	}
	m := relativeRe.FindStringSubmatch(target)
	if m == nil {
		label, symbol := "", target
		if at := lastIndexByte(target, '@'); at >= 0 {
			label, symbol = target[:at], target[at+1:]
		}
		i, err := g.getRevision(symbol)
		return label, i, err
	}
	label, symbol, rel := m[1], m[2], m[3]
	n, err := strconv.Atoi(rel)
	if err != nil {
		return "", posNone, &RevisionError{Msg: "bad relative revision " + rel}
	}
	if n >= 0 {
		if symbol == "" {
			return "", posNone, &RelativeError{Ref: rel, N: n}
		}
		start, err := g.getRevision(symbol)
		if err != nil {
			return "", posNone, err
		}
		p, ok, err := g.walk(start, n, label, assertRel)
		if err != nil {
			return "", posNone, err
		}
		if !ok {
			return "", posNone, &RevisionError{Msg: "Walked too far: " + target + " is above the heads"}
		}
		return label, p, nil
	}
	relative := symbol == ""
	if relative {
		if label != "" {
			if symbol, err = g.branchCurrent(current, label); err != nil {
				return "", posNone, err
			}
		} else {
			switch len(current) {
			case 0:
				return "", posNone, &RelativeError{Ref: rel, N: -n}
			case 1:
			default:
				// Alembic warns and picks the first row, which depends on
				// the database's row order; retort refuses instead.
				return "", posNone, &RevisionError{Msg: fmt.Sprintf(
					"downgrade %s from multiple heads (%s) is ambiguous; use '<branchname>@%s' or a revision id",
					rel, joinIDs(g, current), rel)}
			}
			symbol = g.revs[current[0]].ID
			label = symbol
		}
	}
	ref := symbol
	if label != "" {
		ref = label + "@" + symbol
	}
	start, err := g.getRevision(ref)
	if err != nil {
		return "", posNone, err
	}
	p, ok, err := g.walk(start, n, "", assertRel)
	if err != nil {
		return "", posNone, err
	}
	if !ok {
		if relative {
			return "", posNone, &RelativeError{Ref: rel, N: -n}
		}
		return "", posNone, &RevisionError{Msg: "Walked too far: " + target + " is below base"}
	}
	return label, p, nil
}

// branchCurrent finds the one current revision on label's branch, looking
// through the revisions the current rows imply when no row is on it.
func (g *Graph) branchCurrent(current []int, label string) (string, error) {
	list, err := g.filterForLineage(current, label, false)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		all, err := g.allCurrent(current)
		if err != nil {
			return "", err
		}
		if list, err = g.filterForLineage(all, label, false); err != nil {
			return "", err
		}
	}
	if len(list) != 1 {
		return "", &RevisionError{Msg: fmt.Sprintf("branch '%s' has %d current revisions (%s); name a revision instead",
			label, len(list), joinIDs(g, list))}
	}
	return g.revs[list[0]].ID, nil
}

// allCurrent ports _get_all_current: the current rows and their ancestors,
// reduced to the tips of each line.
func (g *Graph) allCurrent(current []int) ([]int, error) {
	top, err := g.iterate(current, edgeNormDown, false)
	if err != nil {
		return nil, err
	}
	in := newBitset(len(g.nodes))
	for _, t := range top {
		in.add(t)
	}
	var out []int
	for _, t := range top {
		desc := g.reach(g.nodes[t].next, edgeNext)
		keep := true
		for _, u := range top {
			if u != t && desc.has(u) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	sortInts(out)
	return out, nil
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// collectDowngrade ports _collect_downgrade_revisions (inclusive and
// implicit_base false, as the downgrade command uses it).
func (g *Graph) collectDowngrade(current []int, target string) ([]int, error) {
	label, tgt, err := g.parseDowngradeTarget(current, target, true)
	if err != nil {
		return nil, err
	}
	var roots []int
	if tgt < 0 {
		roots = g.bases
	} else {
		roots = g.nodes[tgt].next
	}
	if label != "" && len(roots) > 1 {
		b, err := g.resolveBranch(label)
		if err != nil {
			return nil, err
		}
		anc := g.reach([]int{b}, edgeDown)
		var kept []int
		for _, r := range roots {
			if anc.has(r) {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			return nil, &RevisionError{Msg: "Not a valid downgrade target from current heads"}
		}
		roots = kept
	}
	drop := g.reach(roots, edgeAllNext)
	active := g.reach(current, edgeNormDown)
	var out []int
	for i := range g.nodes {
		if drop.has(i) && active.has(i) {
			out = append(out, i)
		}
	}
	if tgt >= 0 && len(out) == 0 && !containsInt(current, tgt) {
		return nil, rangeNotAncestor{}
	}
	return out, nil
}

// collectUpgrade ports _collect_upgrade_revisions. upper and lower are
// references (a single string, or several revision ids); it returns the
// revisions to apply and the targets they lead to.
func (g *Graph) collectUpgrade(upper, lower []string, inclusive, implicitBase, assertRel bool) ([]int, []int, error) {
	targets, err := g.parseUpgradeTarget(lower, upper, assertRel)
	if err != nil {
		return nil, nil, err
	}
	if len(lower) == 1 {
		if at := indexByte(lower[0], '@'); at >= 0 {
			if targets, err = g.filterTargetsByBranch(targets, lower[0][:at]); err != nil {
				return nil, nil, err
			}
		}
	}
	reqOrder, err := g.iterate(targets, edgeNormDown, true)
	if err != nil {
		return nil, nil, err
	}
	required := newBitset(len(g.nodes))
	for _, r := range reqOrder {
		required.add(r)
	}

	var current []int
	for _, l := range lower {
		idx, err := g.getRevisions(l)
		if err != nil {
			return nil, nil, err
		}
		current = append(current, idx...)
	}
	if !implicitBase {
		for _, c := range current {
			if c >= 0 && !required.has(c) {
				return nil, nil, rangeNotAncestor{}
			}
		}
	}
	if len(current) > 0 && current[0] == posNone && len(lower) == 1 {
		// A relative lower bound that walked off the heads: Alembic parses
		// it again as a downgrade target relative to upper.
		_, p, err := g.parseDowngradeTarget(targets, lower[0], assertRel)
		if err != nil {
			return nil, nil, err
		}
		if p < 0 {
			current, lower = nil, nil
		} else {
			current, lower = []int{p}, []string{g.revs[p].ID}
		}
	}
	current = realOnly(current)

	curOrder, err := g.iterate(current, edgeNormDown, true)
	if err != nil {
		return nil, nil, err
	}
	have := newBitset(len(g.nodes))
	for _, c := range curOrder {
		have.add(c)
	}
	needs := newBitset(len(g.nodes))
	for _, r := range reqOrder {
		if !have.has(r) {
			needs.add(r)
		}
	}
	if inclusive {
		for _, l := range lower {
			idx, err := g.getRevisions(l)
			if err != nil {
				return nil, nil, err
			}
			for _, i := range idx {
				if i >= 0 {
					needs.add(i)
				}
			}
		}
	}
	if len(current) > 0 && !implicitBase {
		descOrder, err := g.iterate(current, edgeNext, true)
		if err != nil {
			return nil, nil, err
		}
		desc := newBitset(len(g.nodes))
		for _, d := range descOrder {
			desc.add(d)
		}
		for i := range needs {
			needs[i] &= desc[i]
		}
	}
	var out []int
	for i := range g.nodes {
		if needs.has(i) {
			out = append(out, i)
		}
	}
	return out, realOnly(targets), nil
}

// filterTargetsByBranch keeps the targets on branch (a label, or a
// revision id standing for its one label), for "label@..." lower bounds.
func (g *Graph) filterTargetsByBranch(targets []int, branch string) ([]int, error) {
	b, err := g.getRevision(branch)
	if err != nil {
		return nil, err
	}
	if b >= 0 && g.revs[b].ID == branch {
		if len(g.nodes[b].labels) != 1 {
			return nil, &RevisionError{Msg: fmt.Sprintf("revision %s used as a branch name must carry exactly one branch label, it has %d", branch, len(g.nodes[b].labels))}
		}
		branch = g.nodes[b].labels[0]
	}
	var out []int
	for _, t := range targets {
		if t >= 0 && g.hasLabel(t, branch) {
			out = append(out, t)
		}
	}
	return out, nil
}

func realOnly(idx []int) []int {
	out := idx[:0:0]
	for _, i := range idx {
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// topoSort ports _topological_sort: starting from heads (in input order),
// walk down one line as far as possible, emitting each revision once no
// other pending head still needs it, and switching to the head that does.
// The result lists descendants before ancestors; upgrades run it reversed.
//
// Ancestor sets are bitsets; on a plain step down a line (one parent, no
// dependencies) the set is updated in place, so a long chain costs O(n).
func (g *Graph) topoSort(revs, heads []int) ([]int, error) {
	todo := newBitset(len(g.nodes))
	for _, r := range revs {
		todo.add(r)
	}
	left := len(revs)
	var current []int
	for _, h := range heads {
		if h >= 0 && todo.has(h) && !containsInt(current, h) {
			current = append(current, h)
		}
	}
	sortInts(current)
	ancestors := make([]bitset, len(current))
	for k, h := range current {
		ancestors[k] = g.reach([]int{h}, edgeNormDown)
	}
	out := make([]int, 0, len(revs))
	idx := 0
	for len(current) > 0 {
		cand := current[idx]
		switched := false
		for k, anc := range ancestors {
			if k != idx && anc.has(cand) {
				// Another pending head needs cand: walk that one first.
				idx = k
				switched = true
				break
			}
		}
		if switched {
			continue
		}
		if todo.has(cand) {
			out = append(out, cand)
			todo.remove(cand)
			left--
		}
		n := &g.nodes[cand]
		var add []int
		for _, d := range n.normDown {
			if todo.has(d) && !containsInt(current, d) {
				add = append(add, d)
			}
		}
		switch {
		case len(add) == 0:
			current = append(current[:idx], current[idx+1:]...)
			ancestors = append(ancestors[:idx], ancestors[idx+1:]...)
			if idx > 0 {
				idx--
			}
		case len(n.normDeps) == 0 && len(n.down) == 1:
			current[idx] = add[0]
			ancestors[idx].remove(cand)
		default:
			current[idx] = add[0]
			ancestors[idx] = g.reach(add[:1], edgeNormDown)
			for _, a := range add[1:] {
				current = append(current, a)
				ancestors = append(ancestors, g.reach([]int{a}, edgeNormDown))
			}
		}
	}
	if left != 0 {
		return nil, fmt.Errorf("graph: internal error: topological sort left %d revisions unvisited", left)
	}
	return out, nil
}
