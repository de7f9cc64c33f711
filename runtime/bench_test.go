package runtime

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkUpgrade1000 is `upgrade head` of 1,000 one-table revisions in
// per-migration mode on a file: one BEGIN IMMEDIATE ... COMMIT each, so it
// is bound by the commits' fsyncs. bench/sqlite-baseline.sh times the
// sqlite3 shell on the same CREATE TABLEs in the same transactions.
func BenchmarkUpgrade1000(b *testing.B) {
	const n = 1000
	c := newChain(n)
	migs := tableMigrations(c)
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		b.StopTimer()
		db := openFile(b, filepath.Join(dir, fmt.Sprintf("bench%d.db", i)))
		i++
		m := New(db, c, migs, Options{})
		b.StartTimer()
		if err := m.Upgrade(ctx, "head"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/migration")
}
