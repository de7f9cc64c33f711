package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/schema"
)

var _ dialect.Inspector = Dialect{}

// tmpPrefix names the table a rebuild copies into: Alembic's
// _alembic_tmp_<table>, with retort's name.
const tmpPrefix = "_retort_tmp_"

// tableFilter picks the tables Inspect reads from sqlite_schema m: ordinary
// tables only (pragma table_list's type 'table': not virtual tables, whose
// definition lives in their module, nor the shadow tables that keep their
// data), not SQLite's own, not a rebuild's copy; and with ?1 a JSON array
// of names, only those. One query text for any number of names keeps the
// number of queries fixed.
const tableFilter = `m.type = 'table'
	AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
	AND m.name NOT LIKE '\_retort\_tmp\_%' ESCAPE '\'
	AND m.name IN (SELECT tl.name FROM pragma_table_list tl WHERE tl.schema = 'main' AND tl.type = 'table')
	AND (?1 IS NULL OR lower(m.name) IN (SELECT lower(value) FROM json_each(?1)))`

// One query per kind of object, each over all the tables at once: the
// pragma table-valued functions joined with sqlite_schema.
const (
	tablesQuery = `SELECT m.name, m.sql FROM sqlite_schema m WHERE ` + tableFilter + ` ORDER BY m.name`

	// table_xinfo rather than table_info: it lists generated columns too
	// (hidden 2 and 3), which a rebuild must know of to refuse the table.
	columnsQuery = `SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
	FROM sqlite_schema m, pragma_table_xinfo(m.name) p
	WHERE ` + tableFilter + ` ORDER BY m.name, p.cid`

	// index_xinfo's key columns, in order; cid -2 is an expression, which
	// only the index's SQL spells out.
	indexesQuery = `SELECT m.name, il.name, il."unique", il.origin, s.sql, x.name
	FROM sqlite_schema m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) x
	LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name
	WHERE ` + tableFilter + ` AND x.key = 1 ORDER BY m.name, il.name, x.seqno`

	// A REFERENCES without columns means the referred table's primary key:
	// the subquery names its seq-th column.
	foreignKeysQuery = `SELECT m.name, f.id, f."table", f."from",
		COALESCE(f."to", (SELECT pk.name FROM pragma_table_info(f."table") pk WHERE pk.pk = f.seq + 1), ''),
		f.on_update, f.on_delete
	FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
	WHERE ` + tableFilter + ` ORDER BY m.name, f.id, f.seq`
)

// liveTable is an inspected table with what the model cannot hold but a
// rebuild must keep: the column types and NOT NULLs as declared, and the
// parsed CREATE TABLE text.
type liveTable struct {
	model *schema.Table
	sql   string
	def   *tableDef
	// declared type text and NOT NULL of each column, by lowercased name.
	declType    map[string]string
	declNotNull map[string]bool
	generated   bool // some column is generated (table_xinfo hidden 2 or 3)
	// deferrable is the DEFERRABLE clause of each foreign key that has one.
	deferrable map[*schema.ForeignKeyConstraint]string
	// uniqueUsed and fkUsed mark the declarations already paired with a
	// catalog entry, so that two alike declarations name two entries.
	uniqueUsed, fkUsed []bool
}

// Inspect reads the tables of the main database (all, or those named) into
// the schema model, with four catalog queries whatever their number.
func (d Dialect) Inspect(ctx context.Context, q dialect.Querier, names ...string) (*schema.Schema, error) {
	live, err := d.inspect(ctx, q, names...)
	if err != nil {
		return nil, err
	}
	s := &schema.Schema{}
	for _, lt := range live {
		s.Tables = append(s.Tables, lt.model)
	}
	return s, nil
}

func (Dialect) inspect(ctx context.Context, q dialect.Querier, names ...string) ([]*liveTable, error) {
	var filter any // NULL: every table
	if len(names) > 0 {
		b, err := json.Marshal(names)
		if err != nil {
			return nil, fmt.Errorf("inspecting tables %v: %w", names, err)
		}
		filter = string(b)
	}
	tables, byName, err := readTables(ctx, q, filter)
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return nil, nil
	}
	if err := readColumns(ctx, q, filter, byName); err != nil {
		return nil, err
	}
	if err := readIndexes(ctx, q, filter, byName); err != nil {
		return nil, err
	}
	if err := readForeignKeys(ctx, q, filter, byName); err != nil {
		return nil, err
	}
	for _, lt := range tables {
		finish(lt)
	}
	return tables, nil
}

// scanAll runs query and calls row for each row, closing the rows.
func scanAll(ctx context.Context, q dialect.Querier, what, query string, filter any, row func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, filter)
	if err != nil {
		return fmt.Errorf("inspecting %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("inspecting %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inspecting %s: %w", what, err)
	}
	return nil
}

