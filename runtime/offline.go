package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/script"
)

// OfflineDialect returns the dialect named ("sqlite", "postgresql",
// "mysql", or an alias a URL may use) for writing offline scripts: no
// driver, no connection.
func OfflineDialect(name string) (dialect.Dialect, error) {
	canonical, _ := config.NormalizeDialect(name) // the aliases URLs accept
	switch canonical {
	case "sqlite":
		return sqlite.Dialect{}, nil
	case "postgresql":
		return postgres.Dialect{}, nil
	case "mysql":
		return mysql.Dialect{}, nil
	}
	return nil, fmt.Errorf("unknown dialect %q (expected sqlite, postgresql or mysql)", name)
}

// Offline writes, instead of running, what an upgrade, downgrade or stamp
// would do: a SQL script for the dialect's command-line client, as
// Alembic's --sql does. It reads nothing from any database, so the
// starting rows are given by the caller (Alembic's FROM of FROM:TO), and
// it plans with the same graph calls as an online run, so the steps, their
// order and the version-row changes are the same.
//
// The script leaves the database as the online run would: the version
// table and its log created when starting from base, each migration in the
// transaction mode's transactions, and a log row per step (started and
// finished at the generation time, which is all the script can know), so
// that verify and current work on a database the script was applied to.
// Steps outside transactions (MySQL, transaction_mode = none,
// no-transaction scripts) are journalled in the log statement by
// statement as online, so a script that stops half way leaves the same
// "interrupted" row that makes the next online run refuse and advise.
type Offline struct {
	m  *Migrator
	sc dialect.Scripter
	at time.Time
}

// NewOffline makes an Offline for dialect d. generated is the time written
// in the header and the log rows; zero means now. opts is read as by New;
// LockTimeout and AllowChanged do not apply.
func NewOffline(d dialect.Dialect, g Graph, migrations map[string]Migration, opts Options, generated time.Time) (*Offline, error) {
	sc, ok := d.(dialect.Scripter)
	if !ok {
		return nil, fmt.Errorf("the %s dialect cannot write offline scripts yet (it has no QuoteString and ScriptStatement)", d.Name())
	}
	if generated.IsZero() {
		generated = time.Now()
	}
	return &Offline{m: New(noDB{d}, g, migrations, opts), sc: sc, at: generated.UTC()}, nil
}

// noDB lets New build the Migrator whose planning and naming Offline
// shares; Offline never asks it for a connection.
type noDB struct{ d dialect.Dialect }

var errNoDB = errors.New("offline: there is no database")

func (n noDB) Dialect() dialect.Dialect { return n.d }
func (noDB) SQL() *sql.DB               { return nil }
func (noDB) Describe() string           { return "no database (offline SQL)" }
func (noDB) Close() error               { return nil }
func (noDB) Lock(context.Context, *sql.Conn, string, dialect.LockOptions) (func() error, error) {
	return nil, errNoDB
}

// Upgrade writes the script that upgrades a database whose version rows
// are from (none: base) to target.
func (o *Offline) Upgrade(w io.Writer, from []string, target string) error {
	steps, err := o.m.g.Upgrade(from, target)
	if err != nil {
		return err
	}
	return o.migrate(w, graph.Up, from, target, steps)
}

// Downgrade writes the script that downgrades a database whose version
// rows are from down to target.
func (o *Offline) Downgrade(w io.Writer, from []string, target string) error {
	steps, err := o.m.g.Downgrade(from, target)
	if err != nil {
		return err
	}
	return o.migrate(w, graph.Down, from, target, steps)
}

