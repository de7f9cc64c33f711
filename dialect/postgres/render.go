package postgres

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

var _ op.Renderer = Dialect{}

// bulkInsertRows is how many rows one INSERT carries: enough to make a
// data migration a few round trips, few enough that a statement stays a
// size any server and any offline script reader takes.
const bulkInsertRows = 500

// Render returns the PostgreSQL statements that carry out o.
//
// db is read only for enum types: whether a type CreateTable, AddColumn or
// AlterColumn needs exists already (it is then reused, as SQLAlchemy's
// checkfirst does, when its values match), and which types a dropped table
// leaves unused. Without db every operation still renders: enum types are
// then created unconditionally and DropTable drops the types its Table
// declares.
func (d Dialect) Render(ctx context.Context, db op.Querier, o op.Op) ([]string, error) {
	switch o := o.(type) {
	case *op.CreateTable:
		return d.createTable(ctx, db, o.Table)
	case *op.DropTable:
		return d.dropTable(ctx, db, o)
	case *op.RenameTable:
		return []string{"ALTER TABLE " + d.QuoteIdent(o.Old) + " RENAME TO " + d.QuoteIdent(o.New)}, nil
	case *op.AddColumn:
		return d.addColumn(ctx, db, o)
	case *op.DropColumn:
		return d.dropColumn(ctx, db, o)
	case *op.AlterColumn:
		return d.alterColumn(ctx, db, o)
	case *op.CreateIndex:
		s, err := d.createIndex(d.QuoteIdent(o.Table), o.Index)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	case *op.DropIndex:
		return []string{"DROP INDEX " + d.QuoteIdent(o.Name)}, nil
	case *op.AddPrimaryKey:
		if o.Key == nil {
			return nil, errors.New("no primary key given")
		}
		s, err := d.primaryKey(o.Key)
		if err != nil {
			return nil, err
		}
		return []string{d.alterTable(o.Table, "ADD "+s)}, nil
	case *op.AddUnique:
		if o.Constraint == nil {
			return nil, errors.New("no unique constraint given")
		}
		s, err := d.unique(o.Constraint)
		if err != nil {
			return nil, err
		}
		return []string{d.alterTable(o.Table, "ADD "+s)}, nil
	case *op.AddForeignKey:
		if o.Constraint == nil {
			return nil, errors.New("no foreign key given")
		}
		s, err := d.foreignKey(o.Constraint)
		if err != nil {
			return nil, err
		}
		return []string{d.alterTable(o.Table, "ADD "+s)}, nil
	case *op.AddCheck:
		if o.Constraint == nil {
			return nil, errors.New("no check constraint given")
		}
		s, err := d.check(o.Constraint)
		if err != nil {
			return nil, err
		}
		return []string{d.alterTable(o.Table, "ADD "+s)}, nil
	case *op.DropConstraint:
		return d.dropConstraint(ctx, db, o)
	case *op.SetTableComment:
		return []string{"COMMENT ON TABLE " + d.QuoteIdent(o.Table) + " IS " + commentLiteral(o.Comment)}, nil
	case *op.Execute:
		if strings.TrimSpace(o.SQL) == "" {
			return nil, errors.New("no SQL to execute")
		}
		return []string{o.SQL}, nil
	case *op.BulkInsert:
		return d.bulkInsert(o)
	case nil:
		return nil, errors.New("no operation given")
	}
	return nil, fmt.Errorf("postgresql cannot render operation %T (%s)", o, o.Describe())
}

func (d Dialect) alterTable(table, action string) string {
	return "ALTER TABLE " + d.QuoteIdent(table) + " " + action
}

