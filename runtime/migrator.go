package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/script"
)

// Heads returns the version rows, sorted. It takes no lock and creates
// nothing: a missing version table is no rows.
func (m *Migrator) Heads(ctx context.Context) ([]string, error) {
	heads, err := m.readHeads(ctx, m.db.SQL())
	if err != nil {
		return nil, err
	}
	if err := m.validate(heads); err != nil {
		return nil, err
	}
	return heads, nil
}

// Verify lists applied revisions (the rows and their ancestors) whose
// script's checksum differs from the one recorded by their latest upgrade
// or stamp. Revisions never recorded (applied by Alembic) are not listed.
func (m *Migrator) Verify(ctx context.Context) ([]Mismatch, error) {
	heads, err := m.Heads(ctx)
	if err != nil {
		return nil, err
	}
	return m.mismatches(ctx, m.db.SQL(), heads)
}

// Log returns the log table's rows, newest first; limit <= 0 returns all.
func (m *Migrator) Log(ctx context.Context, limit int) ([]LogEntry, error) {
	return m.readLog(ctx, m.db.SQL(), limit)
}

// EnsureVersion creates the version table and its log if missing.
func (m *Migrator) EnsureVersion(ctx context.Context) error {
	return m.locked(ctx, func(context.Context, *sql.Conn) error { return nil })
}

// Upgrade runs the upgrade steps from the current rows to target.
func (m *Migrator) Upgrade(ctx context.Context, target string) error {
	return m.migrate(ctx, graph.Up, target, false)
}

// Downgrade runs the downgrade steps from the current rows to target.
func (m *Migrator) Downgrade(ctx context.Context, target string) error {
	return m.migrate(ctx, graph.Down, target, false)
}

// ResumeUpgrade goes on with the upgrade step that the last run left
// failed or cut off (see InterruptedError), from the statement after the
// last one applied, reading its script anew (the user may have fixed it;
// the new checksum is recorded), then upgrades on to target. With nothing
// to resume it fails with *NothingToResumeError.
func (m *Migrator) ResumeUpgrade(ctx context.Context, target string) error {
	return m.migrate(ctx, graph.Up, target, true)
}

// ResumeDowngrade is ResumeUpgrade for a downgrade step.
func (m *Migrator) ResumeDowngrade(ctx context.Context, target string) error {
	return m.migrate(ctx, graph.Down, target, true)
}

func (m *Migrator) migrate(ctx context.Context, dir graph.Direction, target string, resume bool) error {
	return m.locked(ctx, func(ctx context.Context, conn *sql.Conn) error {
		heads, err := m.readHeads(ctx, conn)
		if err != nil {
			return err
		}
		if err := m.validate(heads); err != nil {
			return err
		}
		cut, err := m.cutOff(ctx, conn)
		if err != nil {
			return err
		}
		switch {
		case cut != nil && !resume:
			return m.interruptedError(cut)
		case cut == nil && resume:
			return &NothingToResumeError{Table: m.vtRaw}
		}
		if !m.opts.AllowChanged {
			mm, err := m.mismatches(ctx, conn, heads)
			if err != nil {
				return err
			}
			if len(mm) > 0 {
				return &ChangedScriptError{Mismatches: mm, Current: heads, Program: m.opts.Program}
			}
		}
		var resumed []plan
		if cut != nil {
			plans, err := m.resumePlan(heads, dir, target, cut)
			if err != nil {
				return err
			}
			m.prelude()
			if err := m.execute(ctx, conn, plans); err != nil {
				return err
			}
			if heads, err = m.readHeads(ctx, conn); err != nil {
				return err
			}
			resumed = plans
		}
		var steps []graph.Step
		if dir == graph.Down {
			steps, err = m.g.Downgrade(heads, target)
		} else {
			steps, err = m.g.Upgrade(heads, target)
		}
		if err != nil {
			return err // the graph's own words, as Alembic's
		}
		plans, err := m.prepare(steps, dir.String())
		if err != nil {
			return err
		}
		if cut == nil {
			m.prelude()
		}
		return withApplied(m.execute(ctx, conn, plans), resumed)
	})
}

