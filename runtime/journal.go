package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/retort-sql/retort/graph"
)

// Log statuses. A step that ran in a transaction either commits as done or
// rolls back, leaving nothing of itself but a rolled-back row. A journaled
// step (no transactional DDL, or none mode, or a no-transaction script)
// counts its statements in statements_done as they complete: failed means
// it stopped on an error with statements_done of them applied, running
// that the process died with statements_done applied. Either refuses the
// next run until `upgrade --resume` or a stamp; a resumed row was
// continued by the row after it.
const (
	statusRunning    = "running"
	statusDone       = "done"
	statusFailed     = "failed"
	statusRolledBack = "rolled-back"
	statusResumed    = "resumed"
)

// Batcher is an optional interface of a dialect.DB (dialect/mysql's) whose
// connections take several ";"-separated statements in one call, run them
// in order, stop at the first that fails, and, once the call has reached
// the server, run them to the end even if the client is gone.
//
// That is what makes the journal exact where DDL commits on its own: a
// statement and the log update that counts it travel in one round trip, so
// that either the statement failed (and the server ran nothing after it)
// or both happened, whatever becomes of retort in between. Without it the
// journal writes after each statement, and a crash between the two leaves
// the log one statement behind the schema.
type Batcher interface {
	// Literal renders s as a string literal the server reads back as s:
	// the batch's own statements carry their values inline, since the
	// migration's statement must reach the server untouched.
	Literal(s string) string
}

// JournalBatcher is a Batcher for a database whose DDL commits on its own,
// whose journal batches also keep, in the run's session, how far the
// current batch got (the number of the step's statements completed). It is
// how a failed batch says whether the migration's statement or the
// journal's part failed.
type JournalBatcher interface {
	Batcher
	// SetProgress is a statement recording n in the session.
	SetProgress(n int) string
	// ProgressQuery reads it back: NULL when never set.
	ProgressQuery() string
}

// journal runs journaled steps as batches. nextID is the id the next log
// row gets: ids are given, not taken from AUTO_INCREMENT, so that the batch
// that ends one step can open the next one's row and the batches after it
// can name that row.
type journal struct {
	m        *Migrator
	conn     *sql.Conn
	lit      func(string) string
	progress JournalBatcher // the session marker; nil for journals that only render literals
	nextID   int64
	opened   bool // plans[i]'s row is written (by the batch that ended plans[i-1])
}

func (m *Migrator) batcher() (JournalBatcher, bool) {
	if m.d.TransactionalDDL() {
		return nil, false
	}
	b, ok := m.db.(JournalBatcher)
	return b, ok
}

// executeBatched runs plans on a dialect whose DDL commits on its own. Each
// round trip is one migration statement and its journal update; the last
// statement's batch also moves the version rows, marks the step done and
// opens the next step's row, in one transaction after the statement's own
// commit. A one-statement migration therefore costs the statement's commit
// and one more, which the version change needs anyway.
func (m *Migrator) executeBatched(ctx context.Context, conn *sql.Conn, b JournalBatcher, plans []plan) error {
	last, err := m.lastLogID(ctx, conn)
	if err != nil {
		return err
	}
	j := &journal{m: m, conn: conn, lit: b.Literal, progress: b, nextID: last + 1}
	for i := range plans {
		p := &plans[i]
		start := m.startStep(p, i, len(plans))
		var next *plan
		if i+1 < len(plans) {
			next = &plans[i+1]
		}
		var err error
		if p.runner != nil {
			err = j.runFunc(ctx, p, next)
		} else {
			err = j.run(ctx, p, next)
		}
		m.endStep(p, i, len(plans), start, err)
		if err != nil {
			return withApplied(err, plans[:i])
		}
	}
	return nil
}

// insertSQL writes plan p's running row with id, done statements already
// applied (a resumed step's).
func (j *journal) insertSQL(id int64, p *plan, done int) string {
	m := j.m
	return "INSERT INTO " + m.lt + " (id, " + logColumns + ") VALUES (" + strconv.FormatInt(id, 10) + ", " +
		strings.Join([]string{j.lit(p.rev), j.lit(p.dir), j.lit(p.checksum), j.lit(now()), "NULL", j.lit(statusRunning),
			strconv.Itoa(done), strconv.Itoa(p.total()), "NULL", j.lit(m.opts.Who), j.lit(m.opts.ToolVersion)}, ", ") + ")"
}