// Stamp writes the script that sets the version rows from from to
// targets, as Migrator.Stamp does, without running migrations. With purge
// the rows are emptied first, whatever they hold. Unlike an online stamp
// it cannot re-record changed scripts: that needs the log's contents.
func (o *Offline) Stamp(w io.Writer, from []string, targets []string, purge bool) error {
	m := o.m
	cur := from
	if purge {
		cur = nil
	}
	steps, err := m.g.Stamp(cur, targets, purge)
	if err != nil {
		return err
	}
	plans, err := m.prepare(steps, "stamp")
	if err != nil {
		return err
	}
	o.prelude()
	b := o.start("stamp", from, strings.Join(targets, " "))
	b.stmt(m.d.BeginSQL())
	if purge {
		b.stmt("DELETE FROM " + m.vt)
	}
	t := o.time()
	for i := range plans {
		p := &plans[i]
		m.log.Info(p.line())
		b.comment(p.line())
		o.version(b, p.step)
		b.stmt(o.insertLog(logRow{revision: p.rev, direction: "stamp", checksum: p.checksum,
			started: t, finished: t, status: "done"}))
	}
	b.stmt("COMMIT")
	return b.flush(w)
}

func (o *Offline) migrate(w io.Writer, dir graph.Direction, from []string, target string, steps []graph.Step) error {
	m := o.m
	plans, err := m.prepare(steps, dir.String())
	if err != nil {
		return err
	}
	for i := range plans {
		if err := o.collect(&plans[i]); err != nil {
			return err
		}
	}
	o.prelude()
	b := o.start(dir.String(), from, target)
	transactional := m.d.TransactionalDDL() && m.opts.TransactionMode != None
	all := transactional && m.opts.TransactionMode == All && len(plans) > 0
	if all {
		b.stmt(m.d.BeginSQL())
	}
	for i := range plans {
		p := &plans[i]
		m.log.Info(p.line())
		b.comment(p.line())
		switch {
		case !transactional || p.info.NoTransaction:
			if all {
				b.stmt("COMMIT")
			}
			o.journaled(b, p)
			if all {
				b.stmt(m.d.BeginSQL())
			}
		case all:
			o.statements(b, p)
			o.record(b, p)
		default:
			b.stmt(m.d.BeginSQL())
			o.statements(b, p)
			o.record(b, p)
			b.stmt("COMMIT")
		}
	}
	if all {
		b.stmt("COMMIT")
	}
	return b.flush(w)
}

// collect runs a Go migration's func with no database, turning it into the
// statements it issues, which the script then holds as a script's would.
// An operation that needs the live schema fails with the renderer's
// error, which says what to give instead.
func (o *Offline) collect(p *plan) error {
	if p.runner == nil {
		return nil
	}
	var stmts []script.Statement
	k, _, err := o.m.runFunc(context.Background(), nil, p, func(_ context.Context, _ int, s string) error {
		stmts = append(stmts, script.Statement{SQL: s})
		return nil
	})
	if err != nil {
		return o.m.stepError(p, k, false, fmt.Errorf("writing offline SQL: %w", err))
	}
	p.stmts, p.runner = stmts, nil
	return nil
}

// prelude is what Alembic says before an offline run's steps.
func (o *Offline) prelude() {
	o.m.log.Info(fmt.Sprintf("Context impl %s.", o.m.d.ImplName()))
	o.m.log.Info("Generating static SQL")
	if o.m.d.TransactionalDDL() {
		o.m.log.Info("Will assume transactional DDL.")
	} else {
		o.m.log.Info("Will assume non-transactional DDL.")
	}
}

// start begins a script with its header and, when the database is at
// base, the version table and its log, created outside any transaction as
// an online run creates them before its first step.
func (o *Offline) start(command string, from []string, target string) *scriptBuilder {
	m := o.m
	fromText := "base"
	if len(from) > 0 {
		fromText = strings.Join(from, " ")
	}
	b := &scriptBuilder{sc: o.sc}
	fmt.Fprintf(&b.sb, "-- retort offline script: %s %s -> %s on %s, generated %s\n",
		command, fromText, target, m.d.Name(), o.at.Format("2006-01-02 15:04:05Z"))
	fmt.Fprintf(&b.sb, "-- version table %s, transaction mode %s\n", m.lockKey(), m.opts.TransactionMode)
	if len(from) == 0 {
		for _, s := range m.d.VersionTableDDL(m.opts.VersionTableSchema, m.vtRaw) {
			b.stmt(s)
		}
		for _, s := range m.d.LogTableDDL(m.opts.VersionTableSchema, m.vtRaw+"_log") {
			b.stmt(s)
		}
	}
	return b
}

func (o *Offline) time() string { return o.at.Format(timeFormat) }

