// Package graph holds the revision graph: revisions that name the revisions
// they revise, forming a DAG with branches, merges, branch labels and
// cross-branch dependencies, with Alembic's semantics for resolving targets
// and planning upgrades and downgrades. It is pure: no I/O.
//
// The algorithms are ports of Alembic's alembic/script/revision.py
// (RevisionMap) and alembic/runtime/migration.py (HeadMaintainer,
// RevisionStep, StampStep), so that plans, their order and the version-table
// rows they leave compare one for one with Alembic's. Where Alembic iterates
// a Python set (whose order is arbitrary), this package uses the order in
// which revisions were given to New, so every result is deterministic.
package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Revision is one node of the graph, as declared by a script's header.
type Revision struct {
	ID           string
	Revises      []string // none for a base, one for a step, several for a merge point
	DependsOn    []string // revisions (ids, prefixes or labels) that must be applied first; not parents
	BranchLabels []string
	Message      string

	// Where the revision was declared, for error messages. File may be empty
	// for revisions that do not come from a file.
	File string
	Line int // line of the revises header in File, 0 when unknown
}

// Direction says which way a step runs.
type Direction int

const (
	Up Direction = iota
	Down
	// Stamp moves version-table rows without running any migration.
	Stamp
)

func (d Direction) String() string {
	switch d {
	case Down:
		return "downgrade"
	case Stamp:
		return "stamp"
	}
	return "upgrade"
}

// Step is one migration to run, with the change it makes to the version
// table (one row per head), computed by Alembic's rules from the heads
// present before the step.
type Step struct {
	// Revision is the revision whose script runs. For a Stamp step it is the
	// destination revision, nil when stamping down to base.
	Revision  *Revision
	Direction Direction

	// From and To are the revisions the step moves between, for the
	// "Running upgrade A -> B, message" line: for an upgrade From is the
	// revision's parents and To the revision; for a downgrade the reverse.
	// For a stamp they are the rows it moves from and to.
	From, To []string

	// Version-table change, applied in this order: rows in Delete are
	// deleted, rows in Insert inserted, then, when UpdateFrom is non-empty,
	// the row UpdateFrom is changed to UpdateTo. Merges delete and update,
	// unmerges insert and update.
	Delete     []string
	Insert     []string
	UpdateFrom string
	UpdateTo   string
}

// node is a revision with its edges resolved to indices into Graph.nodes.
// Slices are shared between fields where they are equal (no dependencies),
// so that building a large linear graph allocates little.
type node struct {
	rev *Revision

	down     []int // versioned down revisions: Revises, declared order
	deps     []int // resolved DependsOn, deduplicated
	allDown  []int // down + deps (Alembic's _all_down_revisions)
	normDown []int // down + deps not already depended on by an ancestor (_normalized_down_revisions)
	normDeps []int // the dependency part of normDown

	next       []int // revisions that revise this one (nextrev), input order
	allNext    []int // revisions that revise or depend on this one (_all_nextrev)
	dependents []int // revisions that depend on this one

	labels []string // own and inherited branch labels (Alembic's branch_labels after _add_branches)
}

// Graph is an immutable, validated revision graph.
type Graph struct {
	nodes  []node
	revs   []*Revision
	byID   map[string]int
	labels map[string]int // branch label -> revision carrying it

	heads     []int // no revision revises them (Alembic's heads)
	realHeads []int // nothing revises or depends on them (_real_heads)
	bases     []int // no Revises (bases)
	realBases []int // no Revises and no DependsOn (_real_bases)
}

// New builds and validates a graph. revs must be in file-name order: that
// order breaks ties in the topological order, as Alembic's does.
func New(revs []*Revision) (*Graph, error) {
	g := &Graph{
		nodes: make([]node, len(revs)),
		revs:  revs,
		byID:  make(map[string]int, len(revs)),
	}
	if err := g.index(); err != nil {
		return nil, err
	}
	if err := g.mapLabels(); err != nil {
		return nil, err
	}
	if err := g.link(); err != nil {
		return nil, err
	}
	if err := g.detectCycles(); err != nil {
		return nil, err
	}
	g.normalizeDeps()
	g.findEnds()
	g.addBranches()
	return g, nil
}