// versionSQL is applyVersion's statements with literals. applyVersion's
// check that an update matched one row is not made here: the run lock is
// held, and the rows were read under it.
func (j *journal) versionSQL(st *graph.Step) []string {
	m := j.m
	var out []string
	for _, v := range st.Delete {
		out = append(out, "DELETE FROM "+m.vt+" WHERE version_num = "+j.lit(v))
	}
	for _, v := range st.Insert {
		out = append(out, "INSERT INTO "+m.vt+" (version_num) VALUES ("+j.lit(v)+")")
	}
	if st.UpdateFrom != "" && st.UpdateFrom != st.UpdateTo {
		out = append(out, "UPDATE "+m.vt+" SET version_num = "+j.lit(st.UpdateTo)+" WHERE version_num = "+j.lit(st.UpdateFrom))
	}
	return out
}

// run runs plan p from statement p.from+1 on, then records it and opens
// next's row (next may be nil).
func (j *journal) run(ctx context.Context, p *plan, next *plan) error {
	m := j.m
	n := len(p.stmts)
	id := j.nextID
	opening := j.opening(p, id)
	k := p.from
	for {
		last := k >= n-1
		var b strings.Builder
		j.writeOpening(&b, opening)
		b.WriteString(j.progress.SetProgress(k) + ";\n")
		if k < n {
			// On a line of its own: a trailing "-- comment" must not
			// swallow what follows.
			b.WriteString(p.stmts[k].SQL + "\n;\n")
			b.WriteString(j.progress.SetProgress(k+1) + ";\n")
		}
		if !last {
			fmt.Fprintf(&b, "UPDATE %s SET statements_done = %d WHERE id = %d", m.lt, k+1, id)
		} else {
			j.writeFinish(&b, p, next, id, n)
		}
		if _, err := j.conn.ExecContext(ctx, b.String()); err != nil {
			return j.fail(ctx, p, id, k, k < n, err)
		}
		opening = nil
		if last {
			j.nextID = id + 1
			j.opened = next != nil
			return nil
		}
		k++
	}
}

// opening is what the first batch of a run writes before p's first
// statement: p's row (and, on resume, the closing of the row it
// continues). Later steps' rows were written by the batch that ended the
// step before, and need none.
func (j *journal) opening(p *plan, id int64) []string {
	if j.opened {
		return nil
	}
	m := j.m
	var opening []string
	if p.resumes != 0 {
		opening = append(opening, "UPDATE "+m.lt+" SET status = "+j.lit(statusResumed)+
			", finished_at = COALESCE(finished_at, "+j.lit(now())+") WHERE id = "+strconv.FormatInt(p.resumes, 10))
	}
	return append(opening, j.insertSQL(id, p, p.from))
}

func (j *journal) writeOpening(b *strings.Builder, opening []string) {
	if len(opening) == 0 {
		return
	}
	// -1: the opening writes failed, before the statement.
	b.WriteString(j.progress.SetProgress(-1) + ";\n")
	for _, s := range opening {
		b.WriteString(s + ";\n")
	}
}

// writeFinish ends a step's last batch: after the statement's own commit
// (DDL commits implicitly; anything else under autocommit), one
// transaction moves the version rows, marks the step done with its n
// statements and opens the next one's row.
func (j *journal) writeFinish(b *strings.Builder, p, next *plan, id int64, n int) {
	m := j.m
	b.WriteString("BEGIN;\n")
	for _, s := range j.versionSQL(p.step) {
		b.WriteString(s + ";\n")
	}
	fmt.Fprintf(b, "UPDATE %s SET status = %s, statements_done = %d, statements_total = %d, finished_at = %s WHERE id = %d;\n",
		m.lt, j.lit(statusDone), n, n, j.lit(now()), id)
	if next != nil {
		b.WriteString(j.insertSQL(id+1, next, 0) + ";\n")
	}
	b.WriteString("COMMIT")
}