func readTables(ctx context.Context, q dialect.Querier, filter any) ([]*liveTable, map[string]*liveTable, error) {
	var tables []*liveTable
	byName := map[string]*liveTable{}
	err := scanAll(ctx, q, "tables", tablesQuery, filter, func(rows *sql.Rows) error {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return err
		}
		def, err := parseCreateTable(text)
		if err != nil {
			return fmt.Errorf("reading the CREATE TABLE text of %s: %w", name, err)
		}
		lt := &liveTable{model: &schema.Table{Name: name}, sql: text, def: def,
			declType: map[string]string{}, declNotNull: map[string]bool{},
			deferrable: map[*schema.ForeignKeyConstraint]string{},
			uniqueUsed: make([]bool, len(def.uniques)), fkUsed: make([]bool, len(def.fks))}
		tables = append(tables, lt)
		byName[name] = lt
		return nil
	})
	return tables, byName, err
}

// pkRank orders the primary key's columns.
type pkRank struct {
	name string
	rank int
}

func readColumns(ctx context.Context, q dialect.Querier, filter any, byName map[string]*liveTable) error {
	pks := map[*liveTable][]pkRank{}
	err := scanAll(ctx, q, "columns", columnsQuery, filter, func(rows *sql.Rows) error {
		var table, name, typ string
		var notNull, pk, hidden int
		var dflt sql.NullString
		if err := rows.Scan(&table, &name, &typ, &notNull, &dflt, &pk, &hidden); err != nil {
			return err
		}
		lt := byName[table]
		if lt == nil {
			return nil
		}
		if hidden == 2 || hidden == 3 {
			lt.generated = true // not part of the model; a rebuild refuses the table
			return nil
		}
		key := strings.ToLower(name)
		lt.declType[key], lt.declNotNull[key] = typ, notNull != 0
		c := &schema.Column{Name: name, Type: portableType(typ), Nullable: notNull == 0 && pk == 0,
			Default: strings.TrimSpace(dflt.String)}
		for _, cd := range lt.def.columns {
			if strings.EqualFold(cd.name, name) && cd.autoIncrement {
				c.AutoIncrement, c.Default = true, ""
			}
		}
		lt.model.Columns = append(lt.model.Columns, c)
		if pk > 0 {
			pks[lt] = append(pks[lt], pkRank{name, pk})
		}
		return nil
	})
	for lt, cols := range pks {
		slices.SortFunc(cols, func(a, b pkRank) int { return a.rank - b.rank })
		key := &schema.PrimaryKeyConstraint{Name: lt.def.pkName}
		for _, c := range cols {
			key.Columns = append(key.Columns, c.name)
		}
		lt.model.PrimaryKey = key
	}
	return err
}

// indexRows gathers one index's rows.
type indexRows struct {
	table   *liveTable
	name    string
	unique  bool
	origin  string
	sql     sql.NullString
	columns []sql.NullString
}

func readIndexes(ctx context.Context, q dialect.Querier, filter any, byName map[string]*liveTable) error {
	var all []*indexRows
	err := scanAll(ctx, q, "indexes", indexesQuery, filter, func(rows *sql.Rows) error {
		var table, name, origin string
		var unique int
		var text, col sql.NullString
		if err := rows.Scan(&table, &name, &unique, &origin, &text, &col); err != nil {
			return err
		}
		lt := byName[table]
		if lt == nil {
			return nil
		}
		if n := len(all); n == 0 || all[n-1].table != lt || all[n-1].name != name {
			all = append(all, &indexRows{table: lt, name: name, unique: unique != 0, origin: origin, sql: text})
		}
		ix := all[len(all)-1]
		ix.columns = append(ix.columns, col)
		return nil
	})
	if err != nil {
		return err
	}
	for _, ix := range all {
		switch ix.origin {
		case "pk": // the primary key, read from the columns
		case "u":
			addUnique(ix)
		default:
			if err := addIndex(ix); err != nil {
				return fmt.Errorf("inspecting index %s on %s: %w", ix.name, ix.table.model.Name, err)
			}
		}
	}
	return nil
}

// addUnique lists a unique constraint, named from the CONSTRAINT clause of
// the CREATE TABLE text that declares the same columns.
func addUnique(ix *indexRows) {
	u := &schema.UniqueConstraint{}
	for _, c := range ix.columns {
		u.Columns = append(u.Columns, c.String)
	}
	lt := ix.table
	for i, k := range lt.def.uniques {
		if !lt.uniqueUsed[i] && slices.EqualFunc(k.columns, u.Columns, strings.EqualFold) {
			u.Name = k.name
			lt.uniqueUsed[i] = true
			break
		}
	}
	ix.table.model.Uniques = append(ix.table.model.Uniques, u)
}

func addIndex(ix *indexRows) error {
	out := &schema.Index{Name: ix.name, Unique: ix.unique}
	var def *indexDef
	if ix.sql.Valid {
		var err error
		if def, err = parseCreateIndex(ix.sql.String); err != nil {
			return fmt.Errorf("reading its CREATE INDEX text: %w", err)
		}
		out.Where = def.where
	}
	for i, c := range ix.columns {
		switch {
		case c.Valid:
			out.Columns = append(out.Columns, c.String)
		case def != nil && i < len(def.elements):
			out.Columns = append(out.Columns, def.elements[i]) // an expression, as written
		default:
			return fmt.Errorf("element %d is an expression and the index has no SQL text", i+1)
		}
	}
	ix.table.model.Indexes = append(ix.table.model.Indexes, out)
	return nil
}

