package runtime

import (
	"fmt"
	"strings"

	"github.com/retort-sql/retort/dialect"
)

// LockTimeoutError: the run lock stayed held by another run for the whole
// lock timeout.
type LockTimeoutError = dialect.LockTimeoutError

// UnknownVersionError: the version table names a revision that no script
// defines.
type UnknownVersionError struct {
	Table    string
	Revision string
	Program  string // the command to name in the advice
}

func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("the version table %s names revision %s, which no script defines; "+
		"if another component owns this table, give this project a version table of its own (version_table in retort.ini), "+
		"or run `%s stamp --purge REVISION` to record where this database really is", e.Table, e.Revision, e.Program)
}

// Mismatch is an applied revision whose script changed since it was
// applied (or last stamped).
type Mismatch struct {
	Revision string `json:"revision"`
	File     string `json:"file"`
	Recorded string `json:"recorded"` // checksum in the log
	Current  string `json:"current"`  // checksum of the script now
}

// ChangedScriptError stops a run because applied scripts changed.
type ChangedScriptError struct {
	Mismatches []Mismatch // at least one
	Current    []string   // the version rows, which a stamp would re-record
	Program    string     // the command to name in the advice
}

func (e *ChangedScriptError) Error() string {
	first := e.Mismatches[0]
	where := first.Revision
	if first.File != "" {
		where = first.File + ": revision " + first.Revision
	}
	more := ""
	if n := len(e.Mismatches) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more)", n)
	}
	return fmt.Sprintf("%s changed since it was applied%s; run `%s verify` to see what changed, "+
		"then `%s stamp %s` to accept the scripts as they are now (or pass --allow-changed)",
		where, more, e.Program, e.Program, strings.Join(e.Current, " "))
}

// StepError: a step failed. The version table stays at the last step that
// completed.
type StepError struct {
	Revision  string
	Direction string // upgrade, downgrade, stamp
	File      string
	Line      int    // line of the failing statement in File, 0 if none
	Index     int    // failing statement, 1-based; 0 when the failure was not in a statement
	Total     int    // statements in the step
	SQL       string // the failing statement
	Err       error
}

func (e *StepError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	b.WriteString("revision " + e.Revision)
	if e.Index > 0 {
		fmt.Fprintf(&b, ", statement %d of %d", e.Index, e.Total)
	} else if e.Direction != "" {
		b.WriteString(", " + e.Direction)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// InterruptedError: the log's last row is a step that started outside a
// transaction and never finished (the process died), so the database holds
// part of it. Nothing runs until a human decides: fix it by hand and stamp.
type InterruptedError struct {
	Revision  string
	Direction string
	Done      int
	Total     int
	Program   string // the command to name in the advice
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("the last run stopped during %s of revision %s after statement %d of %d, outside a transaction, so part of it is applied; "+
		"finish or undo it by hand, then run `%s stamp REVISION` to record where this database really is",
		e.Direction, e.Revision, e.Done, e.Total, e.Program)
}

// dbError is a database error as the dialect words it, still unwrapping to
// the driver's error for errors.As.
type dbError struct {
	msg string
	err error
}

func (e *dbError) Error() string { return e.msg }
func (e *dbError) Unwrap() error { return e.err }