// runFunc runs Go migration plan p: each statement it issues is a batch
// with its journal update, as run's are, and a last batch records the
// step once the func has returned, when the count is known.
func (j *journal) runFunc(ctx context.Context, p *plan, next *plan) error {
	m := j.m
	id := j.nextID
	opening := j.opening(p, id)
	var failed *StepError // a batch failed; fail has logged it
	k, inStatement, err := m.runFunc(ctx, j.conn, p, func(ctx context.Context, k int, stmt string) error {
		var b strings.Builder
		j.writeOpening(&b, opening)
		b.WriteString(j.progress.SetProgress(k) + ";\n")
		b.WriteString(stmt + "\n;\n")
		b.WriteString(j.progress.SetProgress(k+1) + ";\n")
		fmt.Fprintf(&b, "UPDATE %s SET statements_done = %d, checksum = %s WHERE id = %d", m.lt, k+1, j.lit(p.sum), id)
		if _, err := j.conn.ExecContext(ctx, b.String()); err != nil {
			se := j.fail(ctx, p, id, k, true, err)
			if failed, _ = se.(*StepError); failed != nil {
				return failed.Err // the func sees the database's words, as from Execute on any dialect
			}
			return se
		}
		opening = nil
		return nil
	})
	if failed != nil {
		return failed
	}
	if err != nil {
		// The func failed without a statement failing (or a statement's
		// batch failed in a way fail did not classify): k statements are
		// applied, each journaled.
		se := m.stepError(p, k, inStatement, err)
		if lerr := j.record(context.WithoutCancel(ctx), p, id, k, se.Error()); lerr != nil {
			se.Err = fmt.Errorf("%w (and the failure could not be logged: %v)", err, lerr)
		}
		return se
	}
	p.ran = k
	var b strings.Builder
	j.writeOpening(&b, opening)
	b.WriteString(j.progress.SetProgress(k) + ";\n")
	j.writeFinish(&b, p, next, id, k)
	if _, err := j.conn.ExecContext(ctx, b.String()); err != nil {
		return j.fail(ctx, p, id, k, false, err)
	}
	j.nextID = id + 1
	j.opened = next != nil
	return nil
}

// fail works out from the session how far a failed batch got (k
// statements were done before it; hasStmt: the batch held statement k+1),
// makes the log row say failed with exactly that many applied, and returns
// the StepError. If the session is gone (cancelled, connection lost) the
// server still ran the batch up to its failure, so the row already says
// how far it got; it stays running.
func (j *journal) fail(ctx context.Context, p *plan, id int64, k int, hasStmt bool, err error) error {
	m := j.m
	ctx = context.WithoutCancel(ctx)
	// A failure inside the final transaction leaves it open.
	_, _ = j.conn.ExecContext(ctx, "ROLLBACK")
	var got sql.NullInt64
	if qerr := j.conn.QueryRowContext(ctx, j.progress.ProgressQuery()).Scan(&got); qerr != nil {
		se := m.stepError(p, k, false, err)
		se.Err = fmt.Errorf("%w (the connection was lost; the log table %s_log says how far the step got)", err, m.vtRaw)
		return se
	}
	done, inStatement := k, false
	switch {
	case !got.Valid || got.Int64 < 0: // the opening writes failed: nothing ran
	case int(got.Int64) == k && hasStmt:
		inStatement = true // the statement failed; a DDL statement is atomic, so nothing of it stays
	default:
		done = int(got.Int64) // the statement completed; recording it failed
	}
	var cause error = &dbError{msg: m.d.ErrorMessage(err), err: err}
	se := m.stepError(p, done, inStatement, cause)
	if !inStatement {
		se.Err = fmt.Errorf("recording %s in log table %s_log: %w", statementOf(done, p.total()), m.vtRaw, cause)
	}
	if lerr := j.record(ctx, p, id, done, se.Error()); lerr != nil {
		se.Err = fmt.Errorf("%w (and the failure could not be logged: %v)", se.Err, lerr)
	}
	return se
}

