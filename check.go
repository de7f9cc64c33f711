package retort

import (
	"context"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/schema"
)

// Change is one difference between the database and the models: what
// Check reports and autogenerate writes a revision for.
type Change = autogen.Change

// NotUpToDateError: Check (or autogenerate) on a database that is not at
// its heads, where the comparison would repeat a revision not yet applied.
type NotUpToDateError = autogen.NotUpToDateError

// Check compares the database, which must be at its heads, with models
// (declared with the schema DSL): the differences, in the order a
// generated revision applies them, or none when the database matches.
// retort's version table and its log are left out of the comparison, and
// so are the tables that exclude_tables matches in WithConfigFile's
// retort.ini (another component's, in a shared database).
func (r *Retort) Check(ctx context.Context, models *schema.Schema) ([]Change, error) {
	rows, err := r.m.Heads(ctx)
	if err != nil {
		return nil, err
	}
	if missing := r.g.MissingHeads(rows); len(missing) > 0 {
		return nil, &NotUpToDateError{Current: rows, Missing: missing}
	}
	_, changes, err := autogen.CompareDatabase(ctx, r.db, models, r.vt, r.exclude)
	return changes, err
}
