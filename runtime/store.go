package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/graph"
)

// timeFormat is how log times are written: UTC, and a form that SQLite,
// PostgreSQL timestamps and MySQL DATETIME(6) all accept.
const timeFormat = "2006-01-02 15:04:05.000000"

func now() string { return time.Now().UTC().Format(timeFormat) }

// ph returns the dialect's n-th placeholder.
func (m *Migrator) ph(n int) string { return m.d.Placeholder(n) }

// ensureTables creates the version table and its log if missing. Callers
// hold the run lock, so two runs never both create them.
func (m *Migrator) ensureTables(ctx context.Context, q dialect.Querier) error {
	for _, t := range []struct {
		name string
		ddl  func(schema, table string) []string
	}{{m.vtRaw, m.d.VersionTableDDL}, {m.vtRaw + "_log", m.d.LogTableDDL}} {
		ok, err := m.d.TableExists(ctx, q, m.opts.VersionTableSchema, t.name)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		for _, s := range t.ddl(m.opts.VersionTableSchema, t.name) {
			if _, err := q.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("creating table %s: %w", t.name, &dbError{msg: m.d.ErrorMessage(err), err: err})
			}
		}
	}
	return nil
}

// readHeads reads the version rows, sorted. A missing table is no rows.
func (m *Migrator) readHeads(ctx context.Context, q dialect.Querier) ([]string, error) {
	ok, err := m.d.TableExists(ctx, q, m.opts.VersionTableSchema, m.vtRaw)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT version_num FROM "+m.vt)
	if err != nil {
		return nil, fmt.Errorf("reading version table %s: %w", m.vtRaw, err)
	}
	defer rows.Close()
	var heads []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("reading version table %s: %w", m.vtRaw, err)
		}
		heads = append(heads, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading version table %s: %w", m.vtRaw, err)
	}
	sort.Strings(heads)
	return heads, nil
}

// validate fails on a version row that names no known revision.
func (m *Migrator) validate(heads []string) error {
	for _, h := range heads {
		if m.g.Revision(h) == nil {
			return &UnknownVersionError{Table: m.vtRaw, Revision: h, Program: m.opts.Program}
		}
	}
	return nil
}

// applyVersion makes a step's version-table change, in graph.Step's
// order: deletes, inserts, then the update.
func (m *Migrator) applyVersion(ctx context.Context, q dialect.Querier, st *graph.Step) error {
	for _, v := range st.Delete {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+m.vt+" WHERE version_num = "+m.ph(1), v); err != nil {
			return fmt.Errorf("deleting %s from version table %s: %w", v, m.vtRaw, err)
		}
	}
	for _, v := range st.Insert {
		if _, err := q.ExecContext(ctx, "INSERT INTO "+m.vt+" (version_num) VALUES ("+m.ph(1)+")", v); err != nil {
			return fmt.Errorf("inserting %s into version table %s: %w", v, m.vtRaw, err)
		}
	}
	if st.UpdateFrom != "" && st.UpdateFrom != st.UpdateTo {
		res, err := q.ExecContext(ctx, "UPDATE "+m.vt+" SET version_num = "+m.ph(1)+" WHERE version_num = "+m.ph(2), st.UpdateTo, st.UpdateFrom)
		if err != nil {
			return fmt.Errorf("updating %s to %s in version table %s: %w", st.UpdateFrom, st.UpdateTo, m.vtRaw, err)
		}
		// As Alembic does: a miss means someone else moved the rows.
		if n, err := res.RowsAffected(); err == nil && n != 1 {
			return fmt.Errorf("expected to match one row when updating %s to %s in version table %s; %d found", st.UpdateFrom, st.UpdateTo, m.vtRaw, n)
		}
	}
	return nil
}

// logRow is one row of the log table as written.
type logRow struct {
	revision, direction, checksum string
	started, finished             string // finished "" = NULL
	status                        string
	done, total                   int
	errText                       string // "" = NULL
}

const logColumns = "revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version"

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (m *Migrator) insertLog(ctx context.Context, q dialect.Querier, r logRow) error {
	phs := make([]string, 11)
	for i := range phs {
		phs[i] = m.ph(i + 1)
	}
	_, err := q.ExecContext(ctx, "INSERT INTO "+m.lt+" ("+logColumns+") VALUES ("+strings.Join(phs, ", ")+")",
		r.revision, r.direction, r.checksum, r.started, nullable(r.finished), r.status, r.done, r.total, nullable(r.errText), m.opts.Who, m.opts.ToolVersion)
	if err != nil {
		return fmt.Errorf("writing log table %s_log: %w", m.vtRaw, err)
	}
	return nil
}

// lastLogID is the id of the row just inserted. Portable (no RETURNING,
// no LastInsertId) and safe because the run holds the lock; 0 on an empty
// log (the batched journal asks before its first row).
func (m *Migrator) lastLogID(ctx context.Context, q dialect.Querier) (int64, error) {
	var id int64
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+m.lt).Scan(&id); err != nil {
		return 0, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
	}
	return id, nil
}