func (o *Offline) statements(b *scriptBuilder, p *plan) {
	for _, s := range p.stmts {
		b.stmt(s.SQL)
	}
}

// record is Migrator.record as text: the step's version change and its
// done log row.
func (o *Offline) record(b *scriptBuilder, p *plan) {
	o.version(b, p.step)
	t := o.time()
	b.stmt(o.insertLog(logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: t, finished: t, status: "done", done: len(p.stmts), total: len(p.stmts)}))
}

// journaled is Migrator.runJournaled as text. The script cannot read the
// running row's id back, so it finds the row by what identifies it within
// one run: revision, direction, start time and running status.
func (o *Offline) journaled(b *scriptBuilder, p *plan) {
	m, t := o.m, o.time()
	b.stmt(o.insertLog(logRow{revision: p.rev, direction: p.dir, checksum: p.checksum,
		started: t, status: "running", total: len(p.stmts)}))
	where := " WHERE revision = " + o.sc.QuoteString(p.rev) + " AND direction = " + o.sc.QuoteString(p.dir) +
		" AND started_at = " + o.sc.QuoteString(t) + " AND status = 'running'"
	for k, s := range p.stmts {
		b.stmt(s.SQL)
		if k+1 < len(p.stmts) { // the done update below counts the last one
			b.stmt("UPDATE " + m.lt + " SET statements_done = " + strconv.Itoa(k+1) + where)
		}
	}
	b.stmt(m.d.BeginSQL())
	o.version(b, p.step)
	b.stmt("UPDATE " + m.lt + " SET status = 'done', statements_done = " + strconv.Itoa(len(p.stmts)) +
		", finished_at = " + o.sc.QuoteString(t) + where)
	b.stmt("COMMIT")
}

// version is Migrator.applyVersion as text, in the same order: deletes,
// inserts, then the update.
func (o *Offline) version(b *scriptBuilder, st *graph.Step) {
	m, q := o.m, o.sc.QuoteString
	for _, v := range st.Delete {
		b.stmt("DELETE FROM " + m.vt + " WHERE version_num = " + q(v))
	}
	for _, v := range st.Insert {
		b.stmt("INSERT INTO " + m.vt + " (version_num) VALUES (" + q(v) + ")")
	}
	if st.UpdateFrom != "" && st.UpdateFrom != st.UpdateTo {
		b.stmt("UPDATE " + m.vt + " SET version_num = " + q(st.UpdateTo) + " WHERE version_num = " + q(st.UpdateFrom))
	}
}

// insertLog is Migrator.insertLog as text.
func (o *Offline) insertLog(r logRow) string {
	q := o.sc.QuoteString
	lit := func(s string) string {
		if s == "" {
			return "NULL"
		}
		return q(s)
	}
	vals := []string{q(r.revision), q(r.direction), q(r.checksum), q(r.started), lit(r.finished), q(r.status),
		strconv.Itoa(r.done), strconv.Itoa(r.total), lit(r.errText), q(o.m.opts.Who), q(o.m.opts.ToolVersion)}
	return "INSERT INTO " + o.m.lt + " (" + logColumns + ") VALUES (" + strings.Join(vals, ", ") + ")"
}

// scriptBuilder collects the script, so that a failure while planning
// leaves nothing half written on stdout.
type scriptBuilder struct {
	sb strings.Builder
	sc dialect.Scripter
}

// stmt adds a statement and the blank line that separates statements, as
// Alembic's scripts have.
func (b *scriptBuilder) stmt(s string) {
	b.sb.WriteByte('\n')
	b.sb.WriteString(b.sc.ScriptStatement(s))
	b.sb.WriteByte('\n')
}

// comment adds a "-- " line; a newline in the text (a message read from a
// header never holds one, a Go migration's might) must not end the comment.
func (b *scriptBuilder) comment(s string) {
	b.sb.WriteString("\n-- ")
	b.sb.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
	b.sb.WriteByte('\n')
}

func (b *scriptBuilder) flush(w io.Writer) error {
	if _, err := io.WriteString(w, b.sb.String()); err != nil {
		return fmt.Errorf("writing the offline script: %w", err)
	}
	return nil
}
