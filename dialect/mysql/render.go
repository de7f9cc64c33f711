package mysql

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

var _ op.Renderer = Dialect{}

// bulkInsertRows is how many rows one INSERT carries: few round trips for
// a data migration, yet a statement far below max_allowed_packet.
const bulkInsertRows = 500

// Render returns the MySQL/MariaDB statements that carry out o.
//
// db is read where MySQL's ALTER must restate a whole column (AlterColumn
// changing type, nullability or comment: the rest comes from the live
// column) and where a drop must also remove what MySQL leaves behind (the
// index a foreign key created, the foreign keys on a dropped column).
// Without db those cases use AlterColumn.Existing, or fail saying so; the
// drops then render the plain statement.
//
// The SQL is valid on MariaDB 10.5+ and MySQL 8.0.19+ (RENAME COLUMN,
// DROP CONSTRAINT for checks, parenthesised default expressions).
func (d Dialect) Render(ctx context.Context, db op.Querier, o op.Op) ([]string, error) {
	switch o := o.(type) {
	case *op.CreateTable:
		s, err := d.createTable(o.Table)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	case *op.DropTable:
		if o.Name == "" {
			return nil, errors.New("no table named")
		}
		return []string{"DROP TABLE " + d.QuoteIdent(o.Name)}, nil
	case *op.RenameTable:
		if o.Old == "" || o.New == "" {
			return nil, errors.New("rename table needs the old and the new name")
		}
		return []string{"RENAME TABLE " + d.QuoteIdent(o.Old) + " TO " + d.QuoteIdent(o.New)}, nil
	case *op.AddColumn:
		if o.Column == nil {
			return nil, errors.New("no column given")
		}
		def, err := d.columnDef(o.Column, columnExtras{})
		if err != nil {
			return nil, err
		}
		return []string{d.alterTable(o.Table, "ADD COLUMN "+def)}, nil
	case *op.DropColumn:
		return d.dropColumn(ctx, db, o)
	case *op.AlterColumn:
		return d.alterColumn(ctx, db, o)
	case *op.CreateIndex:
		return d.createIndex(o)
	case *op.DropIndex:
		if o.Name == "" {
			return nil, errors.New("no index named")
		}
		return []string{"DROP INDEX " + d.QuoteIdent(o.Name) + " ON " + d.QuoteIdent(o.Table)}, nil
	case *op.AddPrimaryKey:
		if o.Key == nil || len(o.Key.Columns) == 0 {
			return nil, errors.New("no primary key columns given")
		}
		// MySQL names every primary key PRIMARY and ignores a constraint
		// name, so none is written.
		return []string{d.alterTable(o.Table, "ADD PRIMARY KEY "+d.columnList(o.Key.Columns))}, nil
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
		return []string{d.alterTable(o.Table, "COMMENT = "+d.QuoteString(o.Comment))}, nil
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
	return nil, fmt.Errorf("mysql cannot render operation %T", o)
}

func (d Dialect) alterTable(table, action string) string {
	return "ALTER TABLE " + d.QuoteIdent(table) + " " + action
}

// columnList is (`a`, `b`).
func (d Dialect) columnList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = d.QuoteIdent(c)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// columnType is the MySQL type of a portable type (see schema.Type).
func (d Dialect) columnType(t schema.Type) (string, error) {
	switch t.Kind {
	case schema.KindInteger:
		return "INT", nil
	case schema.KindSmallInt:
		return "SMALLINT", nil
	case schema.KindBigInt:
		return "BIGINT", nil
	case schema.KindBoolean:
		return "TINYINT(1)", nil
	case schema.KindString:
		if t.Length <= 0 {
			return "", errors.New("a string column needs a length on MySQL (VARCHAR(n)); use text for unbounded strings")
		}
		return fmt.Sprintf("VARCHAR(%d)", t.Length), nil
	case schema.KindText:
		return "TEXT", nil
	case schema.KindDate:
		return "DATE", nil
	case schema.KindTime:
		return "TIME", nil
	case schema.KindDateTime:
		// MySQL keeps no time zone with a DATETIME; TIMESTAMP converts to
		// UTC but ends in 2038, so TZ is dropped as the type table says.
		return "DATETIME", nil
	case schema.KindNumeric:
		if t.Precision <= 0 {
			return "DECIMAL", nil
		}
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case schema.KindFloat:
		return "DOUBLE", nil
	case schema.KindBinary:
		if t.Length <= 0 {
			return "BLOB", nil
		}
		return fmt.Sprintf("VARBINARY(%d)", t.Length), nil
	case schema.KindUUID:
		return "CHAR(36)", nil
	case schema.KindJSON:
		return "JSON", nil
	case schema.KindEnum:
		if len(t.Values) == 0 {
			return "", errors.New("an enum needs at least one value")
		}
		q := make([]string, len(t.Values))
		for i, v := range t.Values {
			q[i] = d.QuoteString(v)
		}
		return "ENUM(" + strings.Join(q, ",") + ")", nil
	case schema.KindRaw:
		if s, ok := t.RawFor("mysql"); ok && strings.TrimSpace(s) != "" {
			return s, nil
		}
		return "", fmt.Errorf("raw type %s gives no SQL for mysql", t)
	case schema.KindUndefined:
		return "", errors.New("no column type given")
	}
	return "", fmt.Errorf("unknown column type kind %q", t.Kind)
}

// columnExtras are the parts of a live column that the portable model
// cannot hold but a restating ALTER must keep (see alterColumn).
type columnExtras struct {
	charset, collate string // "" when the column follows the table's
	onUpdate         string // ON UPDATE expression
	invisible        bool
}

// columnDef is `name` TYPE NULL|NOT NULL [DEFAULT x] [AUTO_INCREMENT]
// [COMMENT '...']. Nullable columns say NULL explicitly: MySQL would
// otherwise make a TIMESTAMP column NOT NULL under
// explicit_defaults_for_timestamp=OFF.
func (d Dialect) columnDef(c *schema.Column, x columnExtras) (string, error) {
	if c.Name == "" {
		return "", errors.New("a column has no name")
	}
	typ, err := d.columnType(c.Type)
	if err != nil {
		return "", fmt.Errorf("column %s: %w", c.Name, err)
	}
	if c.AutoIncrement && c.Default != "" {
		// MySQL would ignore it; PostgreSQL refuses it: refuse it alike.
		return "", fmt.Errorf("column %s: an autoincrement column cannot have a default (%s)", c.Name, c.Default)
	}
	var b strings.Builder
	b.WriteString(d.QuoteIdent(c.Name) + " " + typ)
	if x.charset != "" {
		b.WriteString(" CHARACTER SET " + x.charset)
	}
	if x.collate != "" {
		b.WriteString(" COLLATE " + x.collate)
	}
	if c.Nullable {
		b.WriteString(" NULL")
	} else {
		b.WriteString(" NOT NULL")
	}
	if c.Default != "" {
		b.WriteString(" DEFAULT " + c.Default)
	}
	if x.onUpdate != "" {
		b.WriteString(" ON UPDATE " + x.onUpdate)
	}
	if x.invisible {
		b.WriteString(" INVISIBLE")
	}
	if c.AutoIncrement {
		b.WriteString(" AUTO_INCREMENT")
	}
	if c.Comment != "" {
		b.WriteString(" COMMENT " + d.QuoteString(c.Comment))
	}
	return b.String(), nil
}

// createTable renders one CREATE TABLE holding the whole declaration:
// indexes and constraints inline, so that the table appears complete in
// one DDL statement (MySQL commits each one).
func (d Dialect) createTable(t *schema.Table) (string, error) {
	if t == nil || t.Name == "" {
		return "", errors.New("no table given")
	}
	if len(t.Columns) == 0 {
		return "", fmt.Errorf("table %s has no columns", t.Name)
	}
	var lines []string
	for _, c := range t.Columns {
		def, err := d.columnDef(c, columnExtras{})
		if err != nil {
			return "", err
		}
		lines = append(lines, def)
	}
	if t.PrimaryKey != nil {
		if len(t.PrimaryKey.Columns) == 0 {
			return "", errors.New("the primary key has no columns")
		}
		lines = append(lines, "PRIMARY KEY "+d.columnList(t.PrimaryKey.Columns))
	}
	for _, ix := range t.Indexes {
		s, err := d.indexClause(ix)
		if err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	for _, u := range t.Uniques {
		s, err := d.unique(u)
		if err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	for _, fk := range t.ForeignKeys {
		s, err := d.foreignKey(fk)
		if err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	for _, ck := range t.Checks {
		s, err := d.check(ck)
		if err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	opts, err := d.tableOptions(t)
	if err != nil {
		return "", err
	}
	return "CREATE TABLE " + d.QualifiedName(t.Schema, t.Name) + " (\n\t" + strings.Join(lines, ",\n\t") + "\n)" + opts, nil
}

// optionWord is what ENGINE=, DEFAULT CHARSET= and COLLATE= take: a bare
// name, written unquoted.
var optionWord = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func (d Dialect) tableOptions(t *schema.Table) (string, error) {
	var b strings.Builder
	for _, o := range []struct{ clause, value string }{
		{"ENGINE", t.Options.Engine}, {"DEFAULT CHARSET", t.Options.Charset}, {"COLLATE", t.Options.Collate},
	} {
		if o.value == "" {
			continue
		}
		if !optionWord.MatchString(o.value) {
			return "", fmt.Errorf("table %s: %s %q is not a name", t.Name, o.clause, o.value)
		}
		b.WriteString(" " + o.clause + "=" + o.value)
	}
	if t.Comment != "" {
		b.WriteString(" COMMENT=" + d.QuoteString(t.Comment))
	}
	return b.String(), nil
}

// indexClause is an index inside CREATE TABLE.
func (d Dialect) indexClause(ix *schema.Index) (string, error) {
	if err := d.checkIndex(ix); err != nil {
		return "", err
	}
	kw := "INDEX "
	if ix.Unique {
		kw = "UNIQUE INDEX "
	}
	if ix.Name != "" {
		kw += d.QuoteIdent(ix.Name) + " "
	}
	return kw + d.columnList(ix.Columns), nil
}

func (d Dialect) checkIndex(ix *schema.Index) error {
	if ix == nil {
		return errors.New("no index given")
	}
	if len(ix.Columns) == 0 {
		return fmt.Errorf("index %s has no columns", ix.Name)
	}
	if strings.TrimSpace(ix.Where) != "" {
		return fmt.Errorf("index %s is partial (WHERE %s): MySQL and MariaDB have no partial indexes", ix.Name, ix.Where)
	}
	return nil
}

func (d Dialect) createIndex(o *op.CreateIndex) ([]string, error) {
	if err := d.checkIndex(o.Index); err != nil {
		return nil, err
	}
	if o.Index.Name == "" {
		return nil, errors.New("CREATE INDEX needs an index name")
	}
	kw := "CREATE INDEX "
	if o.Index.Unique {
		kw = "CREATE UNIQUE INDEX "
	}
	return []string{kw + d.QuoteIdent(o.Index.Name) + " ON " + d.QuoteIdent(o.Table) + " " + d.columnList(o.Index.Columns)}, nil
}

// constraintName is "CONSTRAINT `name` ", or "" to let the server name it.
func (d Dialect) constraintName(name string) string {
	if name == "" {
		return ""
	}
	return "CONSTRAINT " + d.QuoteIdent(name) + " "
}

func (d Dialect) unique(u *schema.UniqueConstraint) (string, error) {
	if len(u.Columns) == 0 {
		return "", fmt.Errorf("unique constraint %s has no columns", u.Name)
	}
	return d.constraintName(u.Name) + "UNIQUE " + d.columnList(u.Columns), nil
}

// referentialActions are the words ON DELETE and ON UPDATE take; they are
// written unquoted, so nothing else may pass.
var referentialActions = map[string]bool{"CASCADE": true, "SET NULL": true, "SET DEFAULT": true, "RESTRICT": true, "NO ACTION": true}

func (d Dialect) foreignKey(fk *schema.ForeignKeyConstraint) (string, error) {
	if len(fk.Columns) == 0 || fk.RefTable == "" || len(fk.RefColumns) != len(fk.Columns) {
		return "", fmt.Errorf("foreign key %s needs columns, a referred table and as many referred columns", fk.Name)
	}
	s := d.constraintName(fk.Name) + "FOREIGN KEY " + d.columnList(fk.Columns) +
		" REFERENCES " + d.QuoteIdent(fk.RefTable) + " " + d.columnList(fk.RefColumns)
	for _, a := range []struct{ clause, action string }{{"ON DELETE", fk.OnDelete}, {"ON UPDATE", fk.OnUpdate}} {
		if a.action == "" {
			continue
		}
		w := strings.ToUpper(strings.Join(strings.Fields(a.action), " "))
		if !referentialActions[w] {
			return "", fmt.Errorf("foreign key %s: %s %q is not CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION", fk.Name, a.clause, a.action)
		}
		s += " " + a.clause + " " + w
	}
	return s, nil
}

func (d Dialect) check(ck *schema.CheckConstraint) (string, error) {
	if strings.TrimSpace(ck.Expr) == "" {
		return "", fmt.Errorf("check constraint %s has no condition", ck.Name)
	}
	return d.constraintName(ck.Name) + "CHECK (" + ck.Expr + ")", nil
}

// dropConstraint spells each kind's drop as MySQL wants it. A foreign
// key's drop also drops the index MySQL created for it, which MySQL leaves
// behind: otherwise adding and dropping a foreign key would not return the
// table to what it was. That needs db to find the index; offline only the
// key is dropped.
func (d Dialect) dropConstraint(ctx context.Context, db op.Querier, o *op.DropConstraint) ([]string, error) {
	if o.Name == "" && o.Kind != op.PrimaryKey {
		return nil, errors.New("no constraint named")
	}
	switch o.Kind {
	case op.PrimaryKey:
		return []string{d.alterTable(o.Table, "DROP PRIMARY KEY")}, nil
	case op.Unique:
		return []string{d.alterTable(o.Table, "DROP INDEX "+d.QuoteIdent(o.Name))}, nil
	case op.Check:
		return []string{d.alterTable(o.Table, "DROP CONSTRAINT "+d.QuoteIdent(o.Name))}, nil
	case op.ForeignKey:
		action := "DROP FOREIGN KEY " + d.QuoteIdent(o.Name)
		if db != nil {
			ix, err := d.implicitIndex(ctx, db, o.Table, o.Name)
			if err != nil {
				return nil, err
			}
			if ix != "" {
				action += ", DROP INDEX " + d.QuoteIdent(ix)
			}
		} else if o.Index != "" {
			action += ", DROP INDEX " + d.QuoteIdent(o.Index)
		}
		return []string{d.alterTable(o.Table, action)}, nil
	case "":
		return nil, fmt.Errorf("constraint %s: no Kind given (MySQL drops each kind differently: primary, unique, foreignkey or check)", o.Name)
	}
	return nil, fmt.Errorf("constraint %s: unknown kind %q", o.Name, o.Kind)
}

// implicitIndex is the name of the index MySQL made for foreign key fk of
// table, when no other foreign key of the table could be relying on it
// (one whose columns start like the index's); "" otherwise.
func (d Dialect) implicitIndex(ctx context.Context, db op.Querier, table, fk string) (string, error) {
	c, err := d.read(ctx, db, []string{table})
	if err != nil {
		return "", err
	}
	t := c.schema.Table(table)
	if t == nil {
		return "", fmt.Errorf("table %s does not exist", table)
	}
	var ix *schema.Index
	for name, i := range c.fkIndexes[t.Name] {
		if strings.EqualFold(name, fk) {
			ix = i
		}
	}
	if ix == nil {
		return "", nil
	}
	for _, other := range t.ForeignKeys {
		if !strings.EqualFold(other.Name, fk) && len(other.Columns) >= len(ix.Columns) && equalFoldAll(other.Columns[:len(ix.Columns)], ix.Columns) {
			return "", nil
		}
	}
	return ix.Name, nil
}

// dropColumn drops the column together with the foreign keys on it alone,
// which MySQL refuses to drop a column from under (the indexes on it go
// with the column by themselves). Offline only the column is dropped.
func (d Dialect) dropColumn(ctx context.Context, db op.Querier, o *op.DropColumn) ([]string, error) {
	if o.Column == "" {
		return nil, errors.New("no column named")
	}
	var actions []string
	if db != nil {
		s, err := d.Inspect(ctx, db, o.Table)
		if err != nil {
			return nil, err
		}
		if t := s.Table(o.Table); t != nil {
			for _, fk := range t.ForeignKeys {
				if len(fk.Columns) == 1 && strings.EqualFold(fk.Columns[0], o.Column) {
					actions = append(actions, "DROP FOREIGN KEY "+d.QuoteIdent(fk.Name))
				}
			}
		}
	}
	actions = append(actions, "DROP COLUMN "+d.QuoteIdent(o.Column))
	return []string{d.alterTable(o.Table, strings.Join(actions, ", "))}, nil
}

func equalFoldAll(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// bulkInsert renders INSERT statements of up to bulkInsertRows rows.
func (d Dialect) bulkInsert(o *op.BulkInsert) ([]string, error) {
	if len(o.Columns) == 0 {
		return nil, errors.New("no columns given")
	}
	head := "INSERT INTO " + d.QuoteIdent(o.Table) + " " + d.columnList(o.Columns) + " VALUES "
	var out []string
	for start := 0; start < len(o.Rows); start += bulkInsertRows {
		end := min(start+bulkInsertRows, len(o.Rows))
		var b strings.Builder
		b.WriteString(head)
		for i, row := range o.Rows[start:end] {
			if len(row) != len(o.Columns) {
				return nil, fmt.Errorf("row %d has %d values for %d columns", start+i+1, len(row), len(o.Columns))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				lit, err := d.valueLiteral(v)
				if err != nil {
					return nil, fmt.Errorf("row %d, column %s: %w", start+i+1, o.Columns[j], err)
				}
				b.WriteString(lit)
			}
			b.WriteByte(')')
		}
		out = append(out, b.String())
	}
	return out, nil
}

// valueLiteral renders a Go value as a MySQL literal. Strings use Literal,
// which reads back exactly under any sql_mode (a hex literal when the text
// holds quotes, backslashes or non-ASCII), because data must not depend
// on NO_BACKSLASH_ESCAPES. Times are written as DATETIME text in UTC, as
// go-sql-driver/mysql sends a time.Time parameter by default.
func (d Dialect) valueLiteral(v any) (string, error) {
	v, err := dialect.PlainValue(v)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case bool:
		if v {
			return "TRUE", nil
		}
		return "FALSE", nil
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
		return strconv.FormatUint(uint64(v), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float32:
		return floatLiteral(float64(v), 32)
	case float64:
		return floatLiteral(v, 64)
	case string:
		return d.Literal(v), nil
	case []byte:
		return "X'" + hex.EncodeToString(v) + "'", nil
	case time.Time:
		return "'" + v.UTC().Format("2006-01-02 15:04:05.999999") + "'", nil
	}
	return "", fmt.Errorf("cannot write a %T as an SQL literal (use nil, bool, integers, floats, string, []byte or time.Time)", v)
}

func floatLiteral(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v has no SQL literal", f)
	}
	return strconv.FormatFloat(f, 'g', -1, bits), nil
}
