package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/schema"
)

var _ dialect.Inspector = Dialect{}

// Inspect reads the tables of the connection's current database (or those
// named) from information_schema, one query per kind of object whatever
// the number of tables: the server's flavour, tables, columns, indexes,
// foreign keys and checks.
//
// MariaDB and MySQL 8 report some things differently; both are read to
// the same model:
//   - COLUMN_DEFAULT: MariaDB writes defaults as SQL ('abc', NULL for "no
//     default" on a nullable column, current_timestamp()); MySQL 8 gives a
//     literal's bare text and marks expressions DEFAULT_GENERATED. Both
//     come back as an SQL expression, strings quoted, "" for none.
//   - JSON: MariaDB's is LONGTEXT with a CHECK (json_valid(`c`)); it is
//     reported as json and that check is not listed.
//   - The index MySQL makes for a foreign key (named as the key, or after
//     its first column when the key is unnamed) is not listed as an index.
//   - Unique indexes and unique constraints are the same thing to MySQL:
//     every one is an Index with Unique set, never a Uniques entry.
//   - Referential actions RESTRICT and NO ACTION are InnoDB's default
//     (MariaDB reports RESTRICT for an unspecified action, MySQL 8 NO
//     ACTION): both come back as "".
func (d Dialect) Inspect(ctx context.Context, q dialect.Querier, names ...string) (*schema.Schema, error) {
	c, err := d.read(ctx, q, names)
	if err != nil {
		return nil, err
	}
	return c.schema, nil
}

// catalog is what read finds: the model, and what the model leaves out
// but renderers need.
type catalog struct {
	schema *schema.Schema
	// fkIndexes are, per table and foreign key name, the index MySQL made
	// for the key, which the model does not list among Indexes.
	fkIndexes map[string]map[string]*schema.Index
	// facts are, per table and lowercased column name, the column's
	// attributes the model cannot hold.
	facts map[string]map[string]columnFacts
}

// columnFacts is what an ALTER restating a column must keep although the
// portable model has no place for it.
type columnFacts struct {
	extra            string // information_schema EXTRA
	charset, collate string
	tableCollate     string
}

// read runs the catalog queries.
func (d Dialect) read(ctx context.Context, q dialect.Querier, names []string) (*catalog, error) {
	mariadb, err := isMariaDB(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &catalog{schema: &schema.Schema{}, fkIndexes: map[string]map[string]*schema.Index{}, facts: map[string]map[string]columnFacts{}}
	tables, err := d.readTables(ctx, q, names)
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return c, nil
	}
	byName := map[string]*schema.Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	if err := d.readColumns(ctx, q, names, byName, c, mariadb); err != nil {
		return nil, err
	}
	if err := d.readForeignKeys(ctx, q, names, byName); err != nil {
		return nil, err
	}
	if err := d.readIndexes(ctx, q, names, byName, c); err != nil {
		return nil, err
	}
	if err := d.readChecks(ctx, q, names, byName, mariadb); err != nil {
		return nil, err
	}
	for _, t := range tables {
		sortByName(t.Indexes, func(ix *schema.Index) string { return ix.Name })
		sortByName(t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) string { return fk.Name })
		sortByName(t.Checks, func(ck *schema.CheckConstraint) string { return ck.Name })
	}
	sortByName(tables, func(t *schema.Table) string { return t.Name })
	c.schema.Tables = tables
	return c, nil
}

func sortByName[T any](s []T, name func(T) string) {
	slices.SortStableFunc(s, func(a, b T) int { return strings.Compare(name(a), name(b)) })
}

// isMariaDB tells the flavours apart: VERSION() says "-MariaDB" on MariaDB.
func isMariaDB(ctx context.Context, q dialect.Querier) (bool, error) {
	var v string
	if err := q.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return false, fmt.Errorf("reading the server version: %w", err)
	}
	return strings.Contains(strings.ToLower(v), "mariadb"), nil
}

