package runtime

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"path"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/script"
)

// Runner is a Migration that runs code instead of a fixed list of
// statements: a Go migration. The runtime calls Run once per step with an
// operations handle whose statements it executes and counts as a script's
// (in the step's transaction where DDL is transactional, journaled one by
// one where it is not). Its Statements method is never called, and a
// Checksum of "" means there is nothing to verify.
//
// A journaled step that failed half way (MySQL) is resumed by running the
// func again and skipping the statements the log says are applied, so a
// Runner must issue the same statements in the same order each time.
type Runner interface {
	Run(ctx context.Context, ops *op.Operations, dir graph.Direction) error
}

// GoMigration is a Go migration: a revision of the graph whose upgrade and
// downgrade are funcs. The root package's retort.Migration becomes one.
type GoMigration struct {
	graph.Revision // ID, Revises, DependsOn, BranchLabels, Message; File names the Go source for messages
	NoTransaction  bool
	Up, Down       func(ctx context.Context, ops *op.Operations) error
}

var (
	_ Migration = (*GoMigration)(nil)
	_ Runner    = (*GoMigration)(nil)
	_ Informer  = (*GoMigration)(nil)
)

// Statements is not used: a Go migration runs through Run.
func (g *GoMigration) Statements(string, graph.Direction) ([]script.Statement, error) {
	return nil, nil
}

// Checksum is "": a Go migration has no text to compare with what ran.
func (g *GoMigration) Checksum() string { return "" }

func (g *GoMigration) MigrationInfo() MigrationInfo {
	return MigrationInfo{File: g.File, NoTransaction: g.NoTransaction}
}

// Run calls Up or Down.
func (g *GoMigration) Run(ctx context.Context, ops *op.Operations, dir graph.Direction) error {
	if err := g.check(dir); err != nil {
		return err
	}
	if dir == graph.Down {
		return g.Down(ctx, ops)
	}
	return g.Up(ctx, ops)
}

// check fails when the func for dir is missing: a run checks every step
// before it starts, so that a missing Downgrade stops nothing half way.
func (g *GoMigration) check(dir graph.Direction) error {
	f, what := g.Up, "an Upgrade"
	if dir == graph.Down {
		f, what = g.Down, "a Downgrade"
	}
	if f != nil {
		return nil
	}
	where := ""
	if g.File != "" {
		where = g.File + ": "
	}
	return fmt.Errorf("%srevision %s is a Go migration without %s func: it cannot be %sd", where, g.ID, what, dir)
}

