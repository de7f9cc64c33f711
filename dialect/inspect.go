package dialect

import (
	"context"

	"github.com/retort-sql/retort/schema"
)

// Inspector reads a live database's tables into the schema model, for
// the renderers that must see the live table (SQLite's rebuilds, MySQL's
// ALTER ... MODIFY), for tests, and for autogenerate's comparison.
//
// Every dialect inspects to the same conventions, so that one table
// created from one declaration inspects alike on all three:
//
//   - Tables come sorted by name, columns in their table's order, and
//     indexes and constraints of each kind sorted by name.
//   - Types map back to the portable kinds of schema.Type; a type with no
//     portable kind comes back as a raw type keyed by the dialect's name.
//   - Indexes that implement a primary key, a unique constraint or (MySQL)
//     a foreign key are not listed as indexes.
//   - The version tables retort keeps are ordinary tables here; callers
//     leave them out.
type Inspector interface {
	// Inspect reads the tables of the connection's current schema
	// (PostgreSQL: current_schema(); MySQL: the current database; SQLite:
	// main), or only those named when names are given (names that do not
	// exist are left out). It makes a fixed number of catalog queries
	// however many tables there are.
	Inspect(ctx context.Context, q Querier, names ...string) (*schema.Schema, error)
}
