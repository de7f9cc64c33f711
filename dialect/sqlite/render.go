package sqlite

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

var _ op.Renderer = Dialect{}

// bulkRows is how many rows one INSERT of a BulkInsert carries.
const bulkRows = 500

// Render turns an operation into SQLite statements. What SQLite's ALTER
// TABLE does in full (rename a table or a column, add a plain column) it
// does; the rest rebuilds the table (see rebuild.go), which needs db.
// Comments are ignored: SQLite keeps none.
func (d Dialect) Render(ctx context.Context, db op.Querier, o op.Op) ([]string, error) {
	switch o := o.(type) {
	case *op.CreateTable:
		if o == nil || o.Table == nil {
			return nil, fmt.Errorf("create table: no table given")
		}
		return d.createTable(o.Table)
	case *op.DropTable:
		if o == nil || o.Name == "" {
			return nil, fmt.Errorf("drop table: no table named")
		}
		return []string{"DROP TABLE " + d.QuoteIdent(o.Name)}, nil
	case *op.RenameTable:
		if o == nil || o.Old == "" || o.New == "" {
			return nil, fmt.Errorf("rename table: both the old and the new name are needed")
		}
		return []string{"ALTER TABLE " + d.QuoteIdent(o.Old) + " RENAME TO " + d.QuoteIdent(o.New)}, nil
	case *op.AddColumn:
		return d.addColumn(ctx, db, o)
	case *op.DropColumn:
		return d.dropColumn(ctx, db, o)
	case *op.AlterColumn:
		return d.alterColumn(ctx, db, o)
	case *op.CreateIndex:
		if o == nil || o.Index == nil {
			return nil, fmt.Errorf("create index: no index given")
		}
		s, err := d.createIndex(o.Table, o.Index)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	case *op.DropIndex:
		if o == nil || o.Name == "" {
			return nil, fmt.Errorf("drop index: no index named")
		}
		// SQLite's index names are unique in the database: no table needed.
		return []string{"DROP INDEX " + d.QuoteIdent(o.Name)}, nil
	case *op.AddPrimaryKey:
		return d.addPrimaryKey(ctx, db, o)
	case *op.AddUnique:
		return d.addUnique(ctx, db, o)
	case *op.AddForeignKey:
		return d.addForeignKey(ctx, db, o)
	case *op.AddCheck:
		return d.addCheck(ctx, db, o)
	case *op.DropConstraint:
		return d.dropConstraint(ctx, db, o)
	case *op.SetTableComment:
		return nil, nil // SQLite keeps no comments (as Alembic, it ignores them)
	case *op.Execute:
		if o == nil || strings.TrimSpace(o.SQL) == "" {
			return nil, fmt.Errorf("execute: no SQL given")
		}
		return []string{o.SQL}, nil
	case *op.BulkInsert:
		return d.bulkInsert(o)
	case nil:
		return nil, fmt.Errorf("no operation given")
	}
	return nil, fmt.Errorf("SQLite renders no %T operation", o)
}

