package autogen_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/internal/dialecttest"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
)

// benchTables is issue 5's size: inspect and compare a 1,000-table
// schema in under 2 s, within 3x of pg_dump --schema-only.
const benchTables = 1000

// BenchmarkInspectCompare1000 is must-show 4: each iteration inspects the
// whole 1,000-table PostgreSQL schema (10 columns, 2 indexes and a foreign
// key per table) and compares it with the models, a copy of the
// inspection with five changes. Before the loop it times pg_dump
// --schema-only on the same database (the median of 5 runs), reported as
// pg_dump-ms, and the ratio as x-pg_dump.
func BenchmarkInspectCompare1000(b *testing.B) {
	ctx := context.Background()
	u, err := config.ParseURL(testdb.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	db, err := runtime.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	dialecttest.BuildWide(b, db.SQL(), benchTables)
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	first, err := postgres.Dialect{}.Inspect(ctx, conn)
	if err != nil {
		b.Fatal(err)
	}
	models := &schema.Schema{}
	for _, t := range first.Tables {
		models.Tables = append(models.Tables, t.Clone())
	}
	// Five changes, spread over the schema.
	models.Tables[10].Columns[3].Type = schema.String(64)
	models.Tables[200].Columns[7].Nullable = false
	models.Tables[400].Indexes = models.Tables[400].Indexes[:1]
	models.Tables[600].Comment = "changed"
	models.Tables = slices.Delete(models.Tables, 800, 801)
	opts := autogen.Options{Dialect: "postgresql"}

	dumpMS := pgDumpMillis(b, u)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		s, err := postgres.Dialect{}.Inspect(ctx, conn)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != benchTables {
			b.Fatalf("%d tables inspected, want %d", len(s.Tables), benchTables)
		}
		if cs := autogen.Compare(s, models, opts); len(cs) != 5 {
			b.Fatalf("%d changes, want 5: %v", len(cs), cs)
		}
	}
	if dumpMS > 0 {
		perOp := float64(time.Since(start).Milliseconds()) / float64(b.N)
		b.ReportMetric(dumpMS, "pg_dump-ms")
		b.ReportMetric(perOp/dumpMS, "x-pg_dump")
	}
}

// pgDumpMillis is the median time pg_dump --schema-only takes on the
// benchmark's database, or 0 (with a log line) when pg_dump is missing.
func pgDumpMillis(b *testing.B, u *config.URL) float64 {
	path, err := exec.LookPath("pg_dump")
	if err != nil {
		b.Logf("pg_dump not found: no baseline measured")
		return 0
	}
	dsn, err := u.PgxDSN()
	if err != nil {
		b.Fatal(err)
	}
	var times []float64
	for range 5 {
		start := time.Now()
		out, err := exec.Command(path, "--schema-only", "--no-owner", "-f", "/dev/null", "--dbname="+dsn).CombinedOutput()
		if err != nil {
			b.Fatalf("pg_dump: %v: %s", err, out)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// BenchmarkLoadSchemaFile1000 reads models of benchTables tables (the
// wide tables of internal/dialecttest, as a schema file of 3,000
// statements)
// the way check and autogenerate do: applied to a scratch PostgreSQL
// database, inspected, dropped.
func BenchmarkLoadSchemaFile1000(b *testing.B) {
	ctx := context.Background()
	u, err := config.ParseURL(testdb.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for i := range benchTables {
		for _, stmt := range dialecttest.WideTableSQL(i) {
			sb.WriteString(stmt + ";\n")
		}
	}
	path := filepath.Join(b.TempDir(), "schema.sql")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		s, err := autogen.LoadSchemaFile(ctx, u, path)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != benchTables {
			b.Fatalf("%d tables", len(s.Tables))
		}
	}
}
