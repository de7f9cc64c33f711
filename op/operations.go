package op

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/retort-sql/retort/schema"
)

// Querier is what *sql.Conn and *sql.Tx have in common: the migration's
// connection.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Renderer turns operations into one dialect's SQL. dialect/sqlite,
// dialect/postgres and dialect/mysql each provide one.
type Renderer interface {
	// Render returns the statements that carry out o, in order. db is the
	// migration's connection (inside its transaction where DDL is
	// transactional), for what only the live schema can tell: the table a
	// SQLite rebuild copies, the column MySQL's ALTER restates. It is nil
	// when writing offline SQL; a renderer that needs the live schema then
	// fails, saying what to give instead.
	Render(ctx context.Context, db Querier, o Op) ([]string, error)
}

// Verifier is what a Renderer adds when some operations must be checked
// after their statements ran, with a query whose answer decides: SQLite
// checks the foreign keys of a table it rebuilt (PRAGMA foreign_key_check),
// which no statement can do by failing. Operations.Run calls Verify after
// each operation's statements when it has a database; offline it cannot.
type Verifier interface {
	Verify(ctx context.Context, db Querier, o Op) error
}

// ExecFunc runs one statement of a migration. The runtime's counts it in
// the log, so that a journaled migration says how far it got.
type ExecFunc func(ctx context.Context, stmt string) error

// Operations is the handle a Go migration's Upgrade and Downgrade receive:
// Alembic's op. Each call renders its operation for the database's
// dialect and runs the statements at once, in the migration's transaction
// where the dialect has transactional DDL, so that a later call sees what
// an earlier one did.
type Operations struct {
	dialect string
	r       Renderer
	db      Querier
	exec    ExecFunc
}

// New makes the handle for one migration step: dialect is its name
// ("sqlite", "postgresql", "mysql"), r renders for it, db is the step's
// connection (nil when writing offline SQL) and exec runs a statement.
func New(dialect string, r Renderer, db Querier, exec ExecFunc) *Operations {
	return &Operations{dialect: dialect, r: r, db: db, exec: exec}
}

// Dialect names the database's dialect, for migrations that must differ
// ("sqlite", "postgresql" or "mysql").
func (o *Operations) Dialect() string { return o.dialect }

// DB is the migration's connection, for queries and data migrations: on
// PostgreSQL and SQLite what runs through it is part of the migration's
// transaction. Statements run this way are not counted in the log; use
// Execute for DDL. DB is nil when retort writes offline SQL (--sql), where
// nothing can be read.
func (o *Operations) DB() Querier { return o.db }

// Offline reports whether the migration is being written as offline SQL
// rather than run: DB is nil and only operations can be issued.
func (o *Operations) Offline() bool { return o.db == nil }

// Run renders and runs operations in order, stopping at the first failure.
func (o *Operations) Run(ctx context.Context, ops ...Op) error {
	for _, x := range ops {
		stmts, err := o.r.Render(ctx, o.db, x)
		if err != nil {
			return fmt.Errorf("%s: %w", x.Describe(), err)
		}
		for _, s := range stmts {
			if err := o.exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", x.Describe(), err)
			}
		}
		if v, ok := o.r.(Verifier); ok && o.db != nil {
			if err := v.Verify(ctx, o.db, x); err != nil {
				return fmt.Errorf("%s: %w", x.Describe(), err)
			}
		}
	}
	return nil
}

// CreateTable creates a table declared with the schema DSL.
func (o *Operations) CreateTable(ctx context.Context, t *schema.Table) error {
	return o.Run(ctx, &CreateTable{Table: t})
}

// DropTable drops a table.
func (o *Operations) DropTable(ctx context.Context, name string) error {
	return o.Run(ctx, &DropTable{Name: name})
}

