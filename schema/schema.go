// Package schema is retort's dialect-neutral model of a database schema:
// tables, their columns with portable types, primary keys, indexes, unique,
// foreign-key and check constraints, comments and MySQL table options.
//
// The same model serves three purposes. A Go migration declares a table in
// it (with the DSL in dsl.go) and each dialect renders it; a dialect
// inspects a live database into it; and autogenerate compares two of them.
// It therefore holds only plain data: no connection, no dialect, no
// behaviour beyond lookups and copying.
package schema

import (
	"slices"
	"strings"
)

// Schema is a set of tables, as declared by models or inspected from a
// database.
type Schema struct {
	Tables []*Table
}

// Table returns the table named name, or nil. Names compare as the
// databases compare unquoted names: without regard to case.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

// Table is one table.
type Table struct {
	Name string
	// Schema is the PostgreSQL schema (MySQL: database) holding the table;
	// "" is the connection's current one.
	Schema      string
	Columns     []*Column
	PrimaryKey  *PrimaryKeyConstraint // nil: none
	Indexes     []*Index              // plain and unique indexes, not those behind constraints
	Uniques     []*UniqueConstraint   // unique constraints
	ForeignKeys []*ForeignKeyConstraint
	Checks      []*CheckConstraint
	Comment     string  // "" for none; SQLite keeps no comments
	Options     Options // MySQL only; other dialects ignore it
}

// Options are MySQL's table options. Empty fields are left to the server.
type Options struct {
	Engine  string // InnoDB
	Charset string // utf8mb4
	Collate string // utf8mb4_unicode_ci
}

// Column is one column of a table.
type Column struct {
	Name     string
	Type     Type
	Nullable bool
	// Default is the server default as an SQL expression, written as the
	// dialect takes it ("0", "'draft'", "CURRENT_TIMESTAMP"); "" for none.
	// A string default is quoted: an empty string is "''".
	Default string
	// AutoIncrement numbers rows by itself: INTEGER PRIMARY KEY
	// AUTOINCREMENT on SQLite, an identity column on PostgreSQL,
	// AUTO_INCREMENT on MySQL. It belongs on a single-column integer
	// primary key.
	AutoIncrement bool
	Comment       string // "" for none; SQLite keeps no comments
}

// PrimaryKeyConstraint is a table's primary key.
type PrimaryKeyConstraint struct {
	Name    string // "" lets the database name it
	Columns []string
}

// Index is an index that is not the implementation of a constraint.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	// Where makes a partial index (PostgreSQL, SQLite): the predicate, as
	// SQL. MySQL has no partial indexes and refuses one.
	Where string
}

// UniqueConstraint is a unique constraint.
type UniqueConstraint struct {
	Name    string // "" lets the database name it
	Columns []string
}

// ForeignKeyConstraint is a foreign-key constraint.
type ForeignKeyConstraint struct {
	Name       string // "" lets the database name it
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string // "", CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION
	OnUpdate   string
	// Index is, as MySQL inspects it, the index the server made for the
	// key (which it keeps when the key is dropped). It is never rendered
	// nor compared: autogenerate passes it on to DropConstraint, so that an
	// offline script drops it with the key.
	Index string
}

// CheckConstraint is a check constraint.
type CheckConstraint struct {
	Name string // "" lets the database name it
	Expr string // the condition, without CHECK and its parentheses
	// Column is, as MariaDB inspects it, the column a CHECK written on the
	// column belongs to: DROP CONSTRAINT cannot reach such a check, and
	// restating the column drops it. It is never rendered nor compared.
	Column string
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// Index returns the index named name, or nil.
func (t *Table) Index(name string) *Index {
	for _, ix := range t.Indexes {
		if strings.EqualFold(ix.Name, name) {
			return ix
		}
	}
	return nil
}

// ForeignKey returns the foreign key named name, or nil.
func (t *Table) ForeignKey(name string) *ForeignKeyConstraint {
	for _, fk := range t.ForeignKeys {
		if strings.EqualFold(fk.Name, name) {
			return fk
		}
	}
	return nil
}

// Clone is a deep copy of t: renderers that rebuild a table (SQLite) edit
// the copy, never the caller's model.
func (t *Table) Clone() *Table {
	c := *t
	c.Columns = make([]*Column, len(t.Columns))
	for i, col := range t.Columns {
		cc := *col
		cc.Type = col.Type.clone()
		c.Columns[i] = &cc
	}
	if t.PrimaryKey != nil {
		pk := *t.PrimaryKey
		pk.Columns = slices.Clone(pk.Columns)
		c.PrimaryKey = &pk
	}
	c.Indexes = cloneEach(t.Indexes, func(ix Index) Index { ix.Columns = slices.Clone(ix.Columns); return ix })
	c.Uniques = cloneEach(t.Uniques, func(u UniqueConstraint) UniqueConstraint { u.Columns = slices.Clone(u.Columns); return u })
	c.ForeignKeys = cloneEach(t.ForeignKeys, func(fk ForeignKeyConstraint) ForeignKeyConstraint {
		fk.Columns, fk.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
		return fk
	})
	c.Checks = cloneEach(t.Checks, func(ch CheckConstraint) CheckConstraint { return ch })
	return &c
}

func cloneEach[T any](in []*T, f func(T) T) []*T {
	if in == nil {
		return nil
	}
	out := make([]*T, len(in))
	for i, v := range in {
		c := f(*v)
		out[i] = &c
	}
	return out
}
