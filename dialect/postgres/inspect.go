package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/schema"
)

var _ dialect.Inspector = Dialect{}

// Inspect reads the tables of current_schema() (or those of names) with
// four catalog queries, whatever the number of tables: tables, columns,
// indexes, constraints. Each query covers every table at once, so that a
// schema of a thousand tables costs four round trips, not four thousand.
//
// Ordinary and partitioned tables are read; partitions are not, since
// they take their definition from their parent.
func (Dialect) Inspect(ctx context.Context, q dialect.Querier, names ...string) (*schema.Schema, error) {
	in := &inspection{q: q, byOID: map[uint32]*schema.Table{}}
	// Filtering in SQL only when names are given keeps each query's plan
	// simple for the common case of the whole schema.
	in.filter = `c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
		AND c.relkind IN ('r', 'p') AND NOT c.relispartition`
	if len(names) > 0 {
		in.filter += ` AND c.relname = ANY($1::text[])`
		in.args = []any{names}
	}
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"tables", in.tables},
		{"columns", in.columns},
		{"indexes", in.indexes},
		{"constraints", in.constraints},
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("inspecting the %s of the current schema: %w", s.what, err)
		}
		if len(in.byOID) == 0 {
			break // no table: nothing else to read
		}
	}
	for _, t := range in.schema.Tables {
		sortByName(t.Indexes, func(ix *schema.Index) string { return ix.Name })
		sortByName(t.Uniques, func(u *schema.UniqueConstraint) string { return u.Name })
		sortByName(t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) string { return fk.Name })
		sortByName(t.Checks, func(c *schema.CheckConstraint) string { return c.Name })
	}
	// Sorted here, byte-wise, rather than by ORDER BY, whose order depends
	// on the database's collation: every dialect must list alike.
	sortByName(in.schema.Tables, func(t *schema.Table) string { return t.Name })
	return &in.schema, nil
}

func sortByName[T any](s []T, name func(T) string) {
	slices.SortStableFunc(s, func(a, b T) int { return cmp.Compare(name(a), name(b)) })
}

// inspection is one Inspect call's state.
type inspection struct {
	q      dialect.Querier
	filter string // the condition on pg_class c selecting the tables
	args   []any
	schema schema.Schema
	byOID  map[uint32]*schema.Table
}

