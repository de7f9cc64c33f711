// Package op holds Alembic's operations as plain data: CreateTable,
// AddColumn, AlterColumn and the rest. A Go migration issues them through
// an *Operations handle; each dialect renders them into its own SQL (see
// Renderer); autogenerate produces them from a schema comparison.
//
// The types hold what the operation needs and nothing of any dialect, so
// that one migration runs on SQLite in development and on PostgreSQL or
// MySQL in production.
package op

import "github.com/retort-sql/retort/schema"

// Op is one operation. The set is closed: the dialects render exactly the
// types of this package.
type Op interface {
	// Describe is the operation for a person: "create table users",
	// "add column users.email". Errors name the operation this way.
	Describe() string
	isOp()
}

// CreateTable creates a table with its columns, keys, indexes, constraints
// and comments (and, on PostgreSQL, the types of its enum columns).
type CreateTable struct {
	Table *schema.Table
}

// DropTable drops a table. Table, when set, is the table as declared: on
// PostgreSQL the enum types its columns used are dropped with it.
type DropTable struct {
	Name  string
	Table *schema.Table
}

// RenameTable renames a table.
type RenameTable struct {
	Old, New string
}

// AddColumn adds a column to a table.
type AddColumn struct {
	Table  string
	Column *schema.Column
}

// DropColumn drops a column, with the indexes and constraints that cover
// it alone (SQLite rebuilds the table to do it when ALTER cannot).
type DropColumn struct {
	Table, Column string
	// Existing is the column as it is, optional: what lets an offline
	// renderer drop what goes with it (PostgreSQL: its enum type, which
	// online is looked up). Autogenerate fills it in.
	Existing *schema.Column
}

// AlterColumn changes one column. A nil field is left as it is; on MySQL,
// whose ALTER restates the whole column, the rest is read from the live
// column (or from Existing when there is no database, for --sql).
type AlterColumn struct {
	Table, Column string
	Rename        string       // new name; "" keeps it
	Type          *schema.Type // new type
	Nullable      *bool        // true: NULL allowed, false: NOT NULL
	// Default is the new server default as an SQL expression; a pointer to
	// "" drops it.
	Default *string
	Comment *string // a pointer to "" drops the comment
	// Existing describes the column as it is, for offline SQL on MySQL,
	// where no live column can be read: Alembic's existing_type,
	// existing_nullable and so on.
	Existing *schema.Column
}

// CreateIndex creates an index.
type CreateIndex struct {
	Table string
	Index *schema.Index
}

// DropIndex drops an index.
type DropIndex struct {
	Table, Name string
}

// ConstraintKind says which kind of constraint DropConstraint drops:
// MySQL spells each drop differently.
type ConstraintKind string

const (
	PrimaryKey ConstraintKind = "primary"
	Unique     ConstraintKind = "unique"
	ForeignKey ConstraintKind = "foreignkey"
	Check      ConstraintKind = "check"
)

// AddPrimaryKey adds a primary key to a table that has none.
type AddPrimaryKey struct {
	Table string
	Key   *schema.PrimaryKeyConstraint
}

// AddUnique adds a unique constraint.
type AddUnique struct {
	Table      string
	Constraint *schema.UniqueConstraint
}

// AddForeignKey adds a foreign-key constraint.
type AddForeignKey struct {
	Table      string
	Constraint *schema.ForeignKeyConstraint
}

// AddCheck adds a check constraint.
type AddCheck struct {
	Table      string
	Constraint *schema.CheckConstraint
}

// DropConstraint drops a named constraint of the given kind.
type DropConstraint struct {
	Table, Name string
	Kind        ConstraintKind
	// Index is, for a foreign key on MySQL, the index the server made for
	// it, to drop with it. Online the renderer finds it in the live table;
	// offline it has only this (autogenerate fills it in).
	Index string
	// Columns and Expr say which constraint to drop when it has no name,
	// as SQLite keeps constraints declared without CONSTRAINT name: a
	// unique or foreign key constraint's columns, a check's expression.
	// Ignored when Name is given.
	Columns []string
	Expr    string
}

// SetTableComment sets a table's comment; "" drops it.
type SetTableComment struct {
	Table, Comment string
}

// Execute runs SQL as written: one statement.
type Execute struct {
	SQL string
}

// BulkInsert inserts rows. Values are Go values (nil, bool, integers,
// floats, string, []byte, time.Time), rendered as the dialect's literals so
// that the statements can also be written as offline SQL.
type BulkInsert struct {
	Table   string
	Columns []string
	Rows    [][]any
}

func (o *CreateTable) Describe() string   { return "create table " + o.Table.Name }
func (o *DropTable) Describe() string     { return "drop table " + o.Name }
func (o *RenameTable) Describe() string   { return "rename table " + o.Old + " to " + o.New }
func (o *AddColumn) Describe() string     { return "add column " + o.Table + "." + o.Column.Name }
func (o *DropColumn) Describe() string    { return "drop column " + o.Table + "." + o.Column }
func (o *AlterColumn) Describe() string   { return "alter column " + o.Table + "." + o.Column }
func (o *CreateIndex) Describe() string   { return "create index " + o.Index.Name + " on " + o.Table }
func (o *DropIndex) Describe() string     { return "drop index " + o.Name + " on " + o.Table }
func (o *AddPrimaryKey) Describe() string { return "add primary key on " + o.Table }
func (o *AddUnique) Describe() string {
	return "add unique constraint " + o.Constraint.Name + " on " + o.Table
}
func (o *AddForeignKey) Describe() string {
	return "add foreign key " + o.Constraint.Name + " on " + o.Table
}
func (o *AddCheck) Describe() string {
	return "add check constraint " + o.Constraint.Name + " on " + o.Table
}
func (o *DropConstraint) Describe() string  { return "drop constraint " + o.Name + " on " + o.Table }
func (o *SetTableComment) Describe() string { return "set comment on table " + o.Table }
func (o *Execute) Describe() string         { return "execute SQL" }
func (o *BulkInsert) Describe() string      { return "bulk insert into " + o.Table }

func (*CreateTable) isOp()     {}
func (*DropTable) isOp()       {}
func (*RenameTable) isOp()     {}
func (*AddColumn) isOp()       {}
func (*DropColumn) isOp()      {}
func (*AlterColumn) isOp()     {}
func (*CreateIndex) isOp()     {}
func (*DropIndex) isOp()       {}
func (*AddPrimaryKey) isOp()   {}
func (*AddUnique) isOp()       {}
func (*AddForeignKey) isOp()   {}
func (*AddCheck) isOp()        {}
func (*DropConstraint) isOp()  {}
func (*SetTableComment) isOp() {}
func (*Execute) isOp()         {}
func (*BulkInsert) isOp()      {}