// index fills byID, rejecting duplicate and malformed ids and self-loops.
func (g *Graph) index() error {
	for i, r := range g.revs {
		if r == nil {
			return fmt.Errorf("graph: revision #%d is nil", i)
		}
		if err := checkID(r); err != nil {
			return err
		}
		if j, dup := g.byID[r.ID]; dup {
			return &DuplicateError{ID: r.ID, Files: []string{g.revs[j].File, r.File}}
		}
		g.byID[r.ID] = i
		g.nodes[i].rev = r
		for _, d := range r.Revises {
			if d == r.ID {
				return &CycleError{Members: []string{r.ID}}
			}
		}
		for _, d := range r.DependsOn {
			if d == r.ID {
				return &CycleError{Members: []string{r.ID}}
			}
		}
	}
	return nil
}

// checkID rejects the characters that target syntax gives a meaning to, as
// Alembic's verify_rev_id does.
func checkID(r *Revision) error {
	if r.ID == "" {
		return &RevisionError{Msg: where(r.File, r.Line) + "revision with an empty identifier"}
	}
	if i := strings.IndexAny(r.ID, "@-+: "); i >= 0 {
		return &RevisionError{Msg: fmt.Sprintf("%sCharacter(s) '%c' not allowed in revision identifier '%s'",
			where(r.File, 0), r.ID[i], r.ID)}
	}
	return nil
}

// where formats "file:line: " (or "file: ", or nothing) for messages.
func where(file string, line int) string {
	switch {
	case file == "":
		return ""
	case line > 0:
		return fmt.Sprintf("%s:%d: ", file, line)
	}
	return file + ": "
}

// mapLabels indexes branch labels; a label must not repeat nor be an id
// (Alembic's _map_branch_labels checks against the map holding both).
func (g *Graph) mapLabels() error {
	for i, r := range g.revs {
		for _, l := range r.BranchLabels {
			if g.labels == nil {
				g.labels = make(map[string]int)
			}
			if j, ok := g.byID[l]; ok {
				return &DuplicateLabelError{Label: l, Revision: r.ID, Other: g.revs[j].ID}
			}
			if j, ok := g.labels[l]; ok {
				return &DuplicateLabelError{Label: l, Revision: r.ID, Other: g.revs[j].ID}
			}
			g.labels[l] = i
			g.nodes[i].labels = appendUnique(g.nodes[i].labels, l)
		}
	}
	return nil
}

// link resolves Revises and DependsOn into indices and builds the reverse
// edges. Revises must name exact ids; DependsOn may also name a label or a
// unique prefix.
func (g *Graph) link() error {
	total, hasDeps := 0, false
	for _, r := range g.revs {
		total += len(r.Revises)
		hasDeps = hasDeps || len(r.DependsOn) > 0
	}
	downBuf := make([]int, 0, total)
	nextCount := make([]int, len(g.nodes))
	for i := range g.nodes {
		n := &g.nodes[i]
		start := len(downBuf)
		for _, d := range n.rev.Revises {
			j, ok := g.byID[d]
			if !ok {
				return &MissingRevisionError{Revision: n.rev.ID, Missing: d, File: n.rev.File, Line: n.rev.Line, Kind: "revises"}
			}
			if !containsInt(downBuf[start:], j) {
				downBuf = append(downBuf, j)
				nextCount[j]++
			}
		}
		n.down = downBuf[start:len(downBuf):len(downBuf)]
		n.allDown, n.normDown = n.down, n.down
		for _, d := range n.rev.DependsOn {
			j, err := g.resolveDependency(d)
			if err != nil {
				if _, unknown := err.(*UnknownRevisionError); unknown {
					return &MissingRevisionError{Revision: n.rev.ID, Missing: d, File: n.rev.File, Kind: "depends-on"}
				}
				return fmt.Errorf("%srevision %s depends on %s: %w", where(n.rev.File, 0), n.rev.ID, d, err)
			}
			if j == i {
				return &CycleError{Members: []string{n.rev.ID}}
			}
			if !containsInt(n.deps, j) {
				n.deps = append(n.deps, j)
			}
		}
		if len(n.deps) > 0 {
			n.allDown = dedupe(append(append([]int(nil), n.down...), n.deps...))
		}
	}
	// nextrev in input order, all in one backing array.
	nextBuf := make([]int, total)
	off := 0
	for i := range g.nodes {
		g.nodes[i].next = nextBuf[off : off : off+nextCount[i]]
		off += nextCount[i]
	}
	for i := range g.nodes {
		for _, j := range g.nodes[i].down {
			g.nodes[j].next = append(g.nodes[j].next, i)
		}
	}
	for i := range g.nodes {
		g.nodes[i].allNext = g.nodes[i].next
	}
	if hasDeps {
		for i := range g.nodes {
			for _, j := range g.nodes[i].deps {
				m := &g.nodes[j]
				m.dependents = append(m.dependents, i)
			}
		}
		for i := range g.nodes {
			m := &g.nodes[i]
			if len(m.dependents) > 0 {
				all := append([]int(nil), m.next...)
				for _, d := range m.dependents {
					if !containsInt(all, d) {
						all = append(all, d)
					}
				}
				sortInts(all)
				m.allNext = all
			}
		}
	}
	return nil
}