// Stamp sets the version rows to targets without running any migration,
// recording each stamped revision's checksum. It also re-records the
// checksum of every applied revision whose script changed, which is how a
// changed script is accepted. With purge the rows are emptied first, and
// rows naming unknown revisions are no obstacle.
func (m *Migrator) Stamp(ctx context.Context, targets []string, purge bool) error {
	return m.locked(ctx, func(ctx context.Context, conn *sql.Conn) error {
		heads, err := m.readHeads(ctx, conn)
		if err != nil {
			return err
		}
		if purge {
			heads = nil
		} else if err := m.validate(heads); err != nil {
			return err
		}
		steps, err := m.g.Stamp(heads, targets, purge)
		if err != nil {
			return err
		}
		plans, err := m.prepare(steps, "stamp")
		if err != nil {
			return err
		}
		// A stamp is how a human says a failed or cut-off step is dealt
		// with; one that moves nothing must still end the log with a
		// stamp row, or the next run would refuse again.
		cut, err := m.cutOff(ctx, conn)
		if err != nil {
			return err
		}
		m.prelude()
		if err := m.begin(ctx, conn); err != nil {
			return err
		}
		err = m.stampTx(ctx, conn, plans, purge)
		if err == nil && cut != nil && len(plans) == 0 {
			err = m.stampInPlace(ctx, conn)
		}
		if err == nil {
			err = m.commit(ctx, conn)
		}
		if err != nil {
			m.rollback(ctx, conn)
			return fmt.Errorf("stamping %s: %w", strings.Join(targets, ", "), err)
		}
		return nil
	})
}

// stampInPlace logs a stamp of each current row, with its script's
// checksum: the database is declared to be where its rows say.
func (m *Migrator) stampInPlace(ctx context.Context, conn *sql.Conn) error {
	heads, err := m.readHeads(ctx, conn)
	if err != nil {
		return err
	}
	if len(heads) == 0 {
		heads = []string{"base"}
	}
	for _, h := range heads {
		sum := ""
		if mig := m.migs[h]; mig != nil {
			sum = mig.Checksum()
		}
		t := now()
		if err := m.insertLog(ctx, conn, logRow{revision: h, direction: "stamp", checksum: sum,
			started: t, finished: t, status: statusDone}); err != nil {
			return err
		}
	}
	return nil
}

func (m *Migrator) stampTx(ctx context.Context, conn *sql.Conn, plans []plan, purge bool) error {
	if purge {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+m.vt); err != nil {
			return fmt.Errorf("emptying version table %s: %w", m.vtRaw, err)
		}
	}
	for i := range plans {
		p := &plans[i]
		m.log.Info(p.line())
		if err := m.applyVersion(ctx, conn, p.step); err != nil {
			return err
		}
		t := now()
		if err := m.insertLog(ctx, conn, logRow{revision: p.rev, direction: "stamp", checksum: p.checksum,
			started: t, finished: t, status: "done"}); err != nil {
			return err
		}
	}
	heads, err := m.readHeads(ctx, conn)
	if err != nil {
		return err
	}
	mm, err := m.mismatches(ctx, conn, heads)
	if err != nil {
		return err
	}
	for _, mis := range mm {
		m.log.Info(fmt.Sprintf("Recording the changed script of revision %s", mis.Revision))
		t := now()
		if err := m.insertLog(ctx, conn, logRow{revision: mis.Revision, direction: "stamp", checksum: mis.Current,
			started: t, finished: t, status: "done"}); err != nil {
			return err
		}
	}
	return nil
}

// locked runs fn on one connection holding the run lock, with the version
// tables in place. Everything fn reads, it reads after the lock is held.
func (m *Migrator) locked(ctx context.Context, fn func(context.Context, *sql.Conn) error) (err error) {
	conn, err := m.db.SQL().Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", m.db.Describe(), err)
	}
	defer conn.Close()
	release, err := m.db.Lock(ctx, conn, m.lockKey(), dialect.LockOptions{
		Timeout: max(m.opts.LockTimeout, 0),
		Waiting: func(target, holder string) {
			m.log.Info(fmt.Sprintf("Waiting for the lock on %s, held by %s", target, holder))
			m.emit(Event{Kind: EventLockWait, LockTarget: target, LockHolder: holder})
		},
	})
	if err != nil {
		return err
	}
	defer func() {
		if rerr := release(); err == nil {
			err = rerr
		}
	}()
	if err := m.ensureTables(ctx, conn); err != nil {
		return err
	}
	return fn(ctx, conn)
}

