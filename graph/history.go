package graph

import (
	"errors"
	"strings"
)

// History lists revisions for Alembic's `history -r RANGE`: "a:b", "a:",
// ":b", "-3:", "current:", ":current", "" for everything; current is the
// database's rows. The order is walk order: heads first, down to bases.
func (g *Graph) History(current []string, rng string) ([]*Revision, error) {
	base, head := "", ""
	if rng != "" {
		parts := strings.Split(strings.TrimSpace(rng), ":")
		if len(parts) != 2 {
			return nil, &RevisionError{Msg: "History range requires [start]:[end], [start]:, or :[end]"}
		}
		base, head = parts[0], parts[1]
	}
	if _, err := g.currentRows(current); err != nil && (base == "current" || head == "current") {
		return nil, err
	}
	lower, upper := []string{base}, []string{head}
	switch {
	case head == "current":
		upper = current
	case base == "current":
		lower = current
	}
	// walk_revisions' defaults: an empty end is base or heads.
	if len(lower) == 0 || (len(lower) == 1 && lower[0] == "") {
		lower = []string{"base"}
	}
	if len(upper) == 0 || (len(upper) == 1 && upper[0] == "") {
		upper = []string{"heads"}
	}
	needs, targets, err := g.collectUpgrade(upper, lower, true, false, false)
	if err != nil {
		var rna rangeNotAncestor
		if errors.As(err, &rna) {
			return nil, &RangeError{Start: strings.Join(lower, ","), End: strings.Join(upper, ",")}
		}
		var mh *MultipleHeadsError
		if errors.As(err, &mh) {
			return nil, &MultipleHeadsError{Ref: strings.Join(upper, ","), Heads: mh.Heads}
		}
		return nil, err
	}
	order, err := g.topoSort(needs, targets)
	if err != nil {
		return nil, err
	}
	return g.list(order), nil
}
