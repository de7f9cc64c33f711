package graph

import (
	"fmt"
	"strings"
)

// DuplicateError reports a revision id declared by more than one script.
type DuplicateError struct {
	ID    string
	Files []string
}

func (e *DuplicateError) Error() string {
	files := make([]string, len(e.Files))
	for i, f := range e.Files {
		if f == "" {
			f = "(no file)"
		}
		files[i] = f
	}
	return fmt.Sprintf("revision %s is defined twice: %s", e.ID, strings.Join(files, " and "))
}

// MissingRevisionError reports a revises or depends-on naming no script.
type MissingRevisionError struct {
	Revision, Missing string
	File              string
	Line              int
	Kind              string // "revises" or "depends-on"
}

func (e *MissingRevisionError) Error() string {
	verb := "revises"
	if e.Kind == "depends-on" {
		verb = "depends on"
	}
	return fmt.Sprintf("%srevision %s %s %s, which no script defines", where(e.File, e.Line), e.Revision, verb, e.Missing)
}

// CycleError reports revisions that revise or depend on each other in a
// loop. Members are in upgrade order: each is revised by (or is a
// dependency of) the next, and the last by the first.
type CycleError struct {
	Members []string
}

func (e *CycleError) Error() string {
	return "revisions form a cycle: " + strings.Join(append(append([]string(nil), e.Members...), e.Members[0]), " -> ")
}

// UnknownRevisionError reports a reference that names no revision.
type UnknownRevisionError struct {
	Ref string
}

func (e *UnknownRevisionError) Error() string {
	return fmt.Sprintf("Can't locate revision identified by '%s'", e.Ref)
}

// AmbiguousError reports a partial id that several revisions start with.
type AmbiguousError struct {
	Ref     string
	Matches []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("Multiple revisions start with '%s': %s", e.Ref, strings.Join(e.Matches, ", "))
}

// MultipleHeadsError reports "head" (or label@head) when several heads match.
type MultipleHeadsError struct {
	Ref   string
	Heads []string
}

func (e *MultipleHeadsError) Error() string {
	return fmt.Sprintf("Multiple head revisions are present for given argument '%s'; please specify a specific "+
		"target revision, '<branchname>@%s' to narrow to a specific head, or 'heads' for all heads",
		e.Ref, e.Ref)
}

// DuplicateLabelError reports a branch label used twice, or equal to an id.
type DuplicateLabelError struct {
	Label, Revision, Other string
}

func (e *DuplicateLabelError) Error() string {
	if e.Label == e.Other {
		return fmt.Sprintf("Branch name '%s' in revision %s is the id of revision %s", e.Label, e.Revision, e.Other)
	}
	return fmt.Sprintf("Branch name '%s' in revision %s already used by revision %s", e.Label, e.Revision, e.Other)
}

// NoSuchBranchError reports a label@... reference to an unknown label.
type NoSuchBranchError struct {
	Label string
}

func (e *NoSuchBranchError) Error() string { return fmt.Sprintf("No such branch: '%s'", e.Label) }

// RelativeError reports a relative target (+N, -N, id+N, ...) that walks
// off the graph.
type RelativeError struct {
	Ref string // the relative part, as typed
	N   int
}

func (e *RelativeError) Error() string {
	return fmt.Sprintf("Relative revision %s didn't produce %d migrations", e.Ref, e.N)
}

// TargetError reports an upgrade or downgrade destination that does not
// lie on the way from the current heads.
type TargetError struct {
	Target    string
	Direction Direction
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("Destination %s is not a valid %s target from current head(s)", e.Target, e.Direction)
}

// RangeError reports a history range whose ends are not on one line.
type RangeError struct {
	Start, End string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("Requested range %s:%s does not refer to ancestor/descendant revisions along the same branch", e.Start, e.End)
}

// RevisionError is any other revision error, worded as Alembic's.
type RevisionError struct {
	Msg string
}

func (e *RevisionError) Error() string { return e.Msg }

// rangeNotAncestor is Alembic's RangeNotAncestorError, internal: the public
// operations turn it into a TargetError or RangeError.
type rangeNotAncestor struct{}

func (rangeNotAncestor) Error() string { return "range not ancestor" }