// columnType is the PostgreSQL type of a portable type. An enum is the
// type enumType names (quoted, maybe qualified), since its name depends on
// the table and column.
func (d Dialect) columnType(t schema.Type, enumType string) (string, error) {
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
		// Length 0 is what inspecting an unbounded varchar gives: render
		// it back as one.
		if t.Length <= 0 {
			return "VARCHAR", nil
		}
		return fmt.Sprintf("VARCHAR(%d)", t.Length), nil
	case schema.KindText:
		return "TEXT", nil
	case schema.KindDate:
		return "DATE", nil
	case schema.KindTime:
		return "TIME WITHOUT TIME ZONE", nil
	case schema.KindDateTime:
		if t.TZ {
			return "TIMESTAMP WITH TIME ZONE", nil
		}
		return "TIMESTAMP WITHOUT TIME ZONE", nil
	case schema.KindNumeric:
		// Precision 0 is an unconstrained numeric, as inspected.
		if t.Precision <= 0 {
			return "NUMERIC", nil
		}
		return fmt.Sprintf("NUMERIC(%d,%d)", t.Precision, t.Scale), nil
	case schema.KindFloat:
		return "DOUBLE PRECISION", nil
	case schema.KindBinary:
		return "BYTEA", nil
	case schema.KindUUID:
		return "UUID", nil
	case schema.KindJSON:
		return "JSONB", nil
	case schema.KindEnum:
		if len(t.Values) == 0 {
			return "", fmt.Errorf("enum type %s has no values", enumType)
		}
		return enumType, nil
	case schema.KindRaw:
		if s, ok := t.RawFor("postgresql"); ok && strings.TrimSpace(s) != "" {
			return s, nil
		}
		return "", fmt.Errorf("raw type %s has no SQL for postgresql", t)
	case schema.KindUndefined:
		return "", errors.New("no type given")
	}
	return "", fmt.Errorf("unknown type kind %q", t.Kind)
}

// enumName is the type an enum column is created as: the name the model
// gives, or <table>_<column> as SQLAlchemy names it.
func enumName(t schema.Type, table, column string) string {
	if t.Name != "" {
		return t.Name
	}
	return table + "_" + column
}

// columnDef is a column's definition as CREATE TABLE and ADD COLUMN take
// it: "name" TYPE [GENERATED BY DEFAULT AS IDENTITY] [DEFAULT x] [NOT NULL].
// An enum type is looked for in the table's schema, where createTable
// makes it.
func (d Dialect) columnDef(schemaName, table string, c *schema.Column) (string, error) {
	typ, err := d.columnType(c.Type, d.QualifiedName(schemaName, enumName(c.Type, table, c.Name)))
	if err != nil {
		return "", fmt.Errorf("column %s.%s: %w", table, c.Name, err)
	}
	var b strings.Builder
	b.WriteString(d.QuoteIdent(c.Name) + " " + typ)
	if c.AutoIncrement {
		// PostgreSQL refuses an identity with a default ("both default
		// and identity specified"): say so in the model's terms.
		if c.Default != "" {
			return "", fmt.Errorf("column %s.%s: an autoincrement column cannot have a default (%s)", table, c.Name, c.Default)
		}
		switch c.Type.Kind {
		case schema.KindInteger, schema.KindSmallInt, schema.KindBigInt, schema.KindRaw:
		default:
			return "", fmt.Errorf("column %s.%s: autoincrement needs an integer type, not %s", table, c.Name, c.Type)
		}
		b.WriteString(" GENERATED BY DEFAULT AS IDENTITY")
	}
	if c.Default != "" {
		b.WriteString(" DEFAULT " + c.Default)
	}
	if !c.Nullable {
		b.WriteString(" NOT NULL")
	}
	return b.String(), nil
}

func (d Dialect) columnList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = d.QuoteIdent(c)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// constraintName is "CONSTRAINT name " or "" to let the server name it.
func (d Dialect) constraintName(name string) string {
	if name == "" {
		return ""
	}
	return "CONSTRAINT " + d.QuoteIdent(name) + " "
}

func (d Dialect) primaryKey(k *schema.PrimaryKeyConstraint) (string, error) {
	if len(k.Columns) == 0 {
		return "", errors.New("primary key has no columns")
	}
	return d.constraintName(k.Name) + "PRIMARY KEY " + d.columnList(k.Columns), nil
}

