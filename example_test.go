package retort_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// A project's SQL scripts, compiled in with embed.FS, and its Go
// migrations in one graph: 002 revises the script 001, and the script 003
// revises 002. Progress is printed as the retort command prints it.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "retort-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	migrations := []*retort.Migration{{
		Revision: "002",
		Revises:  "001",
		Message:  "add email to accounts",
		Upgrade: func(ctx context.Context, op *op.Operations) error {
			return op.AddColumn(ctx, "accounts", schema.NewColumn("email", schema.String(255)))
		},
		Downgrade: func(ctx context.Context, op *op.Operations) error {
			return op.DropColumn(ctx, "accounts", "email")
		},
	}, {
		Revision: "004",
		Revises:  "003",
		Message:  "create sessions",
		Upgrade: func(ctx context.Context, op *op.Operations) error {
			return op.CreateTable(ctx, schema.NewTable("sessions",
				schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
				schema.Col("account_id", schema.Integer(), schema.NotNull(), schema.References("accounts", "id")),
			))
		},
		Downgrade: func(ctx context.Context, op *op.Operations) error {
			return op.DropTable(ctx, "sessions")
		},
	}}

	r, err := retort.Open(ctx,
		retort.WithURL("sqlite:///"+filepath.Join(dir, "app.db")),
		retort.WithScripts(mixedScripts, "testdata/mixed/versions"),
		retort.WithMigrations(migrations...),
		retort.WithLogger(slog.New(retort.NewLogHandler(os.Stdout, nil))),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	if err := r.Upgrade(ctx, "head"); err != nil {
		log.Fatal(err)
	}
	current, err := r.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, rev := range current {
		fmt.Printf("%s (head: %v, Go migration: %v), %s\n", rev.ID, rev.Head, rev.Go, rev.Message)
	}
	// Output:
	// INFO  [retort.runtime] Context impl SQLiteImpl.
	// INFO  [retort.runtime] Will assume transactional DDL.
	// INFO  [retort.runtime] Running upgrade  -> 001, create accounts
	// INFO  [retort.runtime] Running upgrade 001 -> 002, add email to accounts
	// INFO  [retort.runtime] Running upgrade 002 -> 003, create audit
	// INFO  [retort.runtime] Running upgrade 003 -> 004, create sessions
	// 004 (head: true, Go migration: true), create sessions
}