// createTable is the CREATE TABLE and the CREATE INDEX statements of t.
func (d Dialect) createTable(t *schema.Table) ([]string, error) {
	stmt, err := d.createTableSQL(t, t.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	stmts := []string{stmt}
	for _, ix := range t.Indexes {
		s, err := d.createIndex(t.Name, ix)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

// createTableSQL is CREATE TABLE name for t's columns and constraints (not
// its indexes, which are statements of their own). live, when set, is the
// table t was inspected from, whose declared types (of the columns in
// keepType), collations, deferrable clauses and table options a rebuild
// keeps.
func (d Dialect) createTableSQL(t *schema.Table, name string, live *rebuildPlan) (string, error) {
	if len(t.Columns) == 0 {
		return "", fmt.Errorf("a table needs at least one column")
	}
	inlinePK, err := inlineKey(t)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, c := range t.Columns {
		line, err := d.columnSQL(c, live)
		if err != nil {
			return "", fmt.Errorf("column %s: %w", c.Name, err)
		}
		if c == inlinePK {
			// AUTOINCREMENT exists only on a column's own PRIMARY KEY.
			line += " " + constraintName(d, t.PrimaryKey.Name) + "PRIMARY KEY AUTOINCREMENT"
		}
		lines = append(lines, line)
	}
	if t.PrimaryKey != nil && inlinePK == nil {
		if len(t.PrimaryKey.Columns) == 0 {
			return "", fmt.Errorf("the primary key has no columns")
		}
		lines = append(lines, constraintName(d, t.PrimaryKey.Name)+"PRIMARY KEY ("+d.idents(t.PrimaryKey.Columns)+")")
	}
	for _, u := range t.Uniques {
		if len(u.Columns) == 0 {
			return "", fmt.Errorf("unique constraint %s has no columns", u.Name)
		}
		lines = append(lines, constraintName(d, u.Name)+"UNIQUE ("+d.idents(u.Columns)+")")
	}
	for _, fk := range t.ForeignKeys {
		s, err := d.foreignKeySQL(fk)
		if err != nil {
			return "", err
		}
		if live != nil && live.lt.deferrable[fk] != "" {
			s += " " + live.lt.deferrable[fk]
		}
		lines = append(lines, s)
	}
	for _, ck := range t.Checks {
		if strings.TrimSpace(ck.Expr) == "" {
			return "", fmt.Errorf("check constraint %s has no expression", ck.Name)
		}
		lines = append(lines, constraintName(d, ck.Name)+"CHECK ("+ck.Expr+")")
	}
	stmt := "CREATE TABLE " + d.QuoteIdent(name) + " (\n\t" + strings.Join(lines, ",\n\t") + "\n)"
	if live != nil && live.lt.def.options != "" {
		stmt += " " + live.lt.def.options
	}
	return stmt, nil
}

// inlineKey is the column whose PRIMARY KEY AUTOINCREMENT goes on the
// column itself, or nil; AUTOINCREMENT anywhere else is an error, since
// SQLite has it only on a single-column INTEGER primary key.
func inlineKey(t *schema.Table) (*schema.Column, error) {
	var inline *schema.Column
	for _, c := range t.Columns {
		if !c.AutoIncrement {
			continue
		}
		pk := t.PrimaryKey
		if pk == nil || len(pk.Columns) != 1 || !strings.EqualFold(pk.Columns[0], c.Name) {
			return nil, fmt.Errorf("column %s is AUTOINCREMENT, which SQLite allows only on the table's single-column primary key", c.Name)
		}
		switch c.Type.Kind {
		case schema.KindInteger, schema.KindSmallInt, schema.KindBigInt:
		case schema.KindRaw:
			if s, _ := c.Type.RawFor("sqlite"); !strings.EqualFold(strings.TrimSpace(s), "INTEGER") {
				return nil, fmt.Errorf("column %s is AUTOINCREMENT, which SQLite allows only on an INTEGER column, not %s", c.Name, s)
			}
		default:
			return nil, fmt.Errorf("column %s is AUTOINCREMENT, which SQLite allows only on an INTEGER column, not %s", c.Name, c.Type)
		}
		inline = c
	}
	return inline, nil
}

// constraintName is "CONSTRAINT name " or nothing.
func constraintName(d Dialect, name string) string {
	if name == "" {
		return ""
	}
	return "CONSTRAINT " + d.QuoteIdent(name) + " "
}

// columnSQL is a column's definition without its key.
func (d Dialect) columnSQL(c *schema.Column, live *rebuildPlan) (string, error) {
	typ, err := d.columnType(c, live)
	if err != nil {
		return "", err
	}
	s := d.QuoteIdent(c.Name)
	if typ != "" {
		s += " " + typ
	}
	if live != nil {
		for _, cd := range live.lt.def.columns {
			if strings.EqualFold(cd.name, c.Name) && cd.collate != "" {
				s += " COLLATE " + cd.collate
			}
		}
	}
	if !c.Nullable {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + defaultSQL(c.Default)
	}
	return s, nil
}

// defaultSQL is a default as a DEFAULT clause takes it: a literal, a
// signed number or a single word as it is, any other expression in
// parentheses. SQLite reports DEFAULT (datetime('now')) as
// datetime('now'), which a rebuild must wrap again, and a person may
// write Default("1 + 1") as PostgreSQL takes it.
func defaultSQL(expr string) string {
	toks, err := tokenize(expr)
	if err != nil || len(toks) == 0 {
		return expr // let SQLite say what is wrong with it
	}
	if len(toks) == 2 && (toks[0].isPunct("-") || toks[0].isPunct("+")) && toks[1].kind == tokNumber {
		return expr
	}
	if len(toks) == 1 && toks[0].kind != tokPunct {
		return expr
	}
	if toks[0].isPunct("(") {
		if end, err := matching(toks, 0); err == nil && end == len(toks)-1 {
			return expr
		}
	}
	return "(" + expr + ")"
}

// columnType is the type a column is declared with. A rebuild declares
// the columns whose type it does not change exactly as they were, so that
// what the portable kinds cannot say (INT against INTEGER for a rowid
// key, REAL, a length on a BLOB) survives it.
func (d Dialect) columnType(c *schema.Column, live *rebuildPlan) (string, error) {
	if live != nil && !live.typeChanged[strings.ToLower(c.Name)] {
		if decl, ok := live.lt.declType[strings.ToLower(c.Name)]; ok {
			return decl, nil
		}
	}
	if c.AutoIncrement {
		// The same refusal on every dialect: PostgreSQL's identity cannot
		// have one, MySQL's AUTO_INCREMENT ignores it.
		if c.Default != "" && live == nil {
			return "", fmt.Errorf("column %s: an autoincrement column cannot have a default (%s)", c.Name, c.Default)
		}
		return "INTEGER", nil // the one type SQLite's AUTOINCREMENT takes
	}
	return typeSQL(c.Type)
}

// typeSQL is SQLite's name for a portable type (see schema.Type).
func typeSQL(t schema.Type) (string, error) {
	switch t.Kind {
	case schema.KindInteger:
		return "INTEGER", nil
	case schema.KindSmallInt:
		return "SMALLINT", nil
	case schema.KindBigInt:
		return "BIGINT", nil
	case schema.KindBoolean:
		return "BOOLEAN", nil
	case schema.KindString:
		if t.Length <= 0 {
			return "VARCHAR", nil
		}
		return fmt.Sprintf("VARCHAR(%d)", t.Length), nil
	case schema.KindText:
		return "TEXT", nil
	case schema.KindDate:
		return "DATE", nil
	case schema.KindTime:
		return "TIME", nil
	case schema.KindDateTime:
		return "DATETIME", nil // SQLite keeps no time zone
	case schema.KindNumeric:
		if t.Precision <= 0 {
			return "NUMERIC", nil
		}
		return fmt.Sprintf("NUMERIC(%d,%d)", t.Precision, t.Scale), nil
	case schema.KindFloat:
		return "FLOAT", nil
	case schema.KindBinary:
		return "BLOB", nil
	case schema.KindUUID:
		return "CHAR(36)", nil
	case schema.KindJSON:
		return "JSON", nil
	case schema.KindEnum:
		if len(t.Values) == 0 {
			return "", fmt.Errorf("enum type has no values")
		}
		n := 1
		for _, v := range t.Values {
			n = max(n, utf8.RuneCountInString(v))
		}
		return fmt.Sprintf("VARCHAR(%d)", n), nil
	case schema.KindRaw:
		if s, ok := t.RawFor("sqlite"); ok {
			return s, nil
		}
		return "", fmt.Errorf("raw type %s has no SQL for sqlite", t)
	}
	return "", fmt.Errorf("unknown type %q", t.Kind)
}

// foreignKeySQL is a FOREIGN KEY table constraint.
func (d Dialect) foreignKeySQL(fk *schema.ForeignKeyConstraint) (string, error) {
	if len(fk.Columns) == 0 || fk.RefTable == "" {
		return "", fmt.Errorf("foreign key %s needs columns and a referred table", fk.Name)
	}
	if len(fk.RefColumns) != 0 && len(fk.RefColumns) != len(fk.Columns) {
		return "", fmt.Errorf("foreign key %s has %d columns but refers to %d", fk.Name, len(fk.Columns), len(fk.RefColumns))
	}
	s := constraintName(d, fk.Name) + "FOREIGN KEY (" + d.idents(fk.Columns) + ") REFERENCES " + d.QuoteIdent(fk.RefTable)
	if len(fk.RefColumns) > 0 {
		s += " (" + d.idents(fk.RefColumns) + ")"
	}
	for _, a := range []struct{ on, action string }{{"DELETE", fk.OnDelete}, {"UPDATE", fk.OnUpdate}} {
		if a.action == "" {
			continue
		}
		action := strings.ToUpper(strings.Join(strings.Fields(a.action), " "))
		switch action {
		case "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION":
		default:
			return "", fmt.Errorf("foreign key %s: unknown action ON %s %s", fk.Name, a.on, a.action)
		}
		s += " ON " + a.on + " " + action
	}
	return s, nil
}

// idents is names quoted and joined by ", ".
func (d Dialect) idents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = d.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// createIndex is CREATE [UNIQUE] INDEX, partial when the index has Where.
func (d Dialect) createIndex(table string, ix *schema.Index) (string, error) {
	if ix.Name == "" || table == "" || len(ix.Columns) == 0 {
		return "", fmt.Errorf("index %q on %q needs a name, a table and columns", ix.Name, table)
	}
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	elems := make([]string, len(ix.Columns))
	for i, c := range ix.Columns {
		elems[i] = d.QuoteIdent(c)
		if strings.ContainsAny(c, "()") {
			// An expression, as Inspect reads one back ("lower(name)"):
			// quoted, it would name a column that does not exist.
			elems[i] = c
		}
	}
	s += "INDEX " + d.QuoteIdent(ix.Name) + " ON " + d.QuoteIdent(table) + " (" + strings.Join(elems, ", ") + ")"
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s, nil
}

// addColumn uses ALTER TABLE ADD COLUMN when SQLite can (see
// addColumnNative) and rebuilds the table otherwise.
func (d Dialect) addColumn(ctx context.Context, db op.Querier, o *op.AddColumn) ([]string, error) {
	if o == nil || o.Column == nil || o.Column.Name == "" || o.Table == "" {
		return nil, fmt.Errorf("add column: a table and a named column are needed")
	}
	c := o.Column
	if c.AutoIncrement {
		return nil, fmt.Errorf("SQLite cannot add an AUTOINCREMENT column: it belongs on the primary key the table was created with")
	}
	if addColumnNative(c) {
		def, err := d.columnSQL(c, nil)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		return []string{"ALTER TABLE " + d.QuoteIdent(o.Table) + " ADD COLUMN " + def}, nil
	}
	what := fmt.Sprintf("adding column %s.%s with a non-constant default", o.Table, c.Name)
	if !c.Nullable && isNullDefault(c.Default) {
		what = fmt.Sprintf("adding NOT NULL column %s.%s without a default", o.Table, c.Name)
	}
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.addColumn(c) })
}

// isNullDefault reports whether a default gives NULL: none, or NULL.
func isNullDefault(expr string) bool {
	expr = strings.TrimSpace(expr)
	return expr == "" || strings.EqualFold(expr, "NULL")
}

// addColumnNative reports whether ALTER TABLE ADD COLUMN can add c: SQLite
// takes a column without key, whose default is a constant (not
// CURRENT_TIMESTAMP, not an expression in parentheses), and which, if NOT
// NULL, has a default other than NULL.
func addColumnNative(c *schema.Column) bool {
	if c.AutoIncrement {
		return false
	}
	if c.Default == "" {
		return c.Nullable
	}
	toks, err := tokenize(c.Default)
	if err != nil {
		return false
	}
	if len(toks) == 2 && (toks[0].isPunct("-") || toks[0].isPunct("+")) && toks[1].kind == tokNumber {
		toks = toks[1:]
	}
	if len(toks) != 1 {
		return false
	}
	switch t := toks[0]; {
	case t.kind == tokNumber, t.kind == tokString, t.kind == tokBlob, t.is("TRUE"), t.is("FALSE"):
		return true
	case t.is("NULL"):
		return c.Nullable
	}
	return false
}

// dropColumn always rebuilds, rather than using SQLite's own DROP COLUMN:
// that refuses a column any index, key, check, trigger or view uses,
// where the rebuild drops the indexes and constraints on the column as
// PostgreSQL does, and refuses only a trigger or view that names it.
func (d Dialect) dropColumn(ctx context.Context, db op.Querier, o *op.DropColumn) ([]string, error) {
	if o == nil || o.Table == "" || o.Column == "" {
		return nil, fmt.Errorf("drop column: a table and a column are needed")
	}
	what := fmt.Sprintf("dropping column %s.%s", o.Table, o.Column)
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.dropColumn(o.Column) })
}