// updateLog updates the running row id: the only update the log ever sees.
// total >= 0 also sets statements_total (a Go migration's, known when it
// completes).
func (m *Migrator) updateLog(ctx context.Context, q dialect.Querier, id int64, status string, done, total int, errText string, finished bool) error {
	fin := ""
	if finished {
		fin = now()
	}
	query := "UPDATE " + m.lt + " SET status = " + m.ph(1) + ", statements_done = " + m.ph(2) +
		", error = " + m.ph(3) + ", finished_at = " + m.ph(4)
	args := []any{status, done, nullable(errText), nullable(fin)}
	if total >= 0 {
		query += ", statements_total = " + m.ph(5)
		args = append(args, total)
	}
	query += " WHERE id = " + m.ph(len(args)+1)
	_, err := q.ExecContext(ctx, query, append(args, id)...)
	if err != nil {
		return fmt.Errorf("updating log table %s_log: %w", m.vtRaw, err)
	}
	return nil
}

// updateProgress counts a Go migration's statements done in its running
// log row, with the fingerprint of those statements (see statementSums).
func (m *Migrator) updateProgress(ctx context.Context, q dialect.Querier, id int64, done int, sum string) error {
	_, err := q.ExecContext(ctx, "UPDATE "+m.lt+" SET statements_done = "+m.ph(1)+", checksum = "+m.ph(2)+" WHERE id = "+m.ph(3), done, sum, id)
	if err != nil {
		return fmt.Errorf("updating log table %s_log: %w", m.vtRaw, err)
	}
	return nil
}

// recordedChecksums maps each revision to the checksum of its latest
// completed upgrade or stamp.
func (m *Migrator) recordedChecksums(ctx context.Context, q dialect.Querier) (map[string]string, error) {
	ok, err := m.d.TableExists(ctx, q, m.opts.VersionTableSchema, m.vtRaw+"_log")
	if err != nil || !ok {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT revision, checksum FROM "+m.lt+
		" WHERE status = 'done' AND direction IN ('upgrade', 'stamp') ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
	}
	defer rows.Close()
	sums := map[string]string{}
	for rows.Next() {
		var rev, sum string
		if err := rows.Scan(&rev, &sum); err != nil {
			return nil, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
		}
		sums[rev] = sum
	}
	return sums, rows.Err()
}

// mismatches lists applied revisions whose scripts changed since.
func (m *Migrator) mismatches(ctx context.Context, q dialect.Querier, heads []string) ([]Mismatch, error) {
	if len(heads) == 0 {
		return nil, nil
	}
	sums, err := m.recordedChecksums(ctx, q)
	if err != nil || len(sums) == 0 {
		return nil, err
	}
	applied := m.g.Ancestors(heads...)
	ids := make([]string, 0, len(applied)+len(heads))
	for id := range applied {
		ids = append(ids, id)
	}
	for _, h := range heads {
		if !applied[h] {
			ids = append(ids, h)
		}
	}
	sort.Strings(ids)
	var out []Mismatch
	for _, id := range ids {
		mig := m.migs[id]
		rec, ok := sums[id]
		if mig == nil || !ok || rec == "" {
			continue // never recorded (e.g. applied by Alembic): nothing to compare
		}
		if cur := mig.Checksum(); cur != "" && cur != rec { // "": a Go migration, nothing to compare
			out = append(out, Mismatch{Revision: id, File: infoOf(mig, m.g.Revision(id)).File, Recorded: rec, Current: cur})
		}
	}
	return out, nil
}

// LogEntry is one row of the log table.
type LogEntry struct {
	ID              int64
	Revision        string
	Direction       string // upgrade, downgrade, stamp
	Checksum        string
	StartedAt       string // UTC, "2006-01-02 15:04:05.000000"
	FinishedAt      string // "" while running
	Status          string // running, done, failed, rolled-back, resumed (see statusRunning)
	StatementsDone  int
	StatementsTotal int
	Error           string
	AppliedBy       string
	ToolVersion     string
}

func (m *Migrator) readLog(ctx context.Context, q dialect.Querier, limit int) ([]LogEntry, error) {
	ok, err := m.d.TableExists(ctx, q, m.opts.VersionTableSchema, m.vtRaw+"_log")
	if err != nil || !ok {
		return nil, err
	}
	query := "SELECT id, " + logColumns + " FROM " + m.lt + " ORDER BY id DESC"
	var args []any
	if limit > 0 {
		query += " LIMIT " + m.ph(1)
		args = append(args, limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var fin, errText sql.NullString
		if err := rows.Scan(&e.ID, &e.Revision, &e.Direction, &e.Checksum, &e.StartedAt, &fin, &e.Status,
			&e.StatementsDone, &e.StatementsTotal, &errText, &e.AppliedBy, &e.ToolVersion); err != nil {
			return nil, fmt.Errorf("reading log table %s_log: %w", m.vtRaw, err)
		}
		e.FinishedAt, e.Error = fin.String, errText.String
		out = append(out, e)
	}
	return out, rows.Err()
}
