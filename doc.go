// Package retort is the library behind the retort command: schema
// migrations for SQL databases as a revision graph, as in Alembic, for
// projects that migrate from Go code or build their own
// `myproject-db-manage` command.
//
// A project's migrations are SQL revision scripts (a folder, or an
// embed.FS compiled into the program) and Go migrations (a slice of
// *Migration the project owns), joined in one graph: a Go migration may
// revise a script and a script a Go migration. Open assembles them and
// connects to the database; the methods of *Retort are the commands:
//
//	r, err := retort.Open(ctx,
//		retort.WithURL("postgresql://app@db.internal/app"),
//		retort.WithScripts(migrationsFS, "migrations/versions"),
//		retort.WithMigrations(migrations.All...),
//		retort.WithVersionTable("alembic_version"),
//	)
//	if err != nil {
//		return err
//	}
//	defer r.Close()
//	if err := r.Upgrade(ctx, "heads"); err != nil {
//		var pe *retort.PartialError
//		if errors.As(err, &pe) {
//			log.Printf("applied %d steps, then: %v", len(pe.Applied), pe.Failed)
//		}
//		return err
//	}
//
// A Go migration's Upgrade and Downgrade receive an *op.Operations handle
// (Alembic's op): CreateTable with a table declared in the schema package's
// DSL, AddColumn, AlterColumn, CreateIndex, Execute for raw SQL,
// BulkInsert, and DB for queries and data migrations, all in the step's
// transaction where the database has transactional DDL (PostgreSQL,
// SQLite). An error returned or a panic rolls the step back there. On
// MySQL/MariaDB each statement is journaled as it completes, and a resumed
// step runs the func again, skipping the statements already applied: a Go
// migration must issue the same statements in the same order each time.
//
// Errors are typed (MultipleHeadsError, UnknownRevisionError,
// AmbiguousRevisionError, PartialError wrapping a StepError, ...) for
// errors.As; progress is logged in Alembic's words to WithLogger and
// reported as events to WithEvents. The cli package mounts the whole
// command tree with a project's migrations compiled in: see
// cli.Options.Migrations, and docs/library.md.
package retort
