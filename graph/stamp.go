package graph

import (
	"errors"
	"fmt"
	"strings"
)

// Stamp plans moving the version table to targets without running
// migrations, as Alembic's stamp (_stamp_revs and StampStep): for each
// destination, the current heads on its lineage are moved down or up to it
// in one step, or it becomes a new row when none is; "base" deletes the
// rows. With purge the plan starts from an empty table. Each step has
// Direction Stamp and Revision the destination (nil for base).
func (g *Graph) Stamp(current []string, targets []string, purge bool) ([]Step, error) {
	var heads []int
	if !purge {
		var err error
		if heads, err = g.currentRows(current); err != nil {
			return nil, err
		}
	}
	if len(targets) == 0 {
		targets = []string{"base"}
	}
	plan, err := g.stampPlan(heads, targets)
	if err != nil {
		var mh *MultipleHeadsError
		if errors.As(err, &mh) {
			return nil, &MultipleHeadsError{Ref: strings.Join(targets, " "), Heads: mh.Heads}
		}
		return nil, err
	}
	m := newMaintainer(g, heads)
	steps := make([]Step, len(plan))
	for k, p := range plan {
		s := &steps[k]
		s.Direction = Stamp
		if p.to >= 0 {
			s.Revision = g.revs[p.to]
			s.To = []string{g.revs[p.to].ID}
		}
		s.From = g.ids(p.from)
		if err := m.applyStamp(s, p); err != nil {
			return nil, fmt.Errorf("stamp %s: %w", joinIDs(g, []int{p.to}), err)
		}
	}
	return steps, nil
}

// stampStep is Alembic's StampStep: from rows to one revision (posNone for
// base); branchMove marks creating or deleting a whole branch's row.
type stampStep struct {
	from       []int
	to         int
	up         bool
	branchMove bool
}

// stampPlan ports ScriptDirectory._stamp_revs.
func (g *Graph) stampPlan(heads []int, targets []string) ([]stampStep, error) {
	var filtered []int
	for _, t := range targets {
		if t == "" {
			continue
		}
		f, err := g.filterForLineage(heads, t, true)
		if err != nil {
			return nil, err
		}
		for _, h := range f {
			if !containsInt(filtered, h) {
				filtered = append(filtered, h)
			}
		}
	}
	var dests []int
	for _, t := range targets {
		idx, err := g.getRevisions(t)
		if err != nil {
			return nil, err
		}
		dests = append(dests, idx...)
	}
	if len(dests) == 0 {
		dests = []int{posNone}
	}
	var steps []stampStep
	for _, d := range dests {
		if d < 0 {
			for _, h := range filtered {
				steps = append(steps, stampStep{from: []int{h}, to: posNone, branchMove: true})
			}
			continue
		}
		if containsInt(filtered, d) {
			continue // already a row
		}
		above := g.reach([]int{d}, edgeAllNext).hasAny(filtered)
		below := g.reach([]int{d}, edgeNormDown).hasAny(filtered)
		switch {
		case above && below:
			return nil, &RevisionError{Msg: fmt.Sprintf("can't stamp %s: current heads %s lie both above and below it",
				g.revs[d].ID, joinIDs(g, filtered))}
		case above:
			steps = append(steps, stampStep{from: filtered, to: d})
		case below:
			steps = append(steps, stampStep{from: filtered, to: d, up: true})
		default:
			steps = append(steps, stampStep{to: d, up: true, branchMove: true})
		}
	}
	return steps, nil
}

// applyStamp ports HeadMaintainer.update_to_step for a StampStep.
func (m *maintainer) applyStamp(s *Step, p stampStep) error {
	fromMissing, fromPresent := false, false
	for _, f := range p.from {
		if m.heads[f] {
			fromPresent = true
		} else {
			fromMissing = true
		}
	}
	switch {
	case !p.up && p.branchMove:
		return m.delete(s, p.from[0])
	case p.up && (p.branchMove || fromMissing) && p.to >= 0 && !m.heads[p.to]:
		return m.insert(s, p.to)
	case !p.up && !fromPresent && p.to >= 0 && !m.heads[p.to]:
		// Stamping down to several revisions below one row: an earlier
		// step of this stamp already moved that row, so this target gets
		// a row of its own. (Alembic leaves this case as a TODO.)
		return m.insert(s, p.to)
	case len(p.from) > 1:
		for _, f := range p.from[:len(p.from)-1] {
			if err := m.delete(s, f); err != nil {
				return err
			}
		}
		return m.update(s, p.from[len(p.from)-1], p.to)
	case len(p.from) == 1 && p.to >= 0:
		return m.update(s, p.from[0], p.to)
	}
	return fmt.Errorf("nothing to move")
}
