package postgres_test

import (
	"context"
	"testing"

	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/internal/dialecttest"
)

// benchTables is the schema size issue 5 sets the target for: inspect and
// compare a 1,000-table schema in under 2 s, within 3x of pg_dump
// --schema-only.
const benchTables = 1000

// BenchmarkInspect1000 inspects the whole 1,000-table schema per
// iteration, on one connection as a migration run does.
func BenchmarkInspect1000(b *testing.B) {
	ctx := context.Background()
	db := pg(b)
	dialecttest.BuildWide(b, db, benchTables)
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	for b.Loop() {
		s, err := postgres.Dialect{}.Inspect(ctx, conn)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != benchTables {
			b.Fatalf("%d tables inspected, want %d", len(s.Tables), benchTables)
		}
		if t := s.Tables[1]; len(t.Columns) != 10 || len(t.Indexes) != 2 || len(t.ForeignKeys) != 1 || t.PrimaryKey == nil {
			b.Fatalf("table %s inspected as %d columns, %d indexes, %d foreign keys", t.Name, len(t.Columns), len(t.Indexes), len(t.ForeignKeys))
		}
	}
}