// prelude is what Alembic says before its steps.
func (m *Migrator) prelude() {
	m.log.Info(fmt.Sprintf("Context impl %s.", m.d.ImplName()))
	if m.d.TransactionalDDL() {
		m.log.Info("Will assume transactional DDL.")
	} else {
		m.log.Info("Will assume non-transactional DDL.")
	}
}

// plan is a step made ready to run: statements read and checksum taken,
// before anything runs, so that a broken script fails the whole command
// rather than the middle of it.
type plan struct {
	step     *graph.Step
	dir      string // upgrade, downgrade, stamp
	rev      string
	msg      string
	stmts    []script.Statement
	info     MigrationInfo
	checksum string
	from     int   // statements already applied: a resumed step starts after them
	resumes  int64 // log row of the cut-off step this one resumes, 0 if none

	// A Go migration's step has a runner instead of stmts: how many
	// statements it issues is known only once it has run (ran), and cur
	// is the statement it is running, or that failed.
	runner Runner
	ran    int
	cur    string
	// sum fingerprints the statements a Go migration issued up to and
	// including cur; the journal records it with each count, and a resumed
	// step compares what it skips with resumeSum, the cut-off run's.
	sum       string
	resumeSum string
}

// total is the step's statement count: a script's, or for a Go migration
// the count once it completed, 0 (unknown) before.
func (p *plan) total() int {
	if p.runner != nil {
		return p.ran
	}
	return len(p.stmts)
}

func (p *plan) line() string {
	from, to := strings.Join(p.step.From, ", "), strings.Join(p.step.To, ", ")
	if p.dir == "stamp" {
		return fmt.Sprintf("Running stamp_revision %s -> %s", from, to)
	}
	return fmt.Sprintf("Running %s %s -> %s, %s", p.dir, from, to, p.msg)
}

func (m *Migrator) prepare(steps []graph.Step, dir string) ([]plan, error) {
	plans := make([]plan, len(steps))
	for i := range steps {
		st := &steps[i]
		p := plan{step: st, dir: dir}
		if st.Revision != nil {
			p.rev, p.msg = st.Revision.ID, st.Revision.Message
		} else {
			p.rev = "base" // a stamp down to base
		}
		mig := m.migs[p.rev]
		if mig == nil {
			if dir != "stamp" {
				return nil, fmt.Errorf("revision %s has no migration to run", p.rev)
			}
		} else {
			p.info = infoOf(mig, st.Revision)
			p.checksum = mig.Checksum()
			if r, ok := mig.(Runner); ok && dir != "stamp" {
				if g, ok := mig.(*GoMigration); ok {
					if err := g.check(st.Direction); err != nil {
						return nil, err
					}
				}
				p.runner = r
			} else if dir != "stamp" {
				stmts, err := mig.Statements(m.d.Name(), st.Direction)
				if err != nil {
					return nil, fmt.Errorf("reading %s of revision %s: %w", dir, p.rev, err)
				}
				p.stmts = stmts
			}
		}
		plans[i] = p
	}
	return plans, nil
}

func (m *Migrator) begin(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, m.d.BeginSQL()); err != nil {
		return fmt.Errorf("beginning a transaction: %w", err)
	}
	return nil
}

