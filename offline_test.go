package retort_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Offline SQL from the library: the scripts' and the Go migrations'
// statements with the version rows, and the database left alone.
func TestUpgradeSQL(t *testing.T) {
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			// 004 as an offline-aware data migration: offline there are no
			// rows to read (ops.DB() is nil), so it creates the table only.
			migs := mixedGo()
			migs[1].Upgrade = func(ctx context.Context, ops *op.Operations) error {
				if !ops.Offline() {
					t.Error("UpgradeSQL ran a Go migration online")
				}
				return ops.CreateTable(ctx, schema.NewTable("sessions", schema.Col("id", schema.Integer(), schema.PrimaryKey())))
			}
			r := open(t, retort.WithURL(sv.url(t)), retort.WithScripts(mixedScripts, mixedDir), retort.WithMigrations(migs...))
			var b bytes.Buffer
			if err := r.UpgradeSQL(&b, "head"); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"retort_version", "accounts", "sessions", "Running upgrade 003 -> 004, create sessions"} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("upgrade script lacks %q:\n%s", want, b.String())
				}
			}
			if got := tables(t, r); len(got) != 0 {
				t.Errorf("offline SQL touched the database: tables %v", got)
			}
			b.Reset()
			if err := r.DowngradeSQL(&b, "head:002"); err != nil {
				t.Fatal(err)
			}
			if s := b.String(); !strings.Contains(s, "Running downgrade 004 -> 003") || !strings.Contains(s, "Running downgrade 003 -> 002") || strings.Contains(s, "Running downgrade 002 -> 001") {
				t.Errorf("downgrade script:\n%s", s)
			}
			if err := r.DowngradeSQL(&b, "base"); err == nil || !strings.Contains(err.Error(), "needs a range FROM:TO") {
				t.Errorf("DowngradeSQL without a range: %v", err)
			}
		})
	}
}