// resolveDependency resolves one DependsOn entry: an id, a branch label or
// a unique prefix of four characters or more.
func (g *Graph) resolveDependency(ref string) (int, error) {
	if j, ok := g.byID[ref]; ok {
		return j, nil
	}
	if j, ok := g.labels[ref]; ok {
		return j, nil
	}
	return g.prefixLookup(ref)
}

// normalizeDeps ports _normalize_depends_on: a dependency that an ancestor
// (through Revises) already depends on is dropped from normDown, so that it
// does not count as a parent for version-table moves and ordering.
func (g *Graph) normalizeDeps() {
	for i := range g.nodes {
		n := &g.nodes[i]
		if len(n.deps) == 0 {
			continue
		}
		drop := map[int]bool{}
		order, _ := g.iterate([]int{i}, edgeDown, false)
		for _, a := range order {
			if a == i {
				continue
			}
			for _, d := range g.nodes[a].deps {
				drop[d] = true
			}
		}
		for _, d := range n.deps {
			if !drop[d] {
				n.normDeps = append(n.normDeps, d)
			}
		}
		n.normDown = dedupe(append(append([]int(nil), n.down...), n.normDeps...))
	}
}

// findEnds computes heads and bases, in input order.
func (g *Graph) findEnds() {
	for i := range g.nodes {
		n := &g.nodes[i]
		if len(n.next) == 0 {
			g.heads = append(g.heads, i)
		}
		if len(n.allNext) == 0 {
			g.realHeads = append(g.realHeads, i)
		}
		if len(n.down) == 0 {
			g.bases = append(g.bases, i)
			if len(n.rev.DependsOn) == 0 {
				g.realBases = append(g.realBases, i)
			}
		}
	}
}

// addBranches ports _add_branches: a revision's labels spread to all its
// descendants (through Revises), and then down from the last descendant
// visited until a branch point or merge point, so that the revisions below
// a labelled one on the same line share the label.
func (g *Graph) addBranches() {
	for i := range g.nodes {
		if len(g.revs[i].BranchLabels) == 0 {
			continue
		}
		labels := append([]string(nil), g.nodes[i].labels...)
		order, _ := g.iterate([]int{i}, edgeNext, false)
		for _, d := range order {
			g.addLabels(d, labels)
		}
		p := order[len(order)-1]
		for {
			n := &g.nodes[p]
			if len(n.allNext) > 1 || len(n.down) > 1 {
				break
			}
			g.addLabels(p, labels)
			if len(n.down) == 0 {
				break
			}
			p = n.down[0]
		}
	}
}

func (g *Graph) addLabels(i int, labels []string) {
	for _, l := range labels {
		g.nodes[i].labels = appendUnique(g.nodes[i].labels, l)
	}
}

// Revisions returns every revision, in the order given to New.
func (g *Graph) Revisions() []*Revision { return g.revs }

// Revision returns the revision with exactly this id, nil if there is none.
func (g *Graph) Revision(id string) *Revision {
	if i, ok := g.byID[id]; ok {
		return g.revs[i]
	}
	return nil
}

// Heads returns the revisions that no revision revises, including those
// that others depend on (effective heads), in input order.
func (g *Graph) Heads() []*Revision { return g.list(g.heads) }

// RealHeads returns the heads that nothing revises or depends on.
func (g *Graph) RealHeads() []*Revision { return g.list(g.realHeads) }

// Bases returns the revisions that revise nothing, in input order.
func (g *Graph) Bases() []*Revision { return g.list(g.bases) }