func (m *Migrator) commit(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// rollback ignores cancellation: a cancelled run must still not leave a
// transaction open on a connection that goes back to the pool.
func (m *Migrator) rollback(ctx context.Context, conn *sql.Conn) {
	_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
}

// execute runs the plans in the transaction mode.
func (m *Migrator) execute(ctx context.Context, conn *sql.Conn, plans []plan) error {
	if b, ok := m.batcher(); ok {
		return m.executeBatched(ctx, conn, b, plans)
	}
	transactional := m.d.TransactionalDDL() && m.opts.TransactionMode != None
	if transactional && m.opts.TransactionMode == All {
		return m.executeAll(ctx, conn, plans)
	}
	for i := range plans {
		p := &plans[i]
		start := m.startStep(p, i, len(plans))
		var err error
		if transactional && !p.info.NoTransaction {
			err = m.runTx(ctx, conn, p)
		} else {
			err = m.runJournaled(ctx, conn, p)
		}
		m.endStep(p, i, len(plans), start, err)
		if err != nil {
			return withApplied(err, plans[:i])
		}
	}
	return nil
}

// withApplied tells a StepError which steps of its run completed before
// it (committed, so they stay).
func withApplied(err error, done []plan) error {
	var se *StepError
	if !errors.As(err, &se) || len(done) == 0 {
		return err
	}
	applied := make([]AppliedStep, len(done))
	for i := range done {
		p := &done[i]
		applied[i] = AppliedStep{Direction: p.dir, Revision: p.rev, From: p.step.From, To: p.step.To}
	}
	se.Applied = append(applied, se.Applied...)
	return err
}

func (m *Migrator) startStep(p *plan, i, n int) time.Time {
	m.log.Info(p.line())
	m.emit(Event{Kind: EventStepStart, Direction: p.dir, Revision: p.rev, From: p.step.From, To: p.step.To,
		Index: i + 1, Total: n, Statements: p.total()})
	return time.Now()
}

func (m *Migrator) endStep(p *plan, i, n int, start time.Time, err error) {
	if m.opts.OnEvent == nil {
		return
	}
	kind := EventStepDone
	if err != nil {
		kind = EventStepFailed
	}
	m.emit(Event{Kind: kind, Direction: p.dir, Revision: p.rev, From: p.step.From, To: p.step.To,
		Index: i + 1, Total: n, Statements: p.total(), Elapsed: time.Since(start), Err: err})
}

// stepError describes a failure of plan p; k statements had completed.
func (m *Migrator) stepError(p *plan, k int, failedInStatement bool, err error) *StepError {
	e := &StepError{Revision: p.rev, Direction: p.dir, File: p.info.File, Total: p.total(), Go: p.runner != nil, Err: err}
	switch {
	case !failedInStatement:
	case p.runner != nil:
		e.Index, e.SQL = k+1, p.cur
	default:
		s := p.stmts[k]
		e.Index, e.Line, e.SQL = k+1, s.Line, s.SQL
	}
	return e
}

// runStatements runs p's statements, returning how many completed and,
// on failure, the error.
func (m *Migrator) runStatements(ctx context.Context, conn *sql.Conn, p *plan, after func(done int) error) (int, error) {
	for k := p.from; k < len(p.stmts); k++ {
		if _, err := conn.ExecContext(ctx, p.stmts[k].SQL); err != nil {
			return k, &dbError{msg: m.d.ErrorMessage(err), err: err}
		}
		if after != nil {
			if err := after(k + 1); err != nil {
				return k + 1, err
			}
		}
	}
	return len(p.stmts), nil
}

// runTx runs one migration in its own transaction with its version change
// and its done log row: one commit per migration and nothing more.
func (m *Migrator) runTx(ctx context.Context, conn *sql.Conn, p *plan) error {
	started := now()
	b, batched := m.db.(Batcher)
	rest := p
	if p.runner != nil {
		if err := m.begin(ctx, conn); err != nil {
			return m.failed(ctx, conn, p, started, 0, false, err)
		}
		k, inStatement, err := m.runFunc(ctx, conn, p, m.execIn(conn))
		if err != nil {
			m.rollback(ctx, conn)
			return m.failed(ctx, conn, p, started, k, inStatement, err)
		}
		p.ran = k
		return m.recordCommit(ctx, conn, b, batched, p, started, k)
	}
	if batched && p.from < len(p.stmts) {
		// BEGIN travels with the first statement, in front of it, so that
		// the statement reaches the server as written: one round trip
		// less per migration. BEGIN cannot fail on an idle session, so an
		// error here is the statement's.
		if _, err := conn.ExecContext(ctx, m.d.BeginSQL()+";\n"+p.stmts[p.from].SQL); err != nil {
			m.rollback(ctx, conn)
			return m.failed(ctx, conn, p, started, p.from, true, &dbError{msg: m.d.ErrorMessage(err), err: err})
		}
		next := *p
		next.from++
		rest = &next
	} else if err := m.begin(ctx, conn); err != nil {
		return m.failed(ctx, conn, p, started, 0, false, err)
	}
	k, err := m.runStatements(ctx, conn, rest, nil)
	if err != nil {
		m.rollback(ctx, conn)
		return m.failed(ctx, conn, p, started, k, true, err)
	}
	return m.recordCommit(ctx, conn, b, batched, p, started, k)
}

// execIn runs a Go migration's statements on conn, as runStatements runs
// a script's.
func (m *Migrator) execIn(conn *sql.Conn) func(context.Context, int, string) error {
	return func(ctx context.Context, _ int, stmt string) error {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return &dbError{msg: m.d.ErrorMessage(err), err: err}
		}
		return nil
	}
}