func (d Dialect) unique(u *schema.UniqueConstraint) (string, error) {
	if len(u.Columns) == 0 {
		return "", fmt.Errorf("unique constraint %s has no columns", u.Name)
	}
	return d.constraintName(u.Name) + "UNIQUE " + d.columnList(u.Columns), nil
}

// fkActions are the referential actions PostgreSQL takes, as written.
var fkActions = []string{"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"}

func (d Dialect) foreignKey(fk *schema.ForeignKeyConstraint) (string, error) {
	if len(fk.Columns) == 0 || len(fk.Columns) != len(fk.RefColumns) {
		return "", fmt.Errorf("foreign key %s: %d columns refer to %d columns of %s", fk.Name, len(fk.Columns), len(fk.RefColumns), fk.RefTable)
	}
	if fk.RefTable == "" {
		return "", fmt.Errorf("foreign key %s refers to no table", fk.Name)
	}
	s := d.constraintName(fk.Name) + "FOREIGN KEY " + d.columnList(fk.Columns) +
		" REFERENCES " + d.QuoteIdent(fk.RefTable) + " " + d.columnList(fk.RefColumns)
	for _, a := range []struct{ on, action string }{{"DELETE", fk.OnDelete}, {"UPDATE", fk.OnUpdate}} {
		if a.action == "" {
			continue
		}
		// Checked against the list: the action is pasted into the SQL.
		act := strings.ToUpper(strings.Join(strings.Fields(a.action), " "))
		if !slices.Contains(fkActions, act) {
			return "", fmt.Errorf("foreign key %s: ON %s %q is not one of %s", fk.Name, a.on, a.action, strings.Join(fkActions, ", "))
		}
		s += " ON " + a.on + " " + act
	}
	return s, nil
}

func (d Dialect) check(c *schema.CheckConstraint) (string, error) {
	if strings.TrimSpace(c.Expr) == "" {
		return "", fmt.Errorf("check constraint %s has no expression", c.Name)
	}
	return d.constraintName(c.Name) + "CHECK (" + c.Expr + ")", nil
}

// createIndex is CREATE [UNIQUE] INDEX on table (already quoted).
func (d Dialect) createIndex(table string, ix *schema.Index) (string, error) {
	if ix == nil {
		return "", errors.New("no index given")
	}
	if len(ix.Columns) == 0 {
		return "", fmt.Errorf("index %s has no columns", ix.Name)
	}
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	s += "INDEX "
	if ix.Name != "" {
		s += d.QuoteIdent(ix.Name) + " "
	}
	// An element that is an expression, as Inspect reads one back
	// ("lower((name)::text)"), is written as it is: quoted, it would name
	// a column that does not exist.
	elems := make([]string, len(ix.Columns))
	for i, c := range ix.Columns {
		elems[i] = d.QuoteIdent(c)
		if strings.ContainsAny(c, "()") {
			elems[i] = c
		}
	}
	s += "ON " + table + " (" + strings.Join(elems, ", ") + ")"
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s, nil
}

// commentLiteral is the operand of COMMENT ON ... IS: NULL drops the
// comment.
func commentLiteral(c string) string {
	if c == "" {
		return "NULL"
	}
	return dialect.QuoteStringStandard(c)
}