// BranchLabels returns the labels a revision carries or inherits (Alembic's
// branch_labels after label propagation), nil for an unknown id.
func (g *Graph) BranchLabels(id string) []string {
	if i, ok := g.byID[id]; ok {
		return append([]string(nil), g.nodes[i].labels...)
	}
	return nil
}

// IsHead reports whether no revision revises id (dependencies don't count).
func (g *Graph) IsHead(id string) bool {
	i, ok := g.byID[id]
	return ok && len(g.nodes[i].next) == 0
}

// IsRealHead reports whether no revision revises or depends on id.
func (g *Graph) IsRealHead(id string) bool {
	i, ok := g.byID[id]
	return ok && len(g.nodes[i].allNext) == 0
}

// IsBranchPoint reports whether several revisions revise id.
func (g *Graph) IsBranchPoint(id string) bool {
	i, ok := g.byID[id]
	return ok && len(g.nodes[i].next) > 1
}

// IsMergePoint reports whether id revises several revisions.
func (g *Graph) IsMergePoint(id string) bool {
	i, ok := g.byID[id]
	return ok && len(g.nodes[i].down) > 1
}

// Children returns the ids of the revisions that revise id, in input order.
func (g *Graph) Children(id string) []string {
	if i, ok := g.byID[id]; ok {
		return g.ids(g.nodes[i].next)
	}
	return nil
}

// Dependents returns the ids of the revisions that depend on id.
func (g *Graph) Dependents(id string) []string {
	if i, ok := g.byID[id]; ok {
		return g.ids(g.nodes[i].dependents)
	}
	return nil
}

// DownRevisions returns the ids a revision revises plus its dependencies not
// already implied by its ancestors (Alembic's _normalized_down_revisions).
func (g *Graph) DownRevisions(id string) []string {
	if i, ok := g.byID[id]; ok {
		return g.ids(g.nodes[i].normDown)
	}
	return nil
}

// Ancestors returns ids and every revision they revise or depend on,
// transitively: the revisions applied when the version table holds ids.
// Unknown ids are ignored.
func (g *Graph) Ancestors(ids ...string) map[string]bool {
	var start []int
	for _, id := range ids {
		if i, ok := g.byID[id]; ok {
			start = append(start, i)
		}
	}
	order, _ := g.iterate(start, edgeAllDown, false)
	out := make(map[string]bool, len(order))
	for _, i := range order {
		out[g.revs[i].ID] = true
	}
	return out
}

// StartingPoint resolves the FROM of an offline range FROM:TO (a comma-
// or space-separated list of references; "base" for none) to the version
// rows a database there would hold: sorted, each once.
func (g *Graph) StartingPoint(from string) ([]string, error) {
	var rows []string
	for _, ref := range strings.FieldsFunc(from, func(r rune) bool { return r == ',' || r == ' ' }) {
		revs, err := g.Resolve(ref)
		if err != nil {
			return nil, fmt.Errorf("the starting point %s of the range: %w", ref, err)
		}
		for _, r := range revs {
			if !slices.Contains(rows, r.ID) {
				rows = append(rows, r.ID)
			}
		}
	}
	slices.Sort(rows)
	return rows, nil
}

// MissingHeads returns the heads, in Heads order, that a version table
// holding rows has not reached: none when the database is up to date.
func (g *Graph) MissingHeads(rows []string) []string {
	applied := g.Ancestors(rows...)
	var missing []string
	for _, h := range g.Heads() {
		if !applied[h.ID] {
			missing = append(missing, h.ID)
		}
	}
	return missing
}

// Walk returns every revision in Alembic's walk_revisions order (as
// `history` prints it): from the heads down to the bases, one branch as far
// as it goes before the next.
func (g *Graph) Walk() []*Revision {
	all := make([]int, len(g.nodes))
	for i := range all {
		all[i] = i
	}
	order, err := g.topoSort(all, g.realHeads)
	if err != nil {
		// Unreachable for a validated graph: every revision is an ancestor
		// of a real head. Fall back to input order rather than panic.
		return g.revs
	}
	return g.list(order)
}

func (g *Graph) list(idx []int) []*Revision {
	out := make([]*Revision, len(idx))
	for k, i := range idx {
		out[k] = g.revs[i]
	}
	return out
}

func (g *Graph) ids(idx []int) []string {
	if len(idx) == 0 {
		return nil
	}
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = g.revs[i].ID
	}
	return out
}