// recordCommit ends runTx's transaction: the version change, the done row
// and the COMMIT, after k statements ran.
func (m *Migrator) recordCommit(ctx context.Context, conn *sql.Conn, b Batcher, batched bool, p *plan, started string, k int) error {
	if batched {
		// The version change, the done row and the COMMIT in one round
		// trip, so that a migration costs what psql's BEGIN; ...; COMMIT
		// does: a third of a one-table migration's time went to the two
		// round trips this saves.
		if _, err := conn.ExecContext(ctx, m.recordBatch(b, p, started)+";\nCOMMIT"); err != nil {
			m.rollback(ctx, conn)
			return m.failed(ctx, conn, p, started, k, false, m.recordError(p, err))
		}
		return nil
	}
	if err := m.record(ctx, conn, p, started); err != nil {
		m.rollback(ctx, conn)
		return m.failed(ctx, conn, p, started, k, false, err)
	}
	if err := m.commit(ctx, conn); err != nil {
		m.rollback(ctx, conn)
		return m.failed(ctx, conn, p, started, k, false, err)
	}
	return nil
}

// record writes a completed step's version change and done log row.
func (m *Migrator) record(ctx context.Context, conn *sql.Conn, p *plan, started string) error {
	if b, ok := m.db.(Batcher); ok {
		if _, err := conn.ExecContext(ctx, m.recordBatch(b, p, started)); err != nil {
			return m.recordError(p, err)
		}
		return nil
	}
	if err := m.applyVersion(ctx, conn, p.step); err != nil {
		return err
	}
	return m.insertLog(ctx, conn, logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: started, finished: now(), status: "done", done: p.total(), total: p.total()})
}

// recordBatch is record's statements as one ";"-separated text with the
// values inline, for a database that runs such a batch in one round trip
// (a Batcher). applyVersion's check that an update matched one row is not
// made: the run lock is held, and the rows were read under it.
func (m *Migrator) recordBatch(b Batcher, p *plan, started string) string {
	j := &journal{m: m, lit: b.Literal}
	stmts := j.versionSQL(p.step)
	n := strconv.Itoa(p.total())
	stmts = append(stmts, "INSERT INTO "+m.lt+" ("+logColumns+") VALUES ("+strings.Join([]string{
		b.Literal(p.rev), b.Literal(p.dir), b.Literal(p.checksum), b.Literal(started), b.Literal(now()),
		b.Literal(statusDone), n, n, "NULL", b.Literal(m.opts.Who), b.Literal(m.opts.ToolVersion)}, ", ")+")")
	return strings.Join(stmts, ";\n")
}

func (m *Migrator) recordError(p *plan, err error) error {
	return fmt.Errorf("recording the %s of revision %s in version table %s and its log: %w", p.dir, p.rev, m.vtRaw, err)
}

// failed appends the rolled-back log row, outside the rolled-back
// transaction, and returns the StepError.
func (m *Migrator) failed(ctx context.Context, conn *sql.Conn, p *plan, started string, k int, inStatement bool, err error) error {
	se := m.stepError(p, k, inStatement, err)
	lerr := m.insertLog(context.WithoutCancel(ctx), conn, logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: started, finished: now(), status: statusRolledBack, done: k, total: p.total(), errText: se.Error()})
	if lerr != nil {
		se.Err = fmt.Errorf("%w (and the failure could not be logged: %v)", err, lerr)
	}
	return se
}