// alterRebuilds reports whether an AlterColumn changes what only a
// rebuild can change.
func alterRebuilds(o *op.AlterColumn) bool {
	return o.Type != nil || o.Nullable != nil || o.Default != nil
}

// alterColumn renames with ALTER TABLE RENAME COLUMN, and changes type,
// nullability and default by rebuilding the table. When it does both, the
// rebuild goes first, on the old name, and the rename after it: SQLite's
// rename then carries the new name into the indexes, triggers, views and
// other tables' foreign keys that the rebuild recreated as they were.
func (d Dialect) alterColumn(ctx context.Context, db op.Querier, o *op.AlterColumn) ([]string, error) {
	if o == nil || o.Table == "" || o.Column == "" {
		return nil, fmt.Errorf("alter column: a table and a column are needed")
	}
	rename := o.Rename != "" && o.Rename != o.Column
	if !alterRebuilds(o) && !rename {
		if o.Comment != nil {
			return nil, nil // SQLite keeps no comments
		}
		return nil, fmt.Errorf("alter column %s.%s changes nothing: set Rename, Type, Nullable, Default or Comment", o.Table, o.Column)
	}
	var stmts []string
	if alterRebuilds(o) {
		what := fmt.Sprintf("altering the type, nullability or default of %s.%s", o.Table, o.Column)
		var err error
		stmts, err = d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.alterColumn(o) })
		if err != nil {
			return nil, err
		}
	}
	if rename {
		stmts = append(stmts, "ALTER TABLE "+d.QuoteIdent(o.Table)+" RENAME COLUMN "+d.QuoteIdent(o.Column)+" TO "+d.QuoteIdent(o.Rename))
	}
	return stmts, nil
}

