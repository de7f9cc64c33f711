package retort

import (
	"errors"
	"fmt"
	"strings"

	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/runtime"
)

// The errors a Retort's methods return, by what went wrong. Each is the
// type of the package that detects it, so errors.As works whichever way a
// caller reaches it.
type (
	// MultipleHeadsError: "head" (or label@head) names several heads.
	MultipleHeadsError = graph.MultipleHeadsError
	// UnknownRevisionError: a target names no revision.
	UnknownRevisionError = graph.UnknownRevisionError
	// AmbiguousRevisionError: a partial id that several revisions start
	// with.
	AmbiguousRevisionError = graph.AmbiguousError
	// TargetError: a target that does not lie on the way from the current
	// version rows.
	TargetError = graph.TargetError
	// DuplicateRevisionError: a revision defined twice (by scripts, Go
	// migrations, or one of each), naming both.
	DuplicateRevisionError = graph.DuplicateError
	// MissingRevisionError: a revises or depends-on naming no revision.
	MissingRevisionError = graph.MissingRevisionError
	// CycleError: revisions that revise each other in a loop.
	CycleError = graph.CycleError

	// StepError: one step failed; it names the revision, the file or Go
	// migration, the statement when one failed, and the cause.
	StepError = runtime.StepError
	// AppliedStep is a step that completed before a failure.
	AppliedStep = runtime.AppliedStep
	// PanicError: a Go migration panicked (recovered; the step failed).
	PanicError = runtime.PanicError
	// InterruptedError: the last run left a step half done outside a
	// transaction (MySQL); nothing runs until ResumeUpgrade or a stamp.
	InterruptedError = runtime.InterruptedError
	// NothingToResumeError: a resume with nothing left half done.
	NothingToResumeError = runtime.NothingToResumeError
	// ChangedScriptError: an applied script changed since it ran.
	ChangedScriptError = runtime.ChangedScriptError
	// UnknownVersionError: the version table names a revision this
	// project does not define.
	UnknownVersionError = runtime.UnknownVersionError
	// LockTimeoutError: another run held the lock for the whole lock
	// timeout.
	LockTimeoutError = runtime.LockTimeoutError
)

// PartialError is what Upgrade, Downgrade and their resumes return when a
// step fails: the steps the run completed before it (Applied, committed:
// they stay, possibly none) and the failure itself (Failed, a *StepError,
// which errors.As also finds through it).
type PartialError struct {
	Applied []AppliedStep
	Failed  *StepError
}

func (e *PartialError) Error() string {
	if len(e.Applied) == 0 {
		return e.Failed.Error()
	}
	steps := make([]string, len(e.Applied))
	for i, a := range e.Applied {
		steps[i] = a.Direction + " " + a.Revision
	}
	return fmt.Sprintf("%s (applied before it: %s)", e.Failed.Error(), strings.Join(steps, ", "))
}

func (e *PartialError) Unwrap() error { return e.Failed }

// partial wraps a run's StepError in a PartialError.
func partial(err error) error {
	var se *StepError
	if err == nil || !errors.As(err, &se) {
		return err
	}
	return &PartialError{Applied: se.Applied, Failed: se}
}