// DropTableOf drops table t, as declared: the declaration tells offline
// SQL (upgrade --sql) what goes with it, such as its PostgreSQL enum
// types, which online are read from the database. A downgrade that undoes
// CreateTable(ctx, t) is DropTableOf(ctx, t).
func (o *Operations) DropTableOf(ctx context.Context, t *schema.Table) error {
	if t == nil {
		return fmt.Errorf("drop table: no table given")
	}
	return o.Run(ctx, &DropTable{Name: t.Name, Table: t})
}

// RenameTable renames a table.
func (o *Operations) RenameTable(ctx context.Context, old, new string) error {
	return o.Run(ctx, &RenameTable{Old: old, New: new})
}

// AddColumn adds a column, declared with schema.NewColumn.
func (o *Operations) AddColumn(ctx context.Context, table string, c *schema.Column) error {
	return o.Run(ctx, &AddColumn{Table: table, Column: c})
}

// DropColumn drops a column.
func (o *Operations) DropColumn(ctx context.Context, table, column string) error {
	return o.Run(ctx, &DropColumn{Table: table, Column: column})
}

// AlterColumn changes a column: set the fields of a to what changes.
func (o *Operations) AlterColumn(ctx context.Context, a *AlterColumn) error {
	return o.Run(ctx, a)
}

// CreateIndex creates an index.
func (o *Operations) CreateIndex(ctx context.Context, table string, ix *schema.Index) error {
	return o.Run(ctx, &CreateIndex{Table: table, Index: ix})
}

// DropIndex drops an index.
func (o *Operations) DropIndex(ctx context.Context, table, name string) error {
	return o.Run(ctx, &DropIndex{Table: table, Name: name})
}

// AddPrimaryKey adds a primary key.
func (o *Operations) AddPrimaryKey(ctx context.Context, table string, k *schema.PrimaryKeyConstraint) error {
	return o.Run(ctx, &AddPrimaryKey{Table: table, Key: k})
}

// AddUnique adds a unique constraint.
func (o *Operations) AddUnique(ctx context.Context, table string, u *schema.UniqueConstraint) error {
	return o.Run(ctx, &AddUnique{Table: table, Constraint: u})
}

// AddForeignKey adds a foreign key.
func (o *Operations) AddForeignKey(ctx context.Context, table string, fk *schema.ForeignKeyConstraint) error {
	return o.Run(ctx, &AddForeignKey{Table: table, Constraint: fk})
}

// AddCheck adds a check constraint.
func (o *Operations) AddCheck(ctx context.Context, table string, c *schema.CheckConstraint) error {
	return o.Run(ctx, &AddCheck{Table: table, Constraint: c})
}

// DropConstraint drops a constraint of the given kind.
func (o *Operations) DropConstraint(ctx context.Context, table, name string, kind ConstraintKind) error {
	return o.Run(ctx, &DropConstraint{Table: table, Name: name, Kind: kind})
}

// SetTableComment sets a table's comment; "" drops it.
func (o *Operations) SetTableComment(ctx context.Context, table, comment string) error {
	return o.Run(ctx, &SetTableComment{Table: table, Comment: comment})
}

// Execute runs one SQL statement as written, counted in the log like a
// script's statement.
func (o *Operations) Execute(ctx context.Context, sql string) error {
	return o.Run(ctx, &Execute{SQL: sql})
}

// BulkInsert inserts rows of values for columns.
func (o *Operations) BulkInsert(ctx context.Context, table string, columns []string, rows [][]any) error {
	return o.Run(ctx, &BulkInsert{Table: table, Columns: columns, Rows: rows})
}

// Bool and Str make the pointers AlterColumn's optional fields take:
// &op.AlterColumn{Table: "t", Column: "c", Nullable: op.Bool(false)}.
func Bool(v bool) *bool { return &v }

// Str is Bool for the string fields (Default, Comment).
func Str(v string) *string { return &v }

// TypePtr is Bool for the Type field.
func TypePtr(t schema.Type) *schema.Type { return &t }
