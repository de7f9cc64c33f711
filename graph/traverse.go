package graph

import (
	"sort"
	"strings"
)

// bitset is a set of node indices; planning uses it for ancestor sets so
// that a 10,000-revision chain costs a few kilobytes, not a map.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) has(i int) bool { return i >= 0 && b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) add(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) remove(i int)   { b[i>>6] &^= 1 << (uint(i) & 63) }
func (b bitset) hasAny(idx []int) bool {
	for _, i := range idx {
		if b.has(i) {
			return true
		}
	}
	return false
}

// edgeKind selects which edges a traversal follows.
type edgeKind int

const (
	edgeDown     edgeKind = iota // Revises only (include_dependencies=False, downwards)
	edgeNormDown                 // Revises + normalized dependencies (include_dependencies=True, downwards)
	edgeAllDown                  // Revises + all dependencies
	edgeNext                     // revised by (include_dependencies=False, upwards)
	edgeAllNext                  // revised by or depended on by (include_dependencies=True, upwards)
)

func (g *Graph) edges(i int, k edgeKind) []int {
	n := &g.nodes[i]
	switch k {
	case edgeDown:
		return n.down
	case edgeNormDown:
		return n.normDown
	case edgeAllDown:
		return n.allDown
	case edgeNext:
		return n.next
	}
	return n.allNext
}

// iterate ports _iterate_related_revisions: a depth-first walk with an
// explicit stack (no recursion, whatever the depth), visiting targets and
// everything reachable from them through k edges, in Alembic's visiting
// order. Negative indices (base) are skipped. With check, a target reached
// from another target is an error, as Alembic's check=True.
func (g *Graph) iterate(targets []int, k edgeKind, check bool) ([]int, error) {
	seen := newBitset(len(g.nodes))
	var order, stack []int
	var isTarget bitset
	if check {
		isTarget = newBitset(len(g.nodes))
		for _, t := range targets {
			if t >= 0 {
				isTarget.add(t)
			}
		}
	}
	for _, t := range targets {
		if t < 0 {
			continue
		}
		stack = append(stack[:0], t)
		var overlaps []int
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if check && r != t && isTarget.has(r) && !containsInt(overlaps, r) {
				overlaps = append(overlaps, r)
			}
			if seen.has(r) {
				continue
			}
			seen.add(r)
			stack = append(stack, g.edges(r, k)...)
			order = append(order, r)
		}
		if len(overlaps) > 0 {
			return nil, &RevisionError{Msg: "Requested revision " + g.revs[t].ID +
				" overlaps with other requested revisions " + strings.Join(g.ids(overlaps), ", ")}
		}
	}
	return order, nil
}

// reach returns the set of targets and everything reachable through k edges.
func (g *Graph) reach(targets []int, k edgeKind) bitset {
	seen := newBitset(len(g.nodes))
	stack := make([]int, 0, 16)
	for _, t := range targets {
		if t < 0 || seen.has(t) {
			continue
		}
		seen.add(t)
		stack = append(stack[:0], t)
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, e := range g.edges(r, k) {
				if !seen.has(e) {
					seen.add(e)
					stack = append(stack, e)
				}
			}
		}
	}
	return seen
}

// detectCycles finds a cycle through Revises and DependsOn edges, if any,
// with an iterative three-colour depth-first search from every revision in
// input order; that covers cycles unreachable from any base and graphs
// without a base. The members are reported in upgrade order: each one is
// revised by (or depended on by) the next.
func (g *Graph) detectCycles() error {
	const (
		white = iota
		grey
		black
	)
	colour := make([]uint8, len(g.nodes))
	pos := make([]int, len(g.nodes)) // next edge to explore, per node on the path
	var path []int
	for s := range g.nodes {
		if colour[s] != white {
			continue
		}
		path = append(path[:0], s)
		colour[s] = grey
		pos[s] = 0
		for len(path) > 0 {
			v := path[len(path)-1]
			es := g.nodes[v].allDown
			if pos[v] == len(es) {
				colour[v] = black
				path = path[:len(path)-1]
				continue
			}
			w := es[pos[v]]
			pos[v]++
			switch colour[w] {
			case white:
				colour[w] = grey
				pos[w] = 0
				path = append(path, w)
			case grey:
				return g.cycleError(path, w)
			}
		}
	}
	return nil
}

// cycleError turns the DFS path ending in a back edge to w into a CycleError.
// Along path each node revises (or depends on) the next, so upgrade order is
// the reverse; the cycle is rotated to start at its earliest revision.
func (g *Graph) cycleError(path []int, w int) error {
	start := 0
	for path[start] != w {
		start++
	}
	cyc := append([]int(nil), path[start:]...)
	for i, j := 0, len(cyc)-1; i < j; i, j = i+1, j-1 {
		cyc[i], cyc[j] = cyc[j], cyc[i]
	}
	min := 0
	for i, v := range cyc {
		if v < cyc[min] {
			min = i
		}
	}
	cyc = append(cyc[min:], cyc[:min]...)
	return &CycleError{Members: g.ids(cyc)}
}

// prefixLookup resolves a partial id (or label) of at least four characters.
func (g *Graph) prefixLookup(ref string) (int, error) {
	matches := g.prefixMatches(ref)
	switch len(matches) {
	case 0:
		return -1, &UnknownRevisionError{Ref: ref}
	case 1:
		return matches[0], nil
	}
	return -1, &AmbiguousError{Ref: ref, Matches: g.ids(matches)}
}

// prefixMatches lists, in input order and once each, the revisions whose id
// or one of whose own labels starts with ref. Prefixes shorter than four
// characters match nothing, so that short ids can't be shadowed.
func (g *Graph) prefixMatches(ref string) []int {
	if len(ref) < 4 {
		return nil
	}
	var out []int
	for i, r := range g.revs {
		hit := strings.HasPrefix(r.ID, ref)
		for _, l := range r.BranchLabels {
			hit = hit || strings.HasPrefix(l, ref)
		}
		if hit {
			out = append(out, i)
		}
	}
	return out
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func dedupe(s []int) []int {
	out := s[:0]
	for _, v := range s {
		if !containsInt(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func sortInts(s []int) { sort.Ints(s) }