// tableFilter is the clause restricting a catalog query to the current
// database and, when names are given, to those tables; schemaCol and
// tableCol are the query's (qualified) schema and table name columns.
func tableFilter(schemaCol, tableCol string, names []string) (string, []any) {
	where := schemaCol + " = DATABASE()"
	if len(names) == 0 {
		return where, nil
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	return where + " AND " + tableCol + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")", args
}

// query runs a catalog query and calls scan for each row.
func query(ctx context.Context, q dialect.Querier, what, sqlText string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("reading %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	return nil
}

func (d Dialect) readTables(ctx context.Context, q dialect.Querier, names []string) ([]*schema.Table, error) {
	where, args := tableFilter("TABLE_SCHEMA", "TABLE_NAME", names)
	// The charset is the collation's first word: every collation name
	// starts with its charset's (utf8mb4_general_ci, MariaDB's
	// utf8mb4_uca1400_ai_ci, binary), which avoids a join with
	// COLLATION_CHARACTER_SET_APPLICABILITY, whose columns differ between
	// MariaDB versions. Views are left out; MariaDB's system-versioned
	// tables are tables.
	sqlText := "SELECT TABLE_NAME, COALESCE(ENGINE, ''), COALESCE(TABLE_COLLATION, ''), COALESCE(TABLE_COMMENT, '') " +
		"FROM information_schema.TABLES WHERE " + where + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
	var tables []*schema.Table
	err := query(ctx, q, "tables", sqlText, args, func(r *sql.Rows) error {
		t := &schema.Table{}
		if err := r.Scan(&t.Name, &t.Options.Engine, &t.Options.Collate, &t.Comment); err != nil {
			return err
		}
		if t.Options.Collate != "" {
			t.Options.Charset, _, _ = strings.Cut(t.Options.Collate, "_")
		}
		tables = append(tables, t)
		return nil
	})
	return tables, err
}

func (d Dialect) readColumns(ctx context.Context, q dialect.Querier, names []string, tables map[string]*schema.Table, c *catalog, mariadb bool) error {
	where, args := tableFilter("TABLE_SCHEMA", "TABLE_NAME", names)
	sqlText := "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, " +
		"COALESCE(CHARACTER_SET_NAME, ''), COALESCE(COLLATION_NAME, '') " +
		"FROM information_schema.COLUMNS WHERE " + where + " ORDER BY TABLE_NAME, ORDINAL_POSITION"
	return query(ctx, q, "columns", sqlText, args, func(r *sql.Rows) error {
		var table, name, colType, nullable, extra, comment string
		var f columnFacts
		var def sql.NullString
		if err := r.Scan(&table, &name, &colType, &nullable, &def, &extra, &comment, &f.charset, &f.collate); err != nil {
			return err
		}
		t := tables[table]
		if t == nil {
			return nil // a view's columns
		}
		col := &schema.Column{Name: name, Type: parseColumnType(colType), Nullable: nullable == "YES", Comment: comment}
		col.AutoIncrement = strings.Contains(strings.ToLower(extra), "auto_increment")
		if def.Valid && !col.AutoIncrement {
			col.Default = normalizeDefault(strings.TrimSpace(def.String), extra, colType, mariadb)
		}
		t.Columns = append(t.Columns, col)
		f.extra, f.tableCollate = extra, t.Options.Collate
		if c.facts[table] == nil {
			c.facts[table] = map[string]columnFacts{}
		}
		c.facts[table][strings.ToLower(name)] = f
		return nil
	})
}

// currentTimestamp matches the datetime defaults MySQL takes without
// parentheses (and MariaDB reports as it stores them).
var currentTimestamp = regexp.MustCompile(`(?i)^(current_timestamp|now|localtime|localtimestamp)(\(\d*\))?$`)

// numericBase are the types whose MySQL 8 defaults are bare numbers.
var numericBase = map[string]bool{"tinyint": true, "smallint": true, "mediumint": true, "int": true, "integer": true,
	"bigint": true, "decimal": true, "numeric": true, "float": true, "double": true, "real": true, "year": true}

// normalizeDefault turns COLUMN_DEFAULT into the SQL expression a
// DEFAULT clause takes.
func normalizeDefault(def, extra, colType string, mariadb bool) string {
	if mariadb {
		// MariaDB 10.2.7+ writes the default as SQL; NULL (the keyword, not
		// the string 'NULL', which comes quoted) is a nullable column's
		// implicit default, which is no default for the model.
		if strings.EqualFold(def, "NULL") {
			return ""
		}
		return def
	}
	if strings.Contains(strings.ToLower(extra), "default_generated") {
		// MySQL 8 expressions: CURRENT_TIMESTAMP may stand bare; any other
		// expression needs its parentheses to be restated.
		if currentTimestamp.MatchString(def) || wrapped(def) {
			return def
		}
		return "(" + def + ")"
	}
	base, _, _ := strings.Cut(strings.ToLower(colType), "(")
	if f := strings.Fields(base); (len(f) > 0 && numericBase[f[0]]) || strings.HasPrefix(def, "b'") {
		return def
	}
	return dialectQuote(def)
}

func dialectQuote(s string) string { return Dialect{}.QuoteString(s) }

// wrapped reports whether s is one parenthesised expression: its first
// "(" closes at its last character. Quotes are skipped.
func wrapped(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == '\\' && quote != '`' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"' || ch == '`':
			quote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

// stripParens removes one pair of parentheses around the whole of s.
func stripParens(s string) string {
	s = strings.TrimSpace(s)
	if wrapped(s) {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// parseColumnType maps COLUMN_TYPE back to a portable type; what has no
// portable kind comes back raw, as the catalog writes it.
func parseColumnType(colType string) schema.Type {
	raw := schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"mysql": colType}}
	lower := strings.ToLower(strings.TrimSpace(colType))
	if strings.Contains(lower, " unsigned") || strings.Contains(lower, " zerofill") {
		return raw
	}
	base, args, hasArgs := strings.Cut(lower, "(")
	args = strings.TrimSuffix(args, ")")
	nums := func() []int {
		var out []int
		for _, p := range strings.Split(args, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return nil
			}
			out = append(out, n)
		}
		return out
	}
	switch base {
	case "int", "integer":
		return schema.Integer() // int(11): a display width, not a size
	case "smallint":
		return schema.SmallInt()
	case "bigint":
		return schema.BigInt()
	case "tinyint":
		if args == "1" {
			return schema.Boolean()
		}
	case "varchar":
		if n := nums(); len(n) == 1 {
			return schema.String(n[0])
		}
	case "char":
		if args == "36" {
			return schema.UUID()
		}
	case "varbinary":
		if n := nums(); len(n) == 1 {
			return schema.Binary(n[0])
		}
	case "decimal", "numeric":
		if n := nums(); len(n) == 2 {
			return schema.Numeric(n[0], n[1])
		}
	case "enum":
		if ct := strings.TrimSpace(colType); strings.HasSuffix(ct, ")") {
			if v, ok := parseEnumValues(strings.TrimSpace(ct[len("enum(") : len(ct)-1])); ok {
				return schema.Enum(v...)
			}
		}
	}
	if !hasArgs {
		switch base {
		case "text":
			return schema.Text()
		case "date":
			return schema.Date()
		case "time":
			return schema.Time()
		case "datetime":
			return schema.DateTime()
		case "double":
			return schema.Float()
		case "blob":
			return schema.Binary(0)
		case "json":
			return schema.JSON()
		}
	}
	return raw
}

// parseEnumValues reads 'a','b”c','d\\e' as the catalog writes an enum's
// values.
func parseEnumValues(s string) ([]string, bool) {
	var vals []string
	for {
		if s == "" || s[0] != '\'' {
			return nil, false
		}
		var b strings.Builder
		i := 1
		for {
			if i >= len(s) {
				return nil, false
			}
			ch := s[i]
			if ch == '\\' && i+1 < len(s) {
				b.WriteByte(unescape(s[i+1]))
				i += 2
				continue
			}
			if ch == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			b.WriteByte(ch)
			i++
		}
		vals = append(vals, b.String())
		s = strings.TrimSpace(s[i+1:])
		if s == "" {
			return vals, true
		}
		if s[0] != ',' {
			return nil, false
		}
		s = strings.TrimSpace(s[1:])
	}
}

// unescape is the character a backslash escape stands for in MySQL.
func unescape(c byte) byte {
	switch c {
	case '0':
		return 0
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'Z':
		return 26
	}
	return c
}

func (d Dialect) readIndexes(ctx context.Context, q dialect.Querier, names []string, tables map[string]*schema.Table, c *catalog) error {
	where, args := tableFilter("TABLE_SCHEMA", "TABLE_NAME", names)
	sqlText := "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COALESCE(COLUMN_NAME, '') FROM information_schema.STATISTICS WHERE " +
		where + " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
	type key struct{ table, index string }
	found := map[key]*schema.Index{}
	var order []key
	err := query(ctx, q, "indexes", sqlText, args, func(r *sql.Rows) error {
		var k key
		var nonUnique int64
		var col string
		if err := r.Scan(&k.table, &k.index, &nonUnique, &col); err != nil {
			return err
		}
		if tables[k.table] == nil {
			return nil
		}
		ix := found[k]
		if ix == nil {
			ix = &schema.Index{Name: k.index, Unique: nonUnique == 0}
			found[k] = ix
			order = append(order, k)
		}
		// A functional index part (MySQL 8) has no column; the model has
		// no place for its expression.
		if col != "" {
			ix.Columns = append(ix.Columns, col)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range order {
		t, ix := tables[k.table], found[k]
		switch {
		case k.index == "PRIMARY":
			t.PrimaryKey = &schema.PrimaryKeyConstraint{Name: "PRIMARY", Columns: ix.Columns}
		default:
			if fk := madeForForeignKey(t, ix); fk != nil {
				if c.fkIndexes[t.Name] == nil {
					c.fkIndexes[t.Name] = map[string]*schema.Index{}
				}
				c.fkIndexes[t.Name][fk.Name] = ix
				fk.Index = ix.Name
				continue
			}
			t.Indexes = append(t.Indexes, ix)
		}
	}
	return nil
}

// madeForForeignKey is the foreign key of t that MySQL created ix for, or
// nil. Such an index is non-unique, on exactly the key's columns, and named as
// the key, or, for a key MySQL named itself (<table>_ibfk_<n>), after its
// first column (pid, pid_2, ...).
func madeForForeignKey(t *schema.Table, ix *schema.Index) *schema.ForeignKeyConstraint {
	if ix.Unique {
		return nil
	}
	for _, fk := range t.ForeignKeys {
		if strings.EqualFold(fk.Name, ix.Name) && equalFoldAll(fk.Columns, ix.Columns) {
			return fk
		}
	}
	for _, fk := range t.ForeignKeys {
		if equalFoldAll(fk.Columns, ix.Columns) && numbered(fk.Name, t.Name+"_ibfk") &&
			(strings.EqualFold(ix.Name, fk.Columns[0]) || numbered(ix.Name, fk.Columns[0])) {
			return fk
		}
	}
	return nil
}

// numbered reports whether name is prefix_<digits>, ignoring case.
func numbered(name, prefix string) bool {
	prefix = strings.ToLower(prefix) + "_"
	name = strings.ToLower(name)
	return strings.HasPrefix(name, prefix) && isDigits(name[len(prefix):])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (d Dialect) readForeignKeys(ctx context.Context, q dialect.Querier, names []string, tables map[string]*schema.Table) error {
	where, args := tableFilter("k.TABLE_SCHEMA", "k.TABLE_NAME", names)
	sqlText := "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE " +
		"FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r " +
		"ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME " +
		"WHERE " + where + " AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
	type key struct{ table, name string }
	found := map[key]*schema.ForeignKeyConstraint{}
	return query(ctx, q, "foreign keys", sqlText, args, func(r *sql.Rows) error {
		var k key
		var col, refTable, refCol, onUpdate, onDelete string
		if err := r.Scan(&k.table, &k.name, &col, &refTable, &refCol, &onUpdate, &onDelete); err != nil {
			return err
		}
		t := tables[k.table]
		if t == nil {
			return nil
		}
		fk := found[k]
		if fk == nil {
			fk = &schema.ForeignKeyConstraint{Name: k.name, RefTable: refTable, OnDelete: action(onDelete), OnUpdate: action(onUpdate)}
			found[k] = fk
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
		fk.Columns = append(fk.Columns, col)
		fk.RefColumns = append(fk.RefColumns, refCol)
		return nil
	})
}

// action maps a referential rule to the model: "" for InnoDB's default,
// which MariaDB reports as RESTRICT and MySQL 8 as NO ACTION when none was
// given (the two behave the same in InnoDB).
func action(rule string) string {
	switch rule = strings.ToUpper(strings.TrimSpace(rule)); rule {
	case "RESTRICT", "NO ACTION":
		return ""
	}
	return rule
}

// jsonValid is MariaDB's check behind a JSON column.
var jsonValid = regexp.MustCompile("(?i)^json_valid\\(`((?:[^`]|``)+)`\\)$")

func (d Dialect) readChecks(ctx context.Context, q dialect.Querier, names []string, tables map[string]*schema.Table, mariadb bool) error {
	where, args := tableFilter("tc.TABLE_SCHEMA", "tc.TABLE_NAME", names)
	// MariaDB names checks per table, MySQL per database, where
	// CHECK_CONSTRAINTS has no TABLE_NAME to join on.
	on := "cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME"
	if mariadb {
		on += " AND cc.TABLE_NAME = tc.TABLE_NAME"
	}
	// MariaDB's LEVEL says whether a check was written on a column, where
	// it belongs to the column; MySQL 8 has no such column (nor checks).
	level := "''"
	if mariadb {
		level = "cc.LEVEL"
	}
	sqlText := "SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, " + level + " FROM information_schema.TABLE_CONSTRAINTS tc " +
		"JOIN information_schema.CHECK_CONSTRAINTS cc ON " + on + " WHERE " + where + " AND tc.CONSTRAINT_TYPE = 'CHECK'"
	return query(ctx, q, "check constraints", sqlText, args, func(r *sql.Rows) error {
		var table, name, clause, lvl string
		if err := r.Scan(&table, &name, &clause, &lvl); err != nil {
			return err
		}
		t := tables[table]
		if t == nil {
			return nil
		}
		expr := stripParens(clause)
		if m := jsonValid.FindStringSubmatch(expr); m != nil {
			col := t.Column(strings.ReplaceAll(m[1], "``", "`"))
			if col != nil && col.Type.Kind == schema.KindRaw && strings.EqualFold(col.Type.Raw["mysql"], "longtext") {
				col.Type = schema.JSON()
				return nil
			}
		}
		ck := &schema.CheckConstraint{Name: name, Expr: expr}
		if strings.EqualFold(lvl, "Column") {
			// A column check is named after its column.
			if c := t.Column(name); c != nil {
				ck.Column = c.Name
			}
		}
		t.Checks = append(t.Checks, ck)
		return nil
	})
}