func (d Dialect) addPrimaryKey(ctx context.Context, db op.Querier, o *op.AddPrimaryKey) ([]string, error) {
	if o == nil || o.Table == "" || o.Key == nil || len(o.Key.Columns) == 0 {
		return nil, fmt.Errorf("add primary key: a table and key columns are needed")
	}
	what := "adding a primary key to " + o.Table
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.addPrimaryKey(o.Key) })
}

func (d Dialect) addUnique(ctx context.Context, db op.Querier, o *op.AddUnique) ([]string, error) {
	if o == nil || o.Table == "" || o.Constraint == nil || len(o.Constraint.Columns) == 0 {
		return nil, fmt.Errorf("add unique constraint: a table and columns are needed")
	}
	what := fmt.Sprintf("adding unique constraint %s to %s", o.Constraint.Name, o.Table)
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.addUnique(o.Constraint) })
}

func (d Dialect) addForeignKey(ctx context.Context, db op.Querier, o *op.AddForeignKey) ([]string, error) {
	if o == nil || o.Table == "" || o.Constraint == nil {
		return nil, fmt.Errorf("add foreign key: a table and a constraint are needed")
	}
	if _, err := d.foreignKeySQL(o.Constraint); err != nil {
		return nil, err
	}
	what := fmt.Sprintf("adding foreign key %s to %s", o.Constraint.Name, o.Table)
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.addForeignKey(o.Constraint) })
}