func readForeignKeys(ctx context.Context, q dialect.Querier, filter any, byName map[string]*liveTable) error {
	type fkRows struct {
		table *liveTable
		id    int
		fk    *schema.ForeignKeyConstraint
	}
	var all []*fkRows
	err := scanAll(ctx, q, "foreign keys", foreignKeysQuery, filter, func(rows *sql.Rows) error {
		var table, refTable, from, to, onUpdate, onDelete string
		var id int
		if err := rows.Scan(&table, &id, &refTable, &from, &to, &onUpdate, &onDelete); err != nil {
			return err
		}
		lt := byName[table]
		if lt == nil {
			return nil
		}
		if n := len(all); n == 0 || all[n-1].table != lt || all[n-1].id != id {
			all = append(all, &fkRows{table: lt, id: id, fk: &schema.ForeignKeyConstraint{
				RefTable: refTable, OnUpdate: fkAction(onUpdate), OnDelete: fkAction(onDelete)}})
		}
		fk := all[len(all)-1].fk
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to)
		return nil
	})
	if err != nil {
		return err
	}
	// SQLite numbers a table's foreign keys from the last declared: going
	// down the ids pairs each with its declaration in text order, which
	// names it.
	for i := len(all) - 1; i >= 0; i-- {
		r := all[i]
		lt := r.table
		for j, f := range lt.def.fks {
			if !lt.fkUsed[j] && strings.EqualFold(f.refTable, r.fk.RefTable) &&
				slices.EqualFunc(f.columns, r.fk.Columns, strings.EqualFold) {
				r.fk.Name = f.name
				lt.fkUsed[j] = true
				if f.deferrable != "" {
					lt.deferrable[r.fk] = f.deferrable
				}
				break
			}
		}
		r.table.model.ForeignKeys = append(r.table.model.ForeignKeys, r.fk)
	}
	return nil
}

// fkAction is a referential action as the model keeps it: "" for the
// default, NO ACTION.
func fkAction(a string) string {
	a = strings.ToUpper(strings.TrimSpace(a))
	if a == "NO ACTION" || a == "NONE" {
		return ""
	}
	return a
}

// finish adds the checks (which only the text holds) and sorts each kind
// of object by name.
func finish(lt *liveTable) {
	for _, c := range lt.def.checks {
		lt.model.Checks = append(lt.model.Checks, &schema.CheckConstraint{Name: c.name, Expr: c.expr})
	}
	slices.SortStableFunc(lt.model.Indexes, func(a, b *schema.Index) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(lt.model.Uniques, func(a, b *schema.UniqueConstraint) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(lt.model.ForeignKeys, func(a, b *schema.ForeignKeyConstraint) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(lt.model.Checks, func(a, b *schema.CheckConstraint) int { return strings.Compare(a.Name, b.Name) })
}

// declaredType splits a declared type into its words and numbers:
// "VARCHAR(36)" is VARCHAR with 36.
var declaredType = regexp.MustCompile(`^([A-Za-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$`)

// portableType maps a declared SQLite type back to a portable kind (the
// inverse of typeSQL); a type it does not know is raw, as declared.
func portableType(decl string) schema.Type {
	decl = strings.TrimSpace(decl)
	raw := schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"sqlite": decl}}
	m := declaredType.FindStringSubmatch(decl)
	if m == nil {
		return raw
	}
	base := strings.Join(strings.Fields(strings.ToUpper(m[1])), " ")
	hasArgs := m[2] != ""
	n, _ := strconv.Atoi(m[2])
	s, _ := strconv.Atoi(m[3])
	switch {
	case base == "VARCHAR" && m[3] == "":
		return schema.String(n)
	case base == "CHAR" && n == 36 && m[3] == "":
		return schema.UUID()
	case base == "NUMERIC" || base == "DECIMAL":
		return schema.Numeric(n, s)
	case hasArgs:
		return raw
	}
	switch base {
	case "INT", "INTEGER":
		return schema.Integer()
	case "SMALLINT":
		return schema.SmallInt()
	case "BIGINT":
		return schema.BigInt()
	case "BOOLEAN":
		return schema.Boolean()
	case "TEXT":
		return schema.Text()
	case "DATE":
		return schema.Date()
	case "TIME":
		return schema.Time()
	case "DATETIME", "TIMESTAMP":
		return schema.DateTime()
	case "FLOAT", "REAL", "DOUBLE", "DOUBLE PRECISION":
		return schema.Float()
	case "BLOB":
		return schema.Binary(0)
	case "JSON":
		return schema.JSON()
	}
	return raw
}