// createTable creates the enum types of t's columns, then the table with
// its constraints, then its indexes and comments.
func (d Dialect) createTable(ctx context.Context, db op.Querier, t *schema.Table) ([]string, error) {
	if t == nil {
		return nil, errors.New("no table given")
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("table %s has no columns", t.Name)
	}
	table := d.QualifiedName(t.Schema, t.Name)
	var stmts []string
	created := map[string]bool{} // two columns may share one named type
	for _, c := range t.Columns {
		if c.Type.Kind != schema.KindEnum {
			continue
		}
		name := enumName(c.Type, t.Name, c.Name)
		if created[name] {
			continue
		}
		created[name] = true
		s, err := d.createEnum(ctx, db, t.Schema, name, c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s.%s: %w", t.Name, c.Name, err)
		}
		stmts = append(stmts, s...)
	}

	var defs []string
	for _, c := range t.Columns {
		def, err := d.columnDef(t.Schema, t.Name, c)
		if err != nil {
			return nil, err
		}
		defs = append(defs, def)
	}
	if t.PrimaryKey != nil {
		s, err := d.primaryKey(t.PrimaryKey)
		if err != nil {
			return nil, err
		}
		defs = append(defs, s)
	}
	for _, u := range t.Uniques {
		s, err := d.unique(u)
		if err != nil {
			return nil, err
		}
		defs = append(defs, s)
	}
	for _, fk := range t.ForeignKeys {
		s, err := d.foreignKey(fk)
		if err != nil {
			return nil, err
		}
		defs = append(defs, s)
	}
	for _, c := range t.Checks {
		s, err := d.check(c)
		if err != nil {
			return nil, err
		}
		defs = append(defs, s)
	}
	stmts = append(stmts, "CREATE TABLE "+table+" (\n\t"+strings.Join(defs, ",\n\t")+"\n)")

	for _, ix := range t.Indexes {
		s, err := d.createIndex(table, ix)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	if t.Comment != "" {
		stmts = append(stmts, "COMMENT ON TABLE "+table+" IS "+commentLiteral(t.Comment))
	}
	for _, c := range t.Columns {
		if c.Comment != "" {
			stmts = append(stmts, "COMMENT ON COLUMN "+table+"."+d.QuoteIdent(c.Name)+" IS "+commentLiteral(c.Comment))
		}
	}
	return stmts, nil
}

// createEnum is CREATE TYPE name AS ENUM (...), or nothing when db shows
// the type exists with these values already (a type shared by tables).
// A type of that name with other values, or not an enum, is an error:
// reusing it would silently give the column other values than declared.
// Offline, a named type (one the model names, which tables may share) is
// created by a block that makes the same checks when the script runs.
func (d Dialect) createEnum(ctx context.Context, db op.Querier, schemaName, name string, t schema.Type) ([]string, error) {
	values := t.Values
	if len(values) == 0 {
		return nil, fmt.Errorf("enum type %s has no values", name)
	}
	qualified := d.QualifiedName(schemaName, name)
	if db != nil {
		var kind, labels sql.NullString
		err := db.QueryRowContext(ctx, `SELECT t.typtype::text,
			(SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)
			FROM pg_catalog.pg_type t WHERE t.oid = to_regtype($1)`, qualified).Scan(&kind, &labels)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("looking for type %s: %w", name, err)
		case kind.String != "e":
			return nil, fmt.Errorf("type %s exists and is not an enum", name)
		default:
			var have []string
			if err := json.Unmarshal([]byte(labels.String), &have); err != nil {
				return nil, fmt.Errorf("reading the values of enum type %s: %w", name, err)
			}
			if !slices.Equal(have, values) {
				return nil, fmt.Errorf("enum type %s exists with values %s, not %s", name, enumValues(have), enumValues(values))
			}
			return nil, nil
		}
	}
	create := "CREATE TYPE " + qualified + " AS ENUM " + enumValues(values)
	if db == nil && t.Name != "" {
		lit := dialect.QuoteStringStandard(qualified)
		return []string{"DO $retort$\nBEGIN\n" +
			"\tIF to_regtype(" + lit + ") IS NULL THEN\n" +
			"\t\t" + create + ";\n" +
			"\tELSIF ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = to_regtype(" + lit + ") ORDER BY e.enumsortorder) <> ARRAY[" +
			strings.TrimSuffix(strings.TrimPrefix(enumValues(values), "("), ")") + "]::text[] THEN\n" +
			"\t\tRAISE EXCEPTION 'enum type % exists with other values than %', " + lit + ", " + dialect.QuoteStringStandard(enumValues(values)) + ";\n" +
			"\tEND IF;\nEND\n$retort$"}, nil
	}
	return []string{create}, nil
}