// each runs query and calls scan for every row.
func (in *inspection) each(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := in.q.QueryContext(ctx, query, in.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// table is the table of oid, which the tables query read.
func (in *inspection) table(oid uint32) (*schema.Table, error) {
	t := in.byOID[oid]
	if t == nil {
		// Only if a table appeared between two queries outside a
		// transaction.
		return nil, fmt.Errorf("table with oid %d appeared while inspecting", oid)
	}
	return t, nil
}

func (in *inspection) tables(ctx context.Context) error {
	query := `SELECT c.oid, c.relname, COALESCE(d.description, '')
		FROM pg_catalog.pg_class c
		LEFT JOIN pg_catalog.pg_description d
			ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
		WHERE ` + in.filter
	return in.each(ctx, query, func(r *sql.Rows) error {
		t := &schema.Table{}
		var oid uint32
		if err := r.Scan(&oid, &t.Name, &t.Comment); err != nil {
			return err
		}
		in.byOID[oid] = t
		in.schema.Tables = append(in.schema.Tables, t)
		return nil
	})
}

// columns reads every column, with its enum values (as a JSON array) when
// its type is an enum.
func (in *inspection) columns(ctx context.Context) error {
	query := `SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
			t.typtype::text, t.typname, a.attnotnull, a.attidentity::text, a.attgenerated::text,
			COALESCE(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), ''), COALESCE(d.description, ''),
			CASE WHEN t.typtype = 'e' THEN (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)::text
				FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END
		FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		LEFT JOIN pg_catalog.pg_description d
			ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
		WHERE a.attnum > 0 AND NOT a.attisdropped AND ` + in.filter + `
		ORDER BY a.attrelid, a.attnum`
	return in.each(ctx, query, func(r *sql.Rows) error {
		var (
			oid                        uint32
			c                          schema.Column
			format, typtype, typname   string
			notNull                    bool
			identity, generated, deflt string
			enum                       sql.NullString
		)
		if err := r.Scan(&oid, &c.Name, &format, &typtype, &typname, &notNull, &identity, &generated, &deflt, &c.Comment, &enum); err != nil {
			return err
		}
		t, err := in.table(oid)
		if err != nil {
			return err
		}
		c.Nullable = !notNull
		if typtype == "e" {
			c.Type = schema.Type{Kind: schema.KindEnum, Name: typname}
			// NULL for an enum of no values, which CREATE TYPE allows.
			if err := unmarshalNames(enum, &c.Type.Values); err != nil {
				return fmt.Errorf("reading the values of enum type %s (column %s.%s): %w", typname, t.Name, c.Name, err)
			}
		} else {
			c.Type = portableType(format)
		}
		switch {
		case identity != "":
			c.AutoIncrement = true
		case strings.HasPrefix(deflt, "nextval("):
			// serial and bigserial: a sequence behind a default.
			c.AutoIncrement = true
		case generated != "":
			// A generated column's expression is kept where a default
			// is, but it is no default; the model has no place for it.
		default:
			c.Default = strings.TrimSpace(deflt)
		}
		t.Columns = append(t.Columns, &c)
		return nil
	})
}

// unmarshalNames reads a json_agg of names; SQL NULL (json_agg of no
// rows) is none.
func unmarshalNames(s sql.NullString, into *[]string) error {
	if !s.Valid {
		return nil
	}
	return json.Unmarshal([]byte(s.String), into)
}

// portableType maps format_type's text back to a portable kind, or to a
// raw type keyed "postgresql" for anything else.
func portableType(format string) schema.Type {
	switch format {
	case "integer":
		return schema.Integer()
	case "smallint":
		return schema.SmallInt()
	case "bigint":
		return schema.BigInt()
	case "boolean":
		return schema.Boolean()
	case "text":
		return schema.Text()
	case "date":
		return schema.Date()
	case "time without time zone":
		return schema.Time()
	case "timestamp without time zone":
		return schema.DateTime()
	case "timestamp with time zone":
		return schema.DateTimeTZ()
	case "double precision":
		return schema.Float()
	case "bytea":
		return schema.Binary(0)
	case "uuid":
		return schema.UUID()
	case "json", "jsonb":
		return schema.JSON()
	case "character varying":
		return schema.String(0)
	case "numeric":
		return schema.Numeric(0, 0)
	}
	if n, ok := typeArgs(format, "character varying"); ok && len(n) == 1 {
		return schema.String(n[0])
	}
	if n, ok := typeArgs(format, "numeric"); ok && len(n) == 2 {
		return schema.Numeric(n[0], n[1])
	}
	return schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"postgresql": format}}
}

