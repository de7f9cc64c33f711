package retort_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// accountsModel is the accounts table as the models declare it; extra
// columns are the models running ahead of the migrations.
func accountsModel(extra ...schema.TablePart) *schema.Schema {
	parts := append([]schema.TablePart{
		schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("email", schema.String(255), schema.NotNull()),
		schema.IndexOn("ix_accounts_email", "email"),
	}, extra...)
	return schema.NewSchema(schema.NewTable("accounts", parts...))
}

// Check in library mode: Go models compared with the database that Go
// migrations built, on every dialect.
func TestCheck(t *testing.T) {
	migs := []*retort.Migration{{
		Revision: "a1",
		Message:  "create accounts",
		Upgrade: func(ctx context.Context, o *op.Operations) error {
			return o.CreateTable(ctx, accountsModel().Tables[0])
		},
		Downgrade: func(ctx context.Context, o *op.Operations) error { return o.DropTable(ctx, "accounts") },
	}}
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			r := open(t, retort.WithURL(sv.url(t)), retort.WithMigrations(migs...))
			_, err := r.Check(ctx, accountsModel())
			var nu *retort.NotUpToDateError
			if !errors.As(err, &nu) || len(nu.Current) != 0 || len(nu.Missing) != 1 || nu.Missing[0] != "a1" {
				t.Fatalf("Check before the upgrade: %v, want a NotUpToDateError missing a1", err)
			}
			if err := r.Upgrade(ctx, "head"); err != nil {
				t.Fatal(err)
			}
			changes, err := r.Check(ctx, accountsModel())
			if err != nil || len(changes) != 0 {
				t.Fatalf("Check of the same tables: %v, %v", changes, err)
			}
			changes, err = r.Check(ctx, accountsModel(schema.Col("state", schema.String(32))))
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 1 || changes[0].Kind != autogen.AddColumn || changes[0].Table != "accounts" || changes[0].Name != "state" {
				t.Fatalf("Check with a new column: %v", changes)
			}
		})
	}
}

// Check leaves alone the tables exclude_tables matches in the retort.ini
// given with WithConfigFile: another component's, in a shared database.
func TestCheckExcludeTables(t *testing.T) {
	migs := []*retort.Migration{{
		Revision: "a1",
		Upgrade: func(ctx context.Context, o *op.Operations) error {
			if err := o.CreateTable(ctx, accountsModel().Tables[0]); err != nil {
				return err
			}
			return o.Execute(ctx, "CREATE TABLE neutron_ports (id INTEGER PRIMARY KEY)")
		},
	}}
	dir := t.TempDir()
	ini := filepath.Join(dir, "retort.ini")
	writeFile(t, ini, "[retort]\nexclude_tables = neutron_*\n")
	r := open(t, retort.WithURL(testdb.SQLite(t)), retort.WithConfigFile(ini), retort.WithMigrations(migs...))
	if err := r.Upgrade(ctx, "head"); err != nil {
		t.Fatal(err)
	}
	if changes, err := r.Check(ctx, accountsModel()); err != nil || len(changes) != 0 {
		t.Fatalf("Check with neutron_ports excluded: %v, %v", changes, err)
	}
}