// Assemble builds the revision graph of SQL scripts and Go migrations
// together, and the map of migrations the runtime runs. Revisions are
// given to the graph in file-name order, a Go migration taking the place a
// script named after its id would have (Alembic breaks ties between
// branches by that order). A revision defined twice, in whichever of the
// two, fails with *graph.DuplicateError naming both places.
func Assemble(scripts []*script.Script, gos []*GoMigration) (*graph.Graph, map[string]Migration, error) {
	type entry struct {
		key string
		rev *graph.Revision
		mig Migration
	}
	entries := make([]entry, 0, len(scripts)+len(gos))
	for _, s := range scripts {
		entries = append(entries, entry{path.Base(s.Path), &s.Revision, s})
	}
	for _, g := range gos {
		entries = append(entries, entry{g.ID, &g.Revision, g})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	revs := make([]*graph.Revision, len(entries))
	migs := make(map[string]Migration, len(entries))
	for i, e := range entries {
		revs[i] = e.rev
		migs[e.rev.ID] = e.mig
	}
	g, err := graph.New(revs)
	if err != nil {
		return nil, nil, err
	}
	return g, migs, nil
}

// PanicError is a Go migration's panic, recovered: the step fails as if
// the func had returned it.
type PanicError struct {
	Value any
	Stack []byte // the panicking goroutine's stack, for logs
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap gives the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// renderer is the dialect's operation renderer.
func (m *Migrator) renderer() (op.Renderer, error) {
	if r, ok := m.d.(op.Renderer); ok {
		return r, nil
	}
	return nil, fmt.Errorf("the %s dialect renders no operations (it has no op.Renderer): Go migrations cannot run on it", m.d.Name())
}

// runFunc runs plan p's Go migration. exec runs statement k (0-based,
// counting those a resumed step skips) of the step; it is called for
// statement p.from on. It returns how many statements completed, whether
// the failure (if any) was a statement's (then p.cur is that statement),
// and the error: the one the func returned, its recovered panic, or the
// failed statement's when the func went on and returned nil after it.
//
// db is the step's connection for the handle; nil (untyped) offline.
func (m *Migrator) runFunc(ctx context.Context, db op.Querier, p *plan, exec func(ctx context.Context, k int, stmt string) error) (int, bool, error) {
	r, err := m.renderer()
	if err != nil {
		return 0, false, err
	}
	k := 0
	var stmtErr, resumeErr error
	sums := newStatementSums()
	ops := op.New(m.d.Name(), r, db, func(ctx context.Context, stmt string) error {
		if stmtErr != nil || resumeErr != nil {
			// Nothing runs after a failed statement: on a transactional
			// dialect the step rolls back anyway, on MySQL the log must
			// stay exact.
			return fmt.Errorf("not run: statement %d of this migration failed before it: %w", k+1, cmp.Or(stmtErr, resumeErr))
		}
		if k == p.from && p.from > 0 {
			if resumeErr = p.checkResumed(sums.sum()); resumeErr != nil {
				return resumeErr
			}
		}
		sums.add(stmt)
		if k < p.from {
			k++ // applied by the run that this one resumes
			return nil
		}
		p.cur, p.sum = stmt, sums.sum()
		if err := exec(ctx, k, stmt); err != nil {
			stmtErr = err
			return err
		}
		k++
		return nil
	})
	err = callRunner(ctx, p.runner, ops, p.step.Direction)
	switch {
	case resumeErr != nil:
		return k, false, resumeErr
	case stmtErr != nil:
		if err == nil {
			err = stmtErr // the func went on after the failure: the step still fails
		}
		return k, true, err
	case err != nil:
		return k, false, err
	case k < p.from:
		return k, false, fmt.Errorf("resuming a Go migration: it issued %d statements, but the log says %d were applied; "+
			"a resumed Go migration must issue the same statements in the same order", k, p.from)
	case k == p.from && p.from > 0:
		if err := p.checkResumed(sums.sum()); err != nil {
			return k, false, err
		}
	}
	return k, false, nil
}

// statementSumPrefix marks a log row's checksum that is a Go migration's
// statement fingerprint: a Go migration has no script text to checksum,
// so its journaled row records instead what its applied statements were.
const statementSumPrefix = "stmts:"

// statementSums fingerprints the statements a Go migration issues, in
// order, so that a resumed run can tell whether the statements it skips
// are the ones the cut-off run applied. Renderers read the live schema,
// and a schema that the cut-off run changed can make the same func issue
// other statements (a CREATE TYPE found existing and left out, a column
// found renamed), which skipping by count alone would not see.
type statementSums struct{ h hash.Hash }

func newStatementSums() *statementSums { return &statementSums{h: sha256.New()} }

func (s *statementSums) add(stmt string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(stmt)))
	s.h.Write(n[:])
	s.h.Write([]byte(stmt))
}

func (s *statementSums) sum() string {
	return statementSumPrefix + hex.EncodeToString(s.h.Sum(nil)[:16])
}

// checkResumed compares the fingerprint of the statements a resumed Go
// migration skipped with the one its cut-off run recorded. A row written
// before fingerprints were recorded has none, and is taken on trust.
func (p *plan) checkResumed(skipped string) error {
	if !strings.HasPrefix(p.resumeSum, statementSumPrefix) || skipped == p.resumeSum {
		return nil
	}
	return fmt.Errorf("resuming a Go migration: the first %d statements it issues now are not the %d the failed run applied "+
		"(the schema it renders against has changed since, or so has the func); nothing more was run. "+
		"Complete or undo the step by hand and stamp it", p.from, p.from)
}

// callRunner calls Run, turning a panic into a *PanicError.
func callRunner(ctx context.Context, r Runner, ops *op.Operations, dir graph.Direction) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return r.Run(ctx, ops, dir)
}