func (d Dialect) addCheck(ctx context.Context, db op.Querier, o *op.AddCheck) ([]string, error) {
	if o == nil || o.Table == "" || o.Constraint == nil || strings.TrimSpace(o.Constraint.Expr) == "" {
		return nil, fmt.Errorf("add check constraint: a table and an expression are needed")
	}
	what := fmt.Sprintf("adding check constraint %s to %s", o.Constraint.Name, o.Table)
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.addCheck(o.Constraint) })
}

// dropConstraint rebuilds the table without the constraint. A "unique
// constraint" that is in fact a unique index (as MySQL reports every
// unique constraint) is dropped as the index it is.
func (d Dialect) dropConstraint(ctx context.Context, db op.Querier, o *op.DropConstraint) ([]string, error) {
	if o == nil || o.Table == "" {
		return nil, fmt.Errorf("drop constraint: a table is needed")
	}
	if o.Name == "" && o.Kind != op.PrimaryKey && !unnamedDrop(o) {
		return nil, fmt.Errorf("drop constraint on %s: a %s constraint is dropped by name, or unnamed by its Columns (unique, foreign key) or Expr (check), and none was given",
			o.Table, orElse(string(o.Kind), "named"))
	}
	switch o.Kind {
	case op.PrimaryKey, op.Unique, op.ForeignKey, op.Check, "":
	default:
		return nil, fmt.Errorf("drop constraint %s on %s: unknown constraint kind %q", o.Name, o.Table, o.Kind)
	}
	if o.Name == "" && o.Kind != op.PrimaryKey {
		what := fmt.Sprintf("dropping an unnamed %s constraint from %s", o.Kind, o.Table)
		return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.dropUnnamed(o) })
	}
	if db != nil && (o.Kind == op.Unique || o.Kind == "") {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
			AND lower(name) = lower(?) AND lower(tbl_name) = lower(?)`, o.Name, o.Table).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("looking for index %s on %s: %w", o.Name, o.Table, err)
		}
		if n > 0 {
			return []string{"DROP INDEX " + d.QuoteIdent(o.Name)}, nil
		}
	}
	what := fmt.Sprintf("dropping constraint %s from %s", orElse(o.Name, "(the primary key)"), o.Table)
	return d.rebuild(ctx, db, o.Table, what, func(p *rebuildPlan) error { return p.dropConstraint(o.Name, o.Kind) })
}

// unnamedDrop reports whether o says which unnamed constraint to drop.
func unnamedDrop(o *op.DropConstraint) bool {
	switch o.Kind {
	case op.Unique, op.ForeignKey:
		return len(o.Columns) > 0
	case op.Check:
		return strings.TrimSpace(o.Expr) != ""
	}
	return false
}

// bulkInsert is one INSERT ... VALUES per bulkRows rows.
func (d Dialect) bulkInsert(o *op.BulkInsert) ([]string, error) {
	if o == nil || o.Table == "" || len(o.Columns) == 0 {
		return nil, fmt.Errorf("bulk insert: a table and columns are needed")
	}
	head := "INSERT INTO " + d.QuoteIdent(o.Table) + " (" + d.idents(o.Columns) + ") VALUES "
	var stmts []string
	for from := 0; from < len(o.Rows); from += bulkRows {
		var b strings.Builder
		b.WriteString(head)
		for i, row := range o.Rows[from:min(from+bulkRows, len(o.Rows))] {
			if len(row) != len(o.Columns) {
				return nil, fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns", o.Table, from+i+1, len(row), len(o.Columns))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				lit, err := literal(v)
				if err != nil {
					return nil, fmt.Errorf("bulk insert into %s: row %d, column %s: %w", o.Table, from+i+1, o.Columns[j], err)
				}
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(lit)
			}
			b.WriteByte(')')
		}
		stmts = append(stmts, b.String())
	}
	return stmts, nil
}

// timeLayout is how a time.Time is written: modernc's own layout for
// times, which it reads back as a time.Time from a DATETIME column.
const timeLayout = "2006-01-02 15:04:05.999999999-07:00"

// literal is v as an SQLite literal.
func literal(v any) (string, error) {
	v, err := dialect.PlainValue(v)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case bool:
		if v {
			return "1", nil // SQLite's booleans are the integers 1 and 0
		}
		return "0", nil
	case int:
		return strconv.FormatInt(int64(v), 10), nil
	case int8:
		return strconv.FormatInt(int64(v), 10), nil
	case int16:
		return strconv.FormatInt(int64(v), 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint:
		return uintLiteral(uint64(v))
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return uintLiteral(v)
	case float32:
		return floatLiteral(float64(v))
	case float64:
		return floatLiteral(v)
	case string:
		return dialect.QuoteStringStandard(v), nil
	case []byte:
		return "X'" + hex.EncodeToString(v) + "'", nil
	case time.Time:
		return dialect.QuoteStringStandard(v.Format(timeLayout)), nil
	}
	return "", fmt.Errorf("no SQLite literal for a %T value", v)
}

func uintLiteral(v uint64) (string, error) {
	if v > math.MaxInt64 {
		return "", fmt.Errorf("%d does not fit SQLite's 64-bit signed integers", v)
	}
	return strconv.FormatUint(v, 10), nil
}

func floatLiteral(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v has no SQL literal", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0" // stays a REAL, not an INTEGER
	}
	return s, nil
}