// dropEnum drops enum type name offline: a named type (which tables may
// share) only when the script finds no column using it any more.
func (d Dialect) dropEnum(schemaName, name string, named bool) string {
	qualified := d.QualifiedName(schemaName, name)
	if !named {
		return "DROP TYPE " + qualified
	}
	lit := dialect.QuoteStringStandard(qualified)
	return "DO $retort$\nBEGIN\n" +
		"\tIF to_regtype(" + lit + ") IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = to_regtype(" + lit + ")\n" +
		"\t\tWHERE a.atttypid IN (t.oid, t.typarray) AND NOT a.attisdropped) THEN\n" +
		"\t\tDROP TYPE " + qualified + ";\n" +
		"\tEND IF;\nEND\n$retort$"
}

func enumValues(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = dialect.QuoteStringStandard(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// dropTable drops the table, then the enum types its columns used that no
// other column uses. With db those are read from the catalog before the
// table goes; without it they are the types o.Table declares.
func (d Dialect) dropTable(ctx context.Context, db op.Querier, o *op.DropTable) ([]string, error) {
	name, schemaName := o.Name, ""
	if o.Table != nil {
		if name == "" {
			name = o.Table.Name
		}
		schemaName = o.Table.Schema
	}
	if name == "" {
		return nil, errors.New("no table named")
	}
	table := d.QualifiedName(schemaName, name)
	stmts := []string{"DROP TABLE " + table}
	switch {
	case db != nil:
		types, err := unusedEnums(ctx, db, table)
		if err != nil {
			return nil, fmt.Errorf("reading the enum types of table %s: %w", name, err)
		}
		for _, t := range types {
			stmts = append(stmts, "DROP TYPE "+d.QualifiedName(t.schema, t.name))
		}
	case o.Table != nil:
		seen := map[string]bool{}
		for _, c := range o.Table.Columns {
			if c.Type.Kind != schema.KindEnum {
				continue
			}
			n := enumName(c.Type, name, c.Name)
			if !seen[n] {
				seen[n] = true
				stmts = append(stmts, d.dropEnum(schemaName, n, c.Type.Name != ""))
			}
		}
	}
	return stmts, nil
}

// dropColumn drops the column, then its enum type if no other column uses
// it (as dropTable does for a table's): left behind, the type would make
// re-adding the column, a downgrade's CREATE TYPE, fail. With db the type
// is read from the catalog; without it, from o.Existing.
func (d Dialect) dropColumn(ctx context.Context, db op.Querier, o *op.DropColumn) ([]string, error) {
	stmts := []string{"ALTER TABLE " + d.QuoteIdent(o.Table) + " DROP COLUMN " + d.QuoteIdent(o.Column)}
	switch {
	case db != nil:
		t, ok, err := unusedColumnEnum(ctx, db, d.QuoteIdent(o.Table), o.Column)
		if err != nil {
			return nil, fmt.Errorf("reading the type of column %s.%s: %w", o.Table, o.Column, err)
		}
		if ok {
			stmts = append(stmts, "DROP TYPE "+d.QualifiedName(t.schema, t.name))
		}
	case o.Existing != nil && o.Existing.Type.Kind == schema.KindEnum:
		stmts = append(stmts, d.dropEnum("", enumName(o.Existing.Type, o.Table, o.Column), o.Existing.Type.Name != ""))
	}
	return stmts, nil
}

// unusedColumnEnum is the enum type of column of table (quoted, maybe
// qualified) when no other column uses it, as itself or as an array.
func unusedColumnEnum(ctx context.Context, db op.Querier, table, column string) (typeName, bool, error) {
	var t typeName
	err := db.QueryRowContext(ctx, `SELECT CASE WHEN n.nspname = current_schema() THEN '' ELSE n.nspname::text END, t.typname::text
		FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
		WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped AND t.typtype = 'e'
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute o
			WHERE o.atttypid IN (t.oid, t.typarray) AND NOT o.attisdropped
			AND NOT (o.attrelid = a.attrelid AND o.attnum = a.attnum)
			AND o.attrelid NOT IN (SELECT i.indexrelid FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid))`, table, column).Scan(&t.schema, &t.name)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, err
}

type typeName struct{ schema, name string }

// unusedEnums lists the enum types the columns of table (quoted, maybe
// qualified) use that no column of another relation uses, as an array of
// the type either. The table's own indexes are relations of their own in
// pg_attribute, so they are left out of "another".
func unusedEnums(ctx context.Context, db op.Querier, table string) ([]typeName, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT CASE WHEN n.nspname = current_schema() THEN '' ELSE n.nspname::text END, t.typname::text
		FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
		WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'e'
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute o
			WHERE o.atttypid IN (t.oid, t.typarray) AND NOT o.attisdropped
			AND o.attrelid <> a.attrelid
			AND o.attrelid NOT IN (SELECT i.indexrelid FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid))
		ORDER BY 1, 2`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []typeName
	for rows.Next() {
		var t typeName
		if err := rows.Scan(&t.schema, &t.name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// addColumn adds the column, after creating its enum type, and comments it.
func (d Dialect) addColumn(ctx context.Context, db op.Querier, o *op.AddColumn) ([]string, error) {
	c := o.Column
	if c == nil {
		return nil, errors.New("no column given")
	}
	var stmts []string
	if c.Type.Kind == schema.KindEnum {
		s, err := d.createEnum(ctx, db, "", enumName(c.Type, o.Table, c.Name), c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s.%s: %w", o.Table, c.Name, err)
		}
		stmts = append(stmts, s...)
	}
	def, err := d.columnDef("", o.Table, c)
	if err != nil {
		return nil, err
	}
	stmts = append(stmts, d.alterTable(o.Table, "ADD COLUMN "+def))
	if c.Comment != "" {
		stmts = append(stmts, d.columnComment(o.Table, c.Name, c.Comment))
	}
	return stmts, nil
}

func (d Dialect) columnComment(table, column, comment string) string {
	return "COMMENT ON COLUMN " + d.QuoteIdent(table) + "." + d.QuoteIdent(column) + " IS " + commentLiteral(comment)
}

// alterColumn changes type, nullability and default in one ALTER TABLE
// (PostgreSQL takes several ALTER COLUMN actions in one statement, but not
// RENAME COLUMN), then renames, then comments under the final name.
func (d Dialect) alterColumn(ctx context.Context, db op.Querier, o *op.AlterColumn) ([]string, error) {
	if o.Rename == "" && o.Type == nil && o.Nullable == nil && o.Default == nil && o.Comment == nil {
		return nil, fmt.Errorf("nothing to change in column %s.%s", o.Table, o.Column)
	}
	final := o.Column
	if o.Rename != "" {
		final = o.Rename
	}
	col := d.QuoteIdent(o.Column)
	var stmts, actions, after []string
	if o.Type != nil && enumValuesChange(o, final) {
		stmts = append(stmts, d.replaceEnum(o)...)
	} else if o.Type != nil {
		// The column's old enum type, if it leaves it and no other
		// column uses it, goes after the change, as with DropColumn.
		old, err := d.abandonedEnum(ctx, db, o, final)
		if err != nil {
			return nil, err
		}
		after = old
		name := enumName(*o.Type, o.Table, final)
		if o.Type.Kind == schema.KindEnum {
			s, err := d.createEnum(ctx, db, "", name, *o.Type)
			if err != nil {
				return nil, fmt.Errorf("column %s.%s: %w", o.Table, o.Column, err)
			}
			stmts = append(stmts, s...)
		}
		typ, err := d.columnType(*o.Type, d.QuoteIdent(name))
		if err != nil {
			return nil, fmt.Errorf("column %s.%s: %w", o.Table, o.Column, err)
		}
		// USING converts the values the way a cast does, which covers
		// what PostgreSQL will not convert by itself (text to an enum,
		// varchar to integer).
		actions = append(actions, "ALTER COLUMN "+col+" TYPE "+typ+" USING "+col+"::"+typ)
	}
	if o.Nullable != nil {
		if *o.Nullable {
			actions = append(actions, "ALTER COLUMN "+col+" DROP NOT NULL")
		} else {
			actions = append(actions, "ALTER COLUMN "+col+" SET NOT NULL")
		}
	}
	if o.Default != nil {
		if *o.Default == "" {
			actions = append(actions, "ALTER COLUMN "+col+" DROP DEFAULT")
		} else {
			actions = append(actions, "ALTER COLUMN "+col+" SET DEFAULT "+*o.Default)
		}
	}
	if len(actions) > 0 {
		stmts = append(stmts, d.alterTable(o.Table, strings.Join(actions, ", ")))
	}
	if o.Rename != "" {
		stmts = append(stmts, d.alterTable(o.Table, "RENAME COLUMN "+col+" TO "+d.QuoteIdent(o.Rename)))
	}
	if o.Comment != nil {
		stmts = append(stmts, d.columnComment(o.Table, final, *o.Comment))
	}
	return append(stmts, after...), nil
}

// abandonedEnum is the DROP TYPE of the enum type column o.Column leaves
// for *o.Type, when no other column uses it: read from the catalog with
// db, else taken from o.Existing.
func (d Dialect) abandonedEnum(ctx context.Context, db op.Querier, o *op.AlterColumn, final string) ([]string, error) {
	leaves := func(name string) bool {
		return o.Type.Kind != schema.KindEnum || enumName(*o.Type, o.Table, final) != name
	}
	switch {
	case db != nil:
		t, ok, err := unusedColumnEnum(ctx, db, d.QuoteIdent(o.Table), o.Column)
		if err != nil {
			return nil, fmt.Errorf("reading the type of column %s.%s: %w", o.Table, o.Column, err)
		}
		if ok && leaves(t.name) {
			return []string{"DROP TYPE " + d.QualifiedName(t.schema, t.name)}, nil
		}
	case o.Existing != nil && o.Existing.Type.Kind == schema.KindEnum:
		if name := enumName(o.Existing.Type, o.Table, o.Column); leaves(name) {
			return []string{d.dropEnum("", name, o.Existing.Type.Name != "")}, nil
		}
	}
	return nil, nil
}

// enumValuesChange reports whether o gives an enum column of the live
// table (o.Existing) other values under the same type name.
func enumValuesChange(o *op.AlterColumn, final string) bool {
	e := o.Existing
	return o.Type.Kind == schema.KindEnum && e != nil && e.Type.Kind == schema.KindEnum &&
		enumName(e.Type, o.Table, o.Column) == enumName(*o.Type, o.Table, final) &&
		!slices.Equal(e.Type.Values, o.Type.Values)
}

// replaceEnum changes the values of an enum column's type. PostgreSQL can
// only add values to a type in place (and not use them in the same
// transaction before 12), so the type is renamed away, made anew with the
// new values, the column converted through text (its default dropped
// meanwhile, since it is typed by the old type), and the old type
// dropped. A value the column holds that the new type lacks fails the
// conversion, and the step with it.
func (d Dialect) replaceEnum(o *op.AlterColumn) []string {
	name := enumName(*o.Type, o.Table, o.Column)
	typ, old, col := d.QuoteIdent(name), d.QuoteIdent(name+"_old"), d.QuoteIdent(o.Column)
	stmts := []string{
		"ALTER TYPE " + typ + " RENAME TO " + old,
		"CREATE TYPE " + typ + " AS ENUM " + enumValues(o.Type.Values),
	}
	def := o.Existing.Default
	if def != "" {
		stmts = append(stmts, d.alterTable(o.Table, "ALTER COLUMN "+col+" DROP DEFAULT"))
	}
	stmts = append(stmts, d.alterTable(o.Table, "ALTER COLUMN "+col+" TYPE "+typ+" USING "+col+"::text::"+typ))
	if def != "" && o.Default == nil {
		// The default read back names the type by its name, which is the
		// new type's now.
		stmts = append(stmts, d.alterTable(o.Table, "ALTER COLUMN "+col+" SET DEFAULT "+def))
	}
	return append(stmts, "DROP TYPE "+old)
}

// dropConstraint: PostgreSQL drops every kind of constraint the same way.
func (d Dialect) dropConstraint(ctx context.Context, db op.Querier, o *op.DropConstraint) ([]string, error) {
	name := o.Name
	if name == "" && o.Kind == op.PrimaryKey {
		// As on SQLite and MySQL, a primary key needs no name: the live
		// table's is looked up, and offline PostgreSQL's default is
		// assumed (<table>_pkey, the name an unnamed key gets).
		var err error
		if name, err = d.primaryKeyName(ctx, db, o.Table); err != nil {
			return nil, err
		}
	}
	if name == "" {
		return nil, fmt.Errorf("drop constraint on %s: no constraint name given", o.Table)
	}
	switch o.Kind {
	case "", op.PrimaryKey, op.Unique, op.ForeignKey, op.Check:
	default:
		return nil, fmt.Errorf("drop constraint %s on %s: unknown kind %q", o.Name, o.Table, o.Kind)
	}
	return []string{d.alterTable(o.Table, "DROP CONSTRAINT "+d.QuoteIdent(name))}, nil
}

// primaryKeyName is the name of table's primary key: read from the live
// database, or offline (db nil) PostgreSQL's default for it.
func (d Dialect) primaryKeyName(ctx context.Context, db op.Querier, table string) (string, error) {
	if db == nil {
		return table + "_pkey", nil
	}
	var name string
	err := db.QueryRowContext(ctx, "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'", d.QuoteIdent(table)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("drop primary key of %s: the table has none", table)
	}
	if err != nil {
		return "", fmt.Errorf("drop primary key of %s: reading its name: %w", table, err)
	}
	return name, nil
}

// bulkInsert is one INSERT per bulkInsertRows rows, values inline as
// literals so that the same statements serve offline SQL. No rows is no
// statement: inserting nothing is done.
func (d Dialect) bulkInsert(o *op.BulkInsert) ([]string, error) {
	if len(o.Columns) == 0 {
		return nil, fmt.Errorf("bulk insert into %s: no columns given", o.Table)
	}
	head := "INSERT INTO " + d.QuoteIdent(o.Table) + " " + d.columnList(o.Columns) + " VALUES "
	var stmts []string
	for start := 0; start < len(o.Rows); start += bulkInsertRows {
		end := min(start+bulkInsertRows, len(o.Rows))
		var b strings.Builder
		b.WriteString(head)
		for i := start; i < end; i++ {
			row := o.Rows[i]
			if len(row) != len(o.Columns) {
				return nil, fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns", o.Table, i+1, len(row), len(o.Columns))
			}
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				lit, err := literal(v)
				if err != nil {
					return nil, fmt.Errorf("bulk insert into %s: row %d, column %s: %w", o.Table, i+1, o.Columns[j], err)
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

// literal renders a Go value as a PostgreSQL literal. Named types (type
// Status string) render as their underlying kind, pointers as what they
// point to, and a driver.Valuer as its value (dialect.PlainValue).
func literal(v any) (string, error) {
	v, err := dialect.PlainValue(v)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case []byte:
		if v == nil {
			return "NULL", nil
		}
		return `'\x` + hex.EncodeToString(v) + `'::bytea`, nil
	case time.Time:
		// An offset PostgreSQL ignores for a timestamp without time zone
		// and uses for one with: the value means the same instant in
		// both. Microseconds are all PostgreSQL keeps.
		return "'" + v.Format("2006-01-02 15:04:05.999999-07:00") + "'", nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return "NULL", nil
		}
		return literal(rv.Elem().Interface())
	case reflect.Bool:
		if rv.Bool() {
			return "TRUE", nil
		}
		return "FALSE", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		switch {
		case math.IsNaN(f):
			return "'NaN'", nil
		case math.IsInf(f, 1):
			return "'Infinity'", nil
		case math.IsInf(f, -1):
			return "'-Infinity'", nil
		}
		bits := 64
		if rv.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.FormatFloat(f, 'g', -1, bits), nil
	case reflect.String:
		return dialect.QuoteStringStandard(rv.String()), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return literal(rv.Bytes())
		}
	}
	return "", fmt.Errorf("cannot write a %T as a PostgreSQL literal (use nil, bool, integers, floats, string, []byte or time.Time)", v)
}