// record makes row id say failed after done statements, writing the row if
// the batch that should have written it failed first.
func (j *journal) record(ctx context.Context, p *plan, id int64, done int, errText string) error {
	m := j.m
	res, err := j.conn.ExecContext(ctx, "UPDATE "+m.lt+" SET status = ?, statements_done = ?, error = ?, finished_at = ? WHERE id = ?",
		statusFailed, done, errText, now(), id)
	if err != nil {
		return fmt.Errorf("updating log table %s_log: %w", m.vtRaw, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	return m.insertLog(ctx, j.conn, logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: now(), finished: now(), status: statusFailed, done: done, total: p.total(), errText: errText})
}

// cutOff is the log's last row when it is a journaled step that did not
// finish (failed, or running because the process died), else nil.
func (m *Migrator) cutOff(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (*LogEntry, error) {
	var e LogEntry
	var errText, sum sql.NullString
	err := q.QueryRowContext(ctx, "SELECT id, revision, direction, checksum, status, statements_done, statements_total, error FROM "+m.lt+
		" WHERE id = (SELECT MAX(id) FROM "+m.lt+")").Scan(&e.ID, &e.Revision, &e.Direction, &sum, &e.Status,
		&e.StatementsDone, &e.StatementsTotal, &errText)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
	}
	e.Error, e.Checksum = errText.String, sum.String
	if e.Direction == "stamp" || (e.Status != statusRunning && e.Status != statusFailed) {
		return nil, nil
	}
	return &e, nil
}

// interruptedError describes cut-off row e for a refusal, with the
// statement it stopped at as the script reads now.
func (m *Migrator) interruptedError(e *LogEntry) *InterruptedError {
	ie := &InterruptedError{Revision: e.Revision, Direction: e.Direction, Status: e.Status, Done: e.StatementsDone,
		Total: e.StatementsTotal, Failure: e.Error, Program: m.opts.Program}
	if mig := m.migs[e.Revision]; mig != nil {
		ie.File = infoOf(mig, m.g.Revision(e.Revision)).File
		if _, ie.Go = mig.(Runner); ie.Go {
			return m.interruptedEdges(ie, e) // its next statement is known only by running it
		}
		dir := graph.Up
		if e.Direction == graph.Down.String() {
			dir = graph.Down
		}
		if stmts, err := mig.Statements(m.d.Name(), dir); err == nil && e.StatementsDone < len(stmts) {
			ie.SQL = stmts[e.StatementsDone].SQL
			ie.Line = stmts[e.StatementsDone].Line
		}
	}
	return m.interruptedEdges(ie, e)
}

// interruptedEdges fills in the revisions a stamp would name.
func (m *Migrator) interruptedEdges(ie *InterruptedError, e *LogEntry) *InterruptedError {
	if r := m.g.Revision(e.Revision); r != nil {
		if e.Direction == graph.Down.String() {
			ie.Before, ie.After = []string{e.Revision}, r.Revises
		} else {
			ie.Before, ie.After = r.Revises, []string{e.Revision}
		}
	}
	return ie
}

// resumePlan is the step that row e cut off, made ready to go on from its
// statement e.StatementsDone+1: it must be the first step towards target
// (or, upwards, the one step up to its revision).
func (m *Migrator) resumePlan(heads []string, dir graph.Direction, target string, e *LogEntry) ([]plan, error) {
	if e.Direction != dir.String() {
		return nil, fmt.Errorf("the step to resume is the %s of revision %s: run `%s %s --resume TARGET`",
			e.Direction, e.Revision, m.opts.Program, e.Direction)
	}
	var steps []graph.Step
	var err error
	if dir == graph.Down {
		steps, err = m.g.Downgrade(heads, target)
	} else {
		steps, err = m.g.Upgrade(heads, e.Revision)
	}
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 || steps[0].Revision == nil || steps[0].Revision.ID != e.Revision {
		return nil, fmt.Errorf("cannot resume the %s of revision %s: it is not the next step from %v towards %s",
			e.Direction, e.Revision, heads, target)
	}
	plans, err := m.prepare(steps[:1], dir.String())
	if err != nil {
		return nil, err
	}
	p := &plans[0]
	p.from, p.resumes = e.StatementsDone, e.ID
	if p.runner != nil {
		// The new row starts with the fingerprint of the statements it
		// takes as applied, so that a resume of it can check them too.
		p.resumeSum, p.checksum = e.Checksum, e.Checksum
		// How many statements it has is known only by running it: it runs
		// again from the start, and its first p.from are skipped.
		m.log.Info(fmt.Sprintf("Resuming %s of revision %s at statement %d (a Go migration: it runs again, skipping the %d statements applied)",
			e.Direction, e.Revision, p.from+1, p.from))
		return plans, nil
	}
	if e.StatementsDone > len(p.stmts) {
		return nil, fmt.Errorf("cannot resume the %s of revision %s: the log says %d statements are applied, but the script now has %d",
			e.Direction, e.Revision, e.StatementsDone, len(p.stmts))
	}
	m.log.Info(fmt.Sprintf("Resuming %s of revision %s at statement %d of %d", e.Direction, e.Revision, p.from+1, len(p.stmts)))
	return plans, nil
}

// NothingToResumeError: --resume, but the last run finished.
type NothingToResumeError struct {
	Table string
}

func (e *NothingToResumeError) Error() string {
	return fmt.Sprintf("nothing to resume: the last step logged in %s_log finished", e.Table)
}
