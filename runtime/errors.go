package runtime

import (
	"fmt"
	"strings"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/script"
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
	File      string // the script, or a Go migration's source file
	Line      int    // line of the failing statement in File, 0 if none
	Index     int    // failing statement, 1-based; 0 when the failure was not in a statement
	Total     int    // statements in the step; 0 for a Go migration that did not complete (unknown)
	SQL       string // the failing statement
	// Go is set when the step is a Go migration: its statements have no
	// line, so the message quotes the failing one instead.
	Go  bool
	Err error // the database's error, or what a Go migration returned (a *PanicError if it panicked)
	// Applied lists the steps of the same run that completed before this
	// one, in order: committed, they stay applied.
	Applied []AppliedStep
}

// AppliedStep is a step that completed.
type AppliedStep struct {
	Direction string // upgrade, downgrade
	Revision  string
	From, To  []string // the revisions it moved between, as in "Running upgrade A -> B"
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
	if e.Go {
		b.WriteString(" (Go migration)")
	}
	switch {
	case e.Index > 0 && e.Go:
		fmt.Fprintf(&b, ", %s", statementOf(e.Index, e.Total))
		if e.SQL != "" {
			b.WriteString(" (" + script.Summary(e.SQL) + ")")
		}
	case e.Index > 0:
		fmt.Fprintf(&b, ", statement %d of %d", e.Index, e.Total)
	case e.Direction != "":
		b.WriteString(", " + e.Direction)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// statementOf is "statement i of n", or "statement i" when n is unknown
// (0: a Go migration still running).
func statementOf(i, n int) string {
	if n <= 0 {
		return fmt.Sprintf("statement %d", i)
	}
	return fmt.Sprintf("statement %d of %d", i, n)
}

func (e *StepError) Unwrap() error { return e.Err }

// InterruptedError: the log's last row is a journaled step (run outside a
// transaction) that did not finish: it failed, or the process died, with
// Done of its Total statements applied. Nothing runs until a human decides:
// fix the script and resume, or finish or undo the step by hand and stamp.
type InterruptedError struct {
	Revision  string
	Direction string // upgrade or downgrade
	Status    string // failed, or running (the process died)
	File      string
	Line      int    // of the next statement, in File
	Done      int    // statements applied
	Total     int    // statements in the step
	SQL       string // the next statement, as the script reads now
	Failure   string // the failure, as logged
	// Before and After are the revisions to stamp once the step is undone
	// or completed by hand.
	Before, After []string
	Program       string // the command to name in the advice
	// Go is set when the step is a Go migration: Total is 0 (its count
	// is known only when it completes) and there is no SQL to quote.
	Go bool
}

func (e *InterruptedError) Error() string {
	if e.Go {
		return e.goError()
	}
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	next := e.Done + 1
	if e.Status == "failed" {
		fmt.Fprintf(&b, "the last %s of revision %s failed at statement %d of %d", e.Direction, e.Revision, min(next, e.Total), e.Total)
		if e.Failure != "" {
			if _, msg, ok := strings.Cut(e.Failure, fmt.Sprintf("of %d: ", e.Total)); ok {
				b.WriteString(": " + msg)
			}
		}
	} else {
		fmt.Fprintf(&b, "the last %s of revision %s was cut off before statement %d of %d", e.Direction, e.Revision, min(next, e.Total), e.Total)
	}
	if next > e.Total {
		b.WriteString(", after all its statements but before its version change")
	}
	fmt.Fprintf(&b, "; %d of its %d statements are applied, outside a transaction. ", e.Done, e.Total)
	// The statement is quoted as the script reads now, which is what
	// --resume will run: after a fix it is no longer the one that failed.
	stmt := ""
	if e.SQL != "" && next <= e.Total {
		stmt = " (" + script.Summary(e.SQL) + ")"
	}
	fmt.Fprintf(&b, "Fix the script if needed and run `%s %s --resume TARGET` to go on from statement %d%s, "+
		"or complete or undo the step by hand and run `%s stamp %s` (completed) or `%s stamp %s` (undone)",
		e.Program, e.Direction, min(next, e.Total), stmt, e.Program, stampArg(e.After), e.Program, stampArg(e.Before))
	return b.String()
}

// goError is Error for a Go migration: --resume runs it again and skips
// the statements already applied, which is only right if it issues the
// same statements in the same order.
func (e *InterruptedError) goError() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Status == "failed" {
		fmt.Fprintf(&b, "the last %s of revision %s (Go migration) failed after %d statements", e.Direction, e.Revision, e.Done)
		if msg := goFailure(e.Failure); msg != "" {
			b.WriteString(": " + msg)
		}
	} else {
		fmt.Fprintf(&b, "the last %s of revision %s (Go migration) was cut off after %d statements", e.Direction, e.Revision, e.Done)
	}
	fmt.Fprintf(&b, "; %d of its statements are applied, outside a transaction. ", e.Done)
	fmt.Fprintf(&b, "Fix the migration if needed and run `%s %s --resume TARGET`: it runs the Go migration again and skips the first %d statements it issues, "+
		"so it must issue the same statements in the same order; "+
		"or complete or undo the step by hand and run `%s stamp %s` (completed) or `%s stamp %s` (undone)",
		e.Program, e.Direction, e.Done, e.Program, stampArg(e.After), e.Program, stampArg(e.Before))
	return b.String()
}

// goFailure is the cause in a Go migration's logged StepError text: what
// follows its "statement N (SQL): " or ", upgrade: " part.
func goFailure(text string) string {
	if _, rest, ok := strings.Cut(text, " (Go migration), "); ok {
		if strings.HasPrefix(rest, "statement ") {
			if _, msg, ok := strings.Cut(rest, "): "); ok {
				return msg
			}
		}
		if _, msg, ok := strings.Cut(rest, ": "); ok {
			return msg
		}
	}
	return ""
}

func stampArg(revs []string) string {
	if len(revs) == 0 {
		return "base"
	}
	return strings.Join(revs, " ")
}

// dbError is a database error as the dialect words it, still unwrapping to
// the driver's error for errors.As.
type dbError struct {
	msg string
	err error
}

func (e *dbError) Error() string { return e.msg }
func (e *dbError) Unwrap() error { return e.err }