// executeAll runs every plan in one transaction. A no-transaction script
// commits what came before it and runs on its own.
func (m *Migrator) executeAll(ctx context.Context, conn *sql.Conn, plans []plan) error {
	if err := m.begin(ctx, conn); err != nil {
		return err
	}
	committed := 0 // plans[:committed] are committed
	for i := range plans {
		p := &plans[i]
		start := m.startStep(p, i, len(plans))
		started := now()
		if p.info.NoTransaction {
			err := m.commit(ctx, conn)
			if err == nil {
				committed = i
				err = m.runJournaled(ctx, conn, p)
			}
			if err == nil {
				committed = i + 1
				err = m.begin(ctx, conn)
			}
			m.endStep(p, i, len(plans), start, err)
			if err != nil {
				return withApplied(err, plans[:committed])
			}
			continue
		}
		var k int
		var inStatement bool
		var err error
		if p.runner != nil {
			k, inStatement, err = m.runFunc(ctx, conn, p, m.execIn(conn))
			p.ran = k
		} else {
			k, err = m.runStatements(ctx, conn, p, nil)
			inStatement = err != nil
		}
		if err == nil {
			err = m.record(ctx, conn, p, started)
		}
		if err == nil && i == len(plans)-1 {
			err = m.commit(ctx, conn)
		}
		if err != nil && p.runner != nil {
			p.ran = 0 // not completed: the count is not the step's
		}
		m.endStep(p, i, len(plans), start, err)
		if err != nil {
			m.rollback(ctx, conn)
			return withApplied(m.failed(ctx, conn, p, started, k, inStatement, err), plans[:committed])
		}
	}
	if len(plans) == 0 || plans[len(plans)-1].info.NoTransaction {
		return m.commit(ctx, conn)
	}
	return nil
}

// runJournaled runs a migration outside a transaction: MySQL's DDL, the
// none mode, no-transaction scripts. Its log row is written first, as
// running, and counts each statement as it completes, so that a failure or
// a crash says exactly how far it got; the version change and the done
// status then commit together.
//
// This journal can lag: a crash after a statement and before its update
// leaves the log one statement short. Dialects whose DDL is not
// transactional batch each statement with its update instead (see
// executeBatched), which is exact.
func (m *Migrator) runJournaled(ctx context.Context, conn *sql.Conn, p *plan) error {
	started := now()
	if p.resumes != 0 {
		if err := m.updateLog(ctx, conn, p.resumes, statusResumed, p.from, -1, "", true); err != nil {
			return m.stepError(p, p.from, false, err)
		}
	}
	if err := m.insertLog(ctx, conn, logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: started, status: statusRunning, done: p.from, total: p.total()}); err != nil {
		return m.stepError(p, 0, false, err)
	}
	id, err := m.lastLogID(ctx, conn)
	if err != nil {
		return m.stepError(p, 0, false, err)
	}
	fail := func(k int, inStatement bool, err error) error {
		se := m.stepError(p, k, inStatement, err)
		if lerr := m.updateLog(context.WithoutCancel(ctx), conn, id, statusFailed, k, -1, se.Error(), true); lerr != nil {
			se.Err = fmt.Errorf("%w (and the failure could not be logged: %v)", err, lerr)
		}
		return se
	}
	var journalErr error
	var k int
	if p.runner != nil {
		// A Go migration's last statement is known only when it returns:
		// each statement is counted as it completes.
		var inStatement bool
		k, inStatement, err = m.runFunc(ctx, conn, p, func(ctx context.Context, k int, stmt string) error {
			if err := m.execIn(conn)(ctx, k, stmt); err != nil {
				return err
			}
			journalErr = m.updateProgress(ctx, conn, id, k+1, p.sum)
			return journalErr
		})
		if journalErr != nil {
			return fail(k+1, false, err) // the statement completed; counting it failed
		}
		if err != nil {
			return fail(k, inStatement, err)
		}
		p.ran = k
	} else {
		k, err = m.runStatements(ctx, conn, p, func(done int) error {
			if done == len(p.stmts) {
				return nil // the done update below counts the last one
			}
			journalErr = m.updateLog(ctx, conn, id, statusRunning, done, -1, "", false)
			return journalErr
		})
		if err != nil {
			if journalErr != nil {
				return fail(k, false, err)
			}
			return fail(k, true, err)
		}
	}
	if err := m.begin(ctx, conn); err != nil {
		return fail(k, false, err)
	}
	err = m.applyVersion(ctx, conn, p.step)
	if err == nil {
		err = m.updateLog(ctx, conn, id, statusDone, k, p.total(), "", true)
	}
	if err == nil {
		err = m.commit(ctx, conn)
	}
	if err != nil {
		m.rollback(ctx, conn)
		return fail(k, false, err)
	}
	return nil
}
