// Package graph holds the revision graph: revisions that name the revisions
// they revise, forming a DAG with branches, merges, branch labels and
// cross-branch dependencies, with Alembic's semantics for resolving targets
// and planning upgrades and downgrades. It is pure: no I/O.
package graph

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
)

func (d Direction) String() string {
	if d == Down {
		return "downgrade"
	}
	return "upgrade"
}

// Step is one migration to run, with the change it makes to the version
// table (one row per head), computed by Alembic's rules from the heads
// present before the step.
type Step struct {
	Revision  *Revision
	Direction Direction

	// From and To are the revisions the step moves between, for the
	// "Running upgrade A -> B, message" line: for an upgrade From is the
	// revision's parents and To the revision; for a downgrade the reverse.
	From, To []string

	// Version-table change. Rows in Delete are deleted, rows in Insert
	// inserted, and when UpdateFrom is non-empty the row UpdateFrom is
	// changed to UpdateTo. At most one of these kinds is usually present;
	// merges delete and update, unmerges insert and update.
	Delete     []string
	Insert     []string
	UpdateFrom string
	UpdateTo   string
}

// Graph is an immutable, validated revision graph.
type Graph struct {
	// filled in by graph.go's implementation
}

// New builds and validates a graph. revs must be in file-name order: that
// order breaks ties in the topological order, as Alembic's does.
func New(revs []*Revision) (*Graph, error) { panic("TODO") }
