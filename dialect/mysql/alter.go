package mysql

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// alterColumn renders AlterColumn. MySQL has a statement of its own only
// for some changes:
//
//   - a rename alone: RENAME COLUMN, which keeps everything else;
//   - a default alone: ALTER COLUMN ... SET DEFAULT / DROP DEFAULT;
//
// and both can go together as two statements. A change of type,
// nullability or comment needs MODIFY COLUMN (CHANGE COLUMN when renaming
// too), which restates the whole column: what the operation does not
// change is taken from the live column through db, or, offline, from
// Existing.
func (d Dialect) alterColumn(ctx context.Context, db op.Querier, o *op.AlterColumn) ([]string, error) {
	if o.Table == "" || o.Column == "" {
		return nil, errors.New("alter column needs a table and a column")
	}
	if o.Type != nil || o.Nullable != nil || o.Comment != nil {
		s, err := d.restateColumn(ctx, db, o)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var out []string
	name := o.Column
	if o.Rename != "" {
		out = append(out, d.alterTable(o.Table, "RENAME COLUMN "+d.QuoteIdent(o.Column)+" TO "+d.QuoteIdent(o.Rename)))
		name = o.Rename
	}
	if o.Default != nil {
		action := "DROP DEFAULT"
		if *o.Default != "" {
			action = "SET DEFAULT " + setDefaultExpr(*o.Default)
		}
		out = append(out, d.alterTable(o.Table, "ALTER COLUMN "+d.QuoteIdent(name)+" "+action))
	}
	if len(out) == 0 {
		return nil, errors.New("nothing to change: set Rename, Type, Nullable, Default or Comment")
	}
	return out, nil
}

// literal matches what MySQL's ALTER COLUMN ... SET DEFAULT takes bare: a
// number, a quoted string, a hex or bit literal, NULL, TRUE or FALSE.
var literal = regexp.MustCompile(`(?i)^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|'(?:[^'\\]|''|\\.)*'|x'[0-9a-f]*'|0x[0-9a-f]+|b'[01]*'|null|true|false)$`)

// setDefaultExpr is a default as SET DEFAULT takes it: MySQL 8 wants any
// expression in parentheses (MariaDB accepts them as well).
func setDefaultExpr(expr string) string {
	expr = strings.TrimSpace(expr)
	if literal.MatchString(expr) || wrapped(expr) {
		return expr
	}
	return "(" + expr + ")"
}

// onUpdate finds the ON UPDATE clause in a column's EXTRA: "on update
// current_timestamp()" (MariaDB), "DEFAULT_GENERATED on update
// CURRENT_TIMESTAMP" (MySQL 8).
var onUpdate = regexp.MustCompile(`(?i)\bon update (\S+)`)

// generated finds a generated column in EXTRA ("VIRTUAL GENERATED",
// "STORED GENERATED", MariaDB's "PERSISTENT GENERATED"), not MySQL 8's
// DEFAULT_GENERATED.
var generated = regexp.MustCompile(`(?i)\b(virtual|stored|persistent) generated\b`)

// restateColumn renders MODIFY COLUMN, or CHANGE COLUMN when renaming.
func (d Dialect) restateColumn(ctx context.Context, db op.Querier, o *op.AlterColumn) (string, error) {
	col, facts, err := d.currentColumn(ctx, db, o)
	if err != nil {
		return "", err
	}
	if generated.MatchString(facts.extra) {
		return "", fmt.Errorf("column %s.%s is generated (%s): restating it would lose its expression; change it with Execute", o.Table, o.Column, facts.extra)
	}
	c := *col
	c.Name = o.Column
	if o.Rename != "" {
		c.Name = o.Rename
	}
	if o.Type != nil {
		c.Type = *o.Type
	}
	if o.Nullable != nil {
		c.Nullable = *o.Nullable
	}
	if o.Default != nil {
		c.Default = *o.Default
	}
	if o.Comment != nil {
		c.Comment = *o.Comment
	}
	if c.Type.Kind == schema.KindUndefined {
		return "", fmt.Errorf("column %s.%s: Existing gives no type, and MySQL restates the column's type", o.Table, o.Column)
	}
	x := columnExtras{invisible: strings.Contains(strings.ToUpper(facts.extra), "INVISIBLE")}
	// ON UPDATE and a collation other than the table's are kept as long as
	// the new type can hold them: otherwise MODIFY would drop the first and
	// convert the text to the table's charset.
	if m := onUpdate.FindStringSubmatch(facts.extra); m != nil && (c.Type.Kind == schema.KindDateTime || c.Type.Kind == schema.KindRaw) {
		x.onUpdate = m[1]
	}
	textual := c.Type.Kind == schema.KindString || c.Type.Kind == schema.KindText || c.Type.Kind == schema.KindEnum ||
		c.Type.Kind == schema.KindUUID || (c.Type.Kind == schema.KindRaw && o.Type == nil)
	if textual && facts.collate != "" && !strings.EqualFold(facts.collate, facts.tableCollate) {
		x.charset, x.collate = facts.charset, facts.collate
	}
	def, err := d.columnDef(&c, x)
	if err != nil {
		return "", err
	}
	if o.Rename != "" {
		return d.alterTable(o.Table, "CHANGE COLUMN "+d.QuoteIdent(o.Column)+" "+def), nil
	}
	return d.alterTable(o.Table, "MODIFY COLUMN "+def), nil
}

// currentColumn is the column as it is: read through db when there is
// one, else Existing.
func (d Dialect) currentColumn(ctx context.Context, db op.Querier, o *op.AlterColumn) (*schema.Column, columnFacts, error) {
	if db == nil {
		if o.Existing == nil {
			return nil, columnFacts{}, errors.New("AlterColumn on MySQL restates the column: give Existing for offline SQL")
		}
		return o.Existing, columnFacts{}, nil
	}
	c, err := d.read(ctx, db, []string{o.Table})
	if err != nil {
		return nil, columnFacts{}, err
	}
	t := c.schema.Table(o.Table)
	if t == nil {
		return nil, columnFacts{}, fmt.Errorf("table %s does not exist", o.Table)
	}
	col := t.Column(o.Column)
	if col == nil {
		return nil, columnFacts{}, fmt.Errorf("table %s has no column %s", o.Table, o.Column)
	}
	return col, c.facts[t.Name][strings.ToLower(col.Name)], nil
}
