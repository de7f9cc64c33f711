// Package autogen compares the schema a database has (inspected) with the
// schema the models declare, and turns the differences into the operations
// of a revision: Alembic's autogenerate.
package autogen

import (
	"fmt"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Change is one difference between the database (current) and the models (desired).
type Change struct {
	Kind     Kind   // see consts
	Table    string
	Name     string // column, index or constraint name; "" for table-level changes
	From, To string // readable old and new values for modify_* kinds ("VARCHAR(32)", "NULL", "'x'")
	// Up and Down are the operations that apply and undo it, with the
	// context renderers need (AlterColumn.Existing, DropTable.Table,
	// DropColumn's column is restored by Down's AddColumn...).
	Up, Down []op.Op
	Note     string // said in the script before the op, e.g. "may be a rename of column x to y"
}

// Kind is the kind of a Change.
type Kind string

// The kinds of change Compare reports.
const (
	AddTable           Kind = "add_table"
	RemoveTable        Kind = "remove_table"
	AddColumn          Kind = "add_column"
	RemoveColumn       Kind = "remove_column"
	ModifyType         Kind = "modify_type"
	ModifyNullable     Kind = "modify_nullable"
	ModifyDefault      Kind = "modify_default"
	ModifyComment      Kind = "modify_comment"
	AddIndex           Kind = "add_index"
	RemoveIndex        Kind = "remove_index"
	AddUnique          Kind = "add_unique"
	RemoveUnique       Kind = "remove_unique"
	AddFK              Kind = "add_fk"
	RemoveFK           Kind = "remove_fk"
	AddCheck           Kind = "add_check"
	RemoveCheck        Kind = "remove_check"
	AddPK              Kind = "add_pk"
	RemovePK           Kind = "remove_pk"
	ModifyTableComment Kind = "modify_table_comment"
)

// String is one readable line for `retort check`, e.g.
// "add_column database_snapshots.state VARCHAR(32) NULL".
func (c Change) String() string {
	s := string(c.Kind) + " " + c.Table
	if c.Name != "" {
		s += "." + c.Name
	}
	switch {
	case c.From != "" || c.To != "":
		s += fmt.Sprintf(": %s -> %s", c.From, c.To)
	}
	return s
}

// Options say what Compare normalises for and what it looks at.
type Options struct {
	Dialect      string            // "sqlite" | "postgresql" | "mysql": what to normalise for
	IncludeTable func(string) bool // nil: all; the CLI leaves out the version tables
}

// Compare returns the changes that turn current into desired, in a
// deterministic order: tables by name, then kind.
func Compare(current, desired *schema.Schema, o Options) []Change {
	return nil
}