// typeArgs reads the numbers of "name(a,b)".
func typeArgs(format, name string) ([]int, bool) {
	rest, ok := strings.CutPrefix(format, name+"(")
	if !ok {
		return nil, false
	}
	rest, ok = strings.CutSuffix(rest, ")")
	if !ok {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(rest, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// indexes reads the indexes that implement no constraint (a primary key,
// unique or exclusion constraint has its own index, named in conindid).
// A key part that is an expression, not a column, comes back as the
// expression's text.
func (in *inspection) indexes(ctx context.Context) error {
	query := `SELECT ix.indrelid, i.relname, ix.indisunique,
			COALESCE(pg_catalog.pg_get_expr(ix.indpred, ix.indrelid), ''),
			(SELECT json_agg(COALESCE(a.attname::text, pg_catalog.pg_get_indexdef(ix.indexrelid, k.n::int, false)) ORDER BY k.n)::text
				FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
				LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
				WHERE k.n <= ix.indnkeyatts)
		FROM pg_catalog.pg_index ix
		JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid
		JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
		WHERE ` + in.filter + `
		AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
			WHERE k.conrelid = ix.indrelid AND k.conindid = ix.indexrelid AND k.contype IN ('p', 'u', 'x'))`
	return in.each(ctx, query, func(r *sql.Rows) error {
		var (
			oid   uint32
			ix    schema.Index
			where string
			cols  sql.NullString
		)
		if err := r.Scan(&oid, &ix.Name, &ix.Unique, &where, &cols); err != nil {
			return err
		}
		t, err := in.table(oid)
		if err != nil {
			return err
		}
		if err := unmarshalNames(cols, &ix.Columns); err != nil {
			return fmt.Errorf("reading the columns of index %s on %s: %w", ix.Name, t.Name, err)
		}
		ix.Where = unwrap(where)
		t.Indexes = append(t.Indexes, &ix)
		return nil
	})
}

// constraints reads primary keys, unique, foreign-key and check
// constraints in one query. PostgreSQL 18 lists NOT NULL constraints in
// pg_constraint too (contype 'n'); nullability is read from the columns.
func (in *inspection) constraints(ctx context.Context) error {
	query := `SELECT k.conrelid, k.conname, k.contype::text,
			(SELECT json_agg(a.attname ORDER BY u.n)::text FROM unnest(k.conkey) WITH ORDINALITY u(attnum, n)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
			COALESCE(r.relname, ''),
			(SELECT json_agg(a.attname ORDER BY u.n)::text FROM unnest(k.confkey) WITH ORDINALITY u(attnum, n)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum),
			k.confdeltype::text, k.confupdtype::text,
			CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_constraintdef(k.oid) ELSE '' END
		FROM pg_catalog.pg_constraint k
		JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
		LEFT JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
		WHERE k.contype IN ('p', 'u', 'f', 'c') AND ` + in.filter
	return in.each(ctx, query, func(r *sql.Rows) error {
		var (
			oid                      uint32
			name, kind, refTable     string
			cols, refCols            sql.NullString
			onDelete, onUpdate, expr string
		)
		if err := r.Scan(&oid, &name, &kind, &cols, &refTable, &refCols, &onDelete, &onUpdate, &expr); err != nil {
			return err
		}
		t, err := in.table(oid)
		if err != nil {
			return err
		}
		var columns, refColumns []string
		if err := unmarshalNames(cols, &columns); err != nil {
			return fmt.Errorf("reading the columns of constraint %s on %s: %w", name, t.Name, err)
		}
		if err := unmarshalNames(refCols, &refColumns); err != nil {
			return fmt.Errorf("reading the referred columns of constraint %s on %s: %w", name, t.Name, err)
		}
		switch kind {
		case "p":
			t.PrimaryKey = &schema.PrimaryKeyConstraint{Name: name, Columns: columns}
		case "u":
			t.Uniques = append(t.Uniques, &schema.UniqueConstraint{Name: name, Columns: columns})
		case "f":
			t.ForeignKeys = append(t.ForeignKeys, &schema.ForeignKeyConstraint{Name: name, Columns: columns,
				RefTable: refTable, RefColumns: refColumns, OnDelete: fkAction(onDelete), OnUpdate: fkAction(onUpdate)})
		case "c":
			t.Checks = append(t.Checks, &schema.CheckConstraint{Name: name, Expr: checkExpr(expr)})
		}
		return nil
	})
}

// fkAction spells pg_constraint's action codes as the model does; the
// default, NO ACTION, is "".
func fkAction(code string) string {
	switch code {
	case "r":
		return "RESTRICT"
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	}
	return ""
}

// checkExpr is the condition of pg_get_constraintdef's "CHECK (cond)"
// (which may be followed by NOT VALID or NO INHERIT), without the one pair
// of parentheses PostgreSQL wraps round every deparsed expression.
func checkExpr(def string) string {
	rest, ok := strings.CutPrefix(def, "CHECK ")
	if !ok {
		return def
	}
	end := closingParen(rest)
	if end < 0 {
		return def
	}
	return unwrap(rest[1:end])
}

// unwrap strips one pair of parentheses enclosing all of s:
// "(a > 0)" becomes "a > 0", but "(a > 0) AND (b > 0)" stays.
func unwrap(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && closingParen(s) == len(s)-1 {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// closingParen is the index of the ")" matching the "(" that s starts
// with, skipping quoted strings and names; -1 when s does not start with
// "(" or it is never closed.
func closingParen(s string) int {
	if !strings.HasPrefix(s, "(") {
		return -1
	}
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			// A doubled quote inside reads as leaving and re-entering,
			// which comes to the same.
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
