package autogen

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
)

// A scratch database is dropped when the comparison ends, also when it
// fails; and one a killed process left behind (older than staleScratch)
// is dropped by the next comparison on that server, while a young one,
// which may be another run's, is left alone.
func TestScratchDatabasesDropped(t *testing.T) {
	ctx := context.Background()
	for _, sv := range []struct {
		name string
		url  func(testing.TB) string
	}{{"postgresql", testdb.Postgres}, {"mysql", testdb.MySQL}} {
		t.Run(sv.name, func(t *testing.T) {
			u, err := config.ParseURL(sv.url(t))
			if err != nil {
				t.Fatal(err)
			}
			server, err := runtime.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer server.Close()
			exists := func(name string) bool {
				q := "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1"
				if sv.name == "mysql" {
					q = "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"
				}
				var n int
				if err := server.SQL().QueryRowContext(ctx, q, name).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0
			}
			create := func(name string) {
				if _, err := server.SQL().ExecContext(ctx, "CREATE DATABASE "+server.Dialect().QuoteIdent(name)); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					server.SQL().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+server.Dialect().QuoteIdent(name))
				})
			}
			suffix := fmt.Sprintf("_%08x", uint32(time.Now().UnixNano()))
			stale := ScratchPrefix + time.Now().UTC().Add(-2*staleScratch).Format(scratchStamp) + suffix
			young := ScratchPrefix + time.Now().UTC().Add(-staleScratch/2).Format(scratchStamp) + suffix
			create(stale)
			create(young)

			name := ScratchPrefix + time.Now().UTC().Format(scratchStamp) + suffix
			var seen bool
			_, err = withScratchNamed(ctx, u, name, func(db dialect.DB) (*schema.Schema, error) {
				seen = exists(name)
				return nil, context.Canceled // a failing comparison
			})
			if err != context.Canceled {
				t.Fatalf("err = %v", err)
			}
			if !seen {
				t.Error("the scratch database did not exist while it was used")
			}
			if exists(name) {
				t.Error("the scratch database outlived the comparison")
			}
			if exists(stale) {
				t.Error("a scratch database left behind two hours ago was not dropped")
			}
			if !exists(young) {
				t.Error("a scratch database of half an hour ago (maybe another run's) was dropped")
			}
		})
	}
}
