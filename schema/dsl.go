package schema

// The DSL declares tables in Go, as SQLAlchemy's Table() does in Python:
//
//	snapshots := schema.NewTable("database_snapshots",
//		schema.Col("created_at", schema.DateTime()),
//		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
//		schema.Col("uuid", schema.String(36), schema.NotNull()),
//		schema.Col("user_id", schema.String(32), schema.Indexed()),
//		schema.UniqueIndexOn("uuid_ux", "uuid"),
//	)
//
// Columns are nullable unless NotNull or PrimaryKey says otherwise, as in
// SQLAlchemy. Names that options derive follow SQLAlchemy's usual naming
// convention: ix_<table>_<column>, uq_<table>_<column>,
// fk_<table>_<column>_<referred table>.

// TablePart is one piece of a table declaration: a column, a key, an
// index, a constraint, a comment or options.
type TablePart func(*Table)

// ColumnOption sets one property of a column declared with Col.
type ColumnOption func(*Table, *Column)

// NewTable declares a table. The primary key's columns are NOT NULL
// however the parts are ordered (PrimaryKeyOn before the columns it names
// included), as every database makes them.
func NewTable(name string, parts ...TablePart) *Table {
	t := &Table{Name: name}
	for _, p := range parts {
		p(t)
	}
	if t.PrimaryKey != nil {
		for _, n := range t.PrimaryKey.Columns {
			if c := t.Column(n); c != nil {
				c.Nullable = false
			}
		}
	}
	return t
}

// NewSchema gathers tables into a schema.
func NewSchema(tables ...*Table) *Schema { return &Schema{Tables: tables} }

// Col declares a column of type typ.
func Col(name string, typ Type, opts ...ColumnOption) TablePart {
	return func(t *Table) {
		c := &Column{Name: name, Type: typ, Nullable: true}
		t.Columns = append(t.Columns, c)
		for _, o := range opts {
			o(t, c)
		}
	}
}

// NotNull makes the column NOT NULL.
func NotNull() ColumnOption { return func(_ *Table, c *Column) { c.Nullable = false } }

// PrimaryKey adds the column to the table's primary key (declaring it on
// several columns makes a composite key, in declaration order) and makes it
// NOT NULL.
func PrimaryKey() ColumnOption {
	return func(t *Table, c *Column) {
		c.Nullable = false
		if t.PrimaryKey == nil {
			t.PrimaryKey = &PrimaryKeyConstraint{}
		}
		t.PrimaryKey.Columns = append(t.PrimaryKey.Columns, c.Name)
	}
}

// AutoIncrement numbers the column by itself (see Column.AutoIncrement).
func AutoIncrement() ColumnOption { return func(_ *Table, c *Column) { c.AutoIncrement = true } }

// Default sets the server default, an SQL expression: Default("0"),
// Default("'draft'"), Default("CURRENT_TIMESTAMP").
func Default(expr string) ColumnOption { return func(_ *Table, c *Column) { c.Default = expr } }

// Comment sets the column's comment.
func Comment(text string) ColumnOption { return func(_ *Table, c *Column) { c.Comment = text } }

// Unique adds a unique constraint on the column, named uq_<table>_<column>.
func Unique() ColumnOption {
	return func(t *Table, c *Column) {
		t.Uniques = append(t.Uniques, &UniqueConstraint{Name: "uq_" + t.Name + "_" + c.Name, Columns: []string{c.Name}})
	}
}

// Indexed adds a plain index on the column, named ix_<table>_<column>.
func Indexed() ColumnOption {
	return func(t *Table, c *Column) {
		t.Indexes = append(t.Indexes, &Index{Name: "ix_" + t.Name + "_" + c.Name, Columns: []string{c.Name}})
	}
}

// References adds a foreign key from the column to refTable.refColumn,
// named fk_<table>_<column>_<refTable>.
func References(refTable, refColumn string, actions ...ForeignKeyOption) ColumnOption {
	return func(t *Table, c *Column) {
		fk := &ForeignKeyConstraint{Name: "fk_" + t.Name + "_" + c.Name + "_" + refTable,
			Columns: []string{c.Name}, RefTable: refTable, RefColumns: []string{refColumn}}
		for _, a := range actions {
			a(fk)
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
}

// ForeignKeyOption sets a referential action.
type ForeignKeyOption func(*ForeignKeyConstraint)

// OnDelete sets the action on delete of the referred row: CASCADE, SET
// NULL, SET DEFAULT, RESTRICT or NO ACTION.
func OnDelete(action string) ForeignKeyOption {
	return func(fk *ForeignKeyConstraint) { fk.OnDelete = action }
}

// OnUpdate sets the action on update of the referred key.
func OnUpdate(action string) ForeignKeyOption {
	return func(fk *ForeignKeyConstraint) { fk.OnUpdate = action }
}

// PrimaryKeyOn declares the primary key as a named constraint over
// columns, which become NOT NULL (NewTable sees to it, wherever the part
// stands).
func PrimaryKeyOn(name string, columns ...string) TablePart {
	return func(t *Table) { t.PrimaryKey = &PrimaryKeyConstraint{Name: name, Columns: columns} }
}

// IndexOn declares a plain index.
func IndexOn(name string, columns ...string) TablePart {
	return func(t *Table) { t.Indexes = append(t.Indexes, &Index{Name: name, Columns: columns}) }
}

// UniqueIndexOn declares a unique index.
func UniqueIndexOn(name string, columns ...string) TablePart {
	return func(t *Table) { t.Indexes = append(t.Indexes, &Index{Name: name, Columns: columns, Unique: true}) }
}

// PartialIndexOn declares an index over the rows where where holds
// (PostgreSQL and SQLite).
func PartialIndexOn(name, where string, unique bool, columns ...string) TablePart {
	return func(t *Table) {
		t.Indexes = append(t.Indexes, &Index{Name: name, Columns: columns, Unique: unique, Where: where})
	}
}

// UniqueOn declares a unique constraint.
func UniqueOn(name string, columns ...string) TablePart {
	return func(t *Table) { t.Uniques = append(t.Uniques, &UniqueConstraint{Name: name, Columns: columns}) }
}

// ForeignKeyOn declares a foreign key from columns to refColumns of
// refTable.
func ForeignKeyOn(name string, columns []string, refTable string, refColumns []string, actions ...ForeignKeyOption) TablePart {
	return func(t *Table) {
		fk := &ForeignKeyConstraint{Name: name, Columns: columns, RefTable: refTable, RefColumns: refColumns}
		for _, a := range actions {
			a(fk)
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
}

// CheckOn declares a check constraint; expr is the condition.
func CheckOn(name, expr string) TablePart {
	return func(t *Table) { t.Checks = append(t.Checks, &CheckConstraint{Name: name, Expr: expr}) }
}

// TableComment sets the table's comment.
func TableComment(text string) TablePart { return func(t *Table) { t.Comment = text } }

// MySQLOptions sets MySQL's engine, charset and collation for the table.
func MySQLOptions(o Options) TablePart { return func(t *Table) { t.Options = o } }

// NewColumn declares a column on its own, for adding it to a table that
// exists (op.AddColumn). Options that act on the table (Indexed, Unique,
// References, and PrimaryKey's key) have no table here and are dropped:
// add the index or constraint with an operation of its own.
func NewColumn(name string, typ Type, opts ...ColumnOption) *Column {
	t := &Table{}
	Col(name, typ, opts...)(t)
	return t.Columns[0]
}
