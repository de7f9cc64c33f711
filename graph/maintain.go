package graph

import "fmt"

// maintainer simulates Alembic's HeadMaintainer: the set of rows in the
// version table, moved by each step, recording the change on the step.
type maintainer struct {
	g     *Graph
	heads map[int]bool
}

func newMaintainer(g *Graph, rows []int) *maintainer {
	m := &maintainer{g: g, heads: make(map[int]bool, len(rows)+1)}
	for _, r := range rows {
		m.heads[r] = true
	}
	return m
}

func (m *maintainer) insert(s *Step, r int) error {
	if m.heads[r] {
		return fmt.Errorf("graph: version table already holds %s", m.g.revs[r].ID)
	}
	m.heads[r] = true
	s.Insert = append(s.Insert, m.g.revs[r].ID)
	return nil
}

func (m *maintainer) delete(s *Step, r int) error {
	if !m.heads[r] {
		return fmt.Errorf("graph: version table does not hold %s, which the step deletes", m.g.revs[r].ID)
	}
	delete(m.heads, r)
	s.Delete = append(s.Delete, m.g.revs[r].ID)
	return nil
}

func (m *maintainer) update(s *Step, from, to int) error {
	if !m.heads[from] {
		return fmt.Errorf("graph: version table does not hold %s, which the step updates to %s", m.g.revs[from].ID, m.g.revs[to].ID)
	}
	if m.heads[to] {
		return fmt.Errorf("graph: version table already holds %s", m.g.revs[to].ID)
	}
	delete(m.heads, from)
	m.heads[to] = true
	s.UpdateFrom, s.UpdateTo = m.g.revs[from].ID, m.g.revs[to].ID
	return nil
}

// otherAncestors returns the ancestors (with dependencies) of the heads
// other than those in except.
func (m *maintainer) otherAncestors(except []int) (bitset, bool) {
	var others []int
	for h := range m.heads {
		if !containsInt(except, h) {
			others = append(others, h)
		}
	}
	if len(others) == 0 {
		return nil, false
	}
	return m.g.reach(others, edgeNormDown), true
}

// revisionSteps builds the steps for revisions run in order in direction
// dir, starting from the version-table rows current.
func (g *Graph) revisionSteps(current []int, order []int, dir Direction) ([]Step, error) {
	m := newMaintainer(g, current)
	steps := make([]Step, len(order))
	for k, r := range order {
		s := &steps[k]
		n := &g.nodes[r]
		s.Revision, s.Direction = n.rev, dir
		self := g.ids([]int{r})
		if dir == Up {
			s.From, s.To = g.ids(n.down), self
		} else {
			s.From, s.To = self, g.ids(n.down)
		}
		if err := m.apply(s, r, dir); err != nil {
			return nil, fmt.Errorf("%s %s: %w", dir, n.rev.ID, err)
		}
	}
	return steps, nil
}

// apply ports HeadMaintainer.update_to_step for a RevisionStep.
func (m *maintainer) apply(s *Step, r int, dir Direction) error {
	n := &m.g.nodes[r]
	down := n.normDown
	inHeads := 0
	for _, d := range down {
		if m.heads[d] {
			inHeads++
		}
	}
	switch {
	case dir == Down && m.heads[r] && (len(down) == 0 || len(m.unmergeTo(r)) == 0):
		// Going below a base, or to a revision another head still implies.
		return m.delete(s, r)
	case dir == Up && (len(down) == 0 || inHeads == 0):
		// A new branch: none of the parents is a row.
		return m.insert(s, r)
	case dir == Up && len(down) > 1 && inHeads > 1:
		return m.merge(s, r)
	case dir == Down && m.heads[r] && len(down) > 1:
		return m.unmerge(s, r)
	}
	var from int
	if len(down) == 1 {
		from = down[0]
	} else {
		from = -1
		for _, d := range down {
			if m.heads[d] {
				if from >= 0 {
					return fmt.Errorf("can't do an UPDATE because the down revision is ambiguous")
				}
				from = d
			}
		}
		if from < 0 {
			return fmt.Errorf("can't do an UPDATE: none of %s is in the version table", joinIDs(m.g, down))
		}
	}
	if dir == Up {
		return m.update(s, from, r)
	}
	return m.update(s, r, from)
}

// merge ports merge_branch_idents: the parents not implied by another
// head are replaced by the merge revision, the last one updated in place
// and the others deleted. Alembic takes them in set order; retort in
// declared order, and only those that are rows.
func (m *maintainer) merge(s *Step, r int) error {
	from := m.g.nodes[r].normDown
	anc, ok := m.otherAncestors(from)
	var keep []int
	for _, f := range from {
		if (!ok || !anc.has(f)) && m.heads[f] {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		return fmt.Errorf("merge: none of %s is in the version table", joinIDs(m.g, from))
	}
	for _, d := range keep[:len(keep)-1] {
		if err := m.delete(s, d); err != nil {
			return err
		}
	}
	return m.update(s, keep[len(keep)-1], r)
}

// unmergeTo ports _unmerge_to_revisions: the parents of r that must become
// rows when r is downgraded, i.e. those no other head (or, with no other
// head, no other parent) already implies.
func (m *maintainer) unmergeTo(r int) []int {
	to := m.g.nodes[r].normDown
	anc, ok := m.otherAncestors([]int{r})
	if !ok {
		anc = newBitset(len(m.g.nodes))
		for _, t := range to {
			for _, a := range m.g.nodes[t].normDown {
				for i, w := range m.g.reach([]int{a}, edgeNormDown) {
					anc[i] |= w
				}
			}
		}
	}
	var out []int
	for _, t := range to {
		if !anc.has(t) {
			out = append(out, t)
		}
	}
	return out
}

// unmerge ports unmerge_branch_idents: the merge row becomes its last
// parent and the other parents are inserted back.
func (m *maintainer) unmerge(s *Step, r int) error {
	to := m.unmergeTo(r)
	for _, t := range to[:len(to)-1] {
		if err := m.insert(s, t); err != nil {
			return err
		}
	}
	return m.update(s, r, to[len(to)-1])
}
