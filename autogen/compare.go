// Package autogen compares the schema a database has (inspected) with the
// schema the models declare, and turns the differences into the operations
// of a revision: Alembic's autogenerate.
//
// Compare reports differences as Changes, each carrying the operations that
// apply it and undo it; Plan orders those operations into a script's
// upgrade and downgrade; the renderers (render_sql.go, render_go.go) write
// them out.
//
// What Compare treats as the same, so that an unchanged schema never shows
// a difference (see normalize.go for the details):
//   - names of tables, columns, indexes and constraints compare without
//     regard to case;
//   - types compare as the dialect stores them: int(11) is INT, tinyint(1)
//     is boolean on MySQL, an enum is a VARCHAR on SQLite, a time zone is
//     kept only on PostgreSQL, serial and identity columns are
//     autoincrementing integers on PostgreSQL;
//   - defaults compare as expressions after removing what servers add:
//     casts ('x'::character varying), enclosing parentheses, quotes round
//     numbers ('0' and 0), now() against CURRENT_TIMESTAMP, NULL (none);
//   - a constraint the model leaves unnamed is matched by what it covers,
//     not by the name the database gave it; the primary key is matched by
//     its columns only (MySQL calls every one PRIMARY);
//   - on MySQL a unique constraint is a unique index (the server keeps no
//     difference and the inspector reports indexes), so the model's unique
//     constraints are compared as unique indexes there, and reported as
//     add_index/remove_index;
//   - SQLite keeps no comments: comment changes are never reported there;
//   - MySQL's table options are not compared (no operation changes them).
package autogen

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Change is one difference between the database (current) and the models (desired).
type Change struct {
	Kind     Kind // see consts
	Table    string
	Name     string // column, index or constraint name; "" for table-level changes
	From, To string // readable old and new values for modify_* kinds ("VARCHAR(32)", "NULL", "'x'")
	// Up and Down are the operations that apply and undo it, with the
	// context renderers need: AlterColumn.Existing, DropTable.Table, and
	// the full column or constraint that Down re-creates after a drop.
	Up, Down []op.Op
	Note     string // said in the script before the op, e.g. "may be a rename of column x to y"

	// place pins some of Up's and Down's operations to a point of the
	// plan other than their kind's (see Plan): MySQL's guard indexes.
	place map[op.Op]placement
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

// kindRank orders the changes of one table: additions and modifications
// before removals, as a person reads a diff. Plan, not this order, decides
// the order the operations run in.
var kindRank = map[Kind]int{
	AddTable: 0, AddColumn: 1, ModifyType: 2, ModifyNullable: 3, ModifyDefault: 4, ModifyComment: 5,
	AddPK: 6, AddUnique: 7, AddIndex: 8, AddFK: 9, AddCheck: 10, ModifyTableComment: 11,
	RemoveFK: 12, RemoveCheck: 13, RemoveIndex: 14, RemoveUnique: 15, RemovePK: 16, RemoveColumn: 17, RemoveTable: 18,
}

// String is one readable line for `retort check`, e.g.
// "add_column database_snapshots.state string(32) NULL" or
// "modify_type users.name: string(32) -> text".
func (c Change) String() string {
	s := string(c.Kind) + " " + c.Table
	if c.Name != "" {
		s += "." + c.Name
	}
	if c.From != "" || c.To != "" {
		return s + ": " + c.From + " -> " + c.To
	}
	if d := detail(c); d != "" {
		s += " " + d
	}
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

// detail describes what an added or removed object is, from the operation
// that creates it (Up for additions, Down for removals).
func detail(c Change) string {
	ops := c.Up
	if strings.HasPrefix(string(c.Kind), "remove_") {
		ops = c.Down
	}
	for _, o := range ops {
		switch o := o.(type) {
		case *op.AddColumn:
			return columnDetail(o.Column)
		case *op.CreateIndex:
			s := "(" + strings.Join(o.Index.Columns, ", ") + ")"
			if o.Index.Unique {
				s = "UNIQUE " + s
			}
			if o.Index.Where != "" {
				s += " WHERE " + o.Index.Where
			}
			return s
		case *op.AddUnique:
			return "UNIQUE (" + strings.Join(o.Constraint.Columns, ", ") + ")"
		case *op.AddPrimaryKey:
			return "PRIMARY KEY (" + strings.Join(o.Key.Columns, ", ") + ")"
		case *op.AddForeignKey:
			fk := o.Constraint
			return "(" + strings.Join(fk.Columns, ", ") + ") REFERENCES " + fk.RefTable + " (" + strings.Join(fk.RefColumns, ", ") + ")"
		case *op.AddCheck:
			return "CHECK (" + o.Constraint.Expr + ")"
		}
	}
	return ""
}

func columnDetail(c *schema.Column) string {
	s := c.Type.String()
	if c.Nullable {
		s += " NULL"
	} else {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + c.Default
	}
	return s
}

// Options say what Compare normalises for and what it looks at.
type Options struct {
	Dialect      string            // "sqlite" | "postgresql" | "mysql": what to normalise for
	IncludeTable func(string) bool // nil: all; the CLI leaves out the version tables
}

// Compare returns the changes that turn current into desired, in a
// deterministic order: tables by name, then kind, then object name.
// Neither schema is modified; the operations hold copies.
func Compare(current, desired *schema.Schema, o Options) []Change {
	n := normalizer{dialect: o.Dialect}
	include := o.IncludeTable
	if include == nil {
		include = func(string) bool { return true }
	}
	cur := tablesByName(current, include)
	des := tablesByName(desired, include)
	var out []Change
	for key, d := range des {
		c, ok := cur[key]
		if !ok {
			t := d.Clone()
			out = append(out, Change{Kind: AddTable, Table: t.Name,
				Up:   []op.Op{&op.CreateTable{Table: t}},
				Down: []op.Op{&op.DropTable{Name: t.Name, Table: t.Clone()}}})
			continue
		}
		out = append(out, n.compareTable(c, d)...)
	}
	for key, c := range cur {
		if _, ok := des[key]; !ok {
			t := c.Clone()
			out = append(out, Change{Kind: RemoveTable, Table: t.Name,
				Up:   []op.Op{&op.DropTable{Name: t.Name, Table: t}},
				Down: []op.Op{&op.CreateTable{Table: t.Clone()}}})
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.Table), strings.ToLower(b.Table)),
			cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	})
	return out
}

func tablesByName(s *schema.Schema, include func(string) bool) map[string]*schema.Table {
	m := map[string]*schema.Table{}
	if s == nil {
		return m
	}
	for _, t := range s.Tables {
		if include(t.Name) {
			m[strings.ToLower(t.Name)] = t
		}
	}
	return m
}

// compareTable compares two versions of one table.
func (n normalizer) compareTable(cur, des *schema.Table) []Change {
	var out []Change
	out = append(out, n.compareColumns(cur, des)...)
	out = append(out, n.comparePrimaryKey(cur, des)...)
	out = append(out, n.compareIndexes(cur, des)...)
	if n.dialect != "mysql" {
		out = append(out, n.compareUniques(cur, des)...)
	}
	out = append(out, n.compareForeignKeys(cur, des)...)
	out = append(out, n.compareChecks(cur, des)...)
	if n.dialect != "sqlite" && cur.Comment != des.Comment {
		out = append(out, Change{Kind: ModifyTableComment, Table: des.Name, From: quoteOrNone(cur.Comment), To: quoteOrNone(des.Comment),
			Up:   []op.Op{&op.SetTableComment{Table: des.Name, Comment: des.Comment}},
			Down: []op.Op{&op.SetTableComment{Table: des.Name, Comment: cur.Comment}}})
	}
	return out
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func nullWord(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func cloneColumn(c *schema.Column) *schema.Column {
	t := &schema.Table{Columns: []*schema.Column{c}}
	return t.Clone().Columns[0]
}

// compareColumns reports added, removed and changed columns. A column's
// changes (type, nullability, default, comment) are separate Changes, each
// an AlterColumn whose Existing is the column as the previous one left it,
// so that a renderer restating the whole column (MySQL offline) never
// undoes an earlier change.
func (n normalizer) compareColumns(cur, des *schema.Table) []Change {
	var out []Change
	var added, removed []*Change
	for _, dc := range des.Columns {
		cc := cur.Column(dc.Name)
		if cc == nil {
			col := cloneColumn(dc)
			var note string
			if !dc.Nullable && dc.Default == "" && !dc.AutoIncrement {
				note = fmt.Sprintf("%s is NOT NULL with no default: adding it fails if %s has rows; "+
					"give it a server default, or add it nullable, fill it, then make it NOT NULL", dc.Name, des.Name)
			}
			out = append(out, Change{Kind: AddColumn, Table: des.Name, Name: dc.Name, Note: note,
				Up:   []op.Op{&op.AddColumn{Table: des.Name, Column: col}},
				Down: []op.Op{&op.DropColumn{Table: des.Name, Column: dc.Name}}})
			continue
		}
		state := cloneColumn(cc)
		alter := func(kind Kind, from, to string, set func(a *op.AlterColumn, c *schema.Column), undo func(a *op.AlterColumn, c *schema.Column)) {
			before := cloneColumn(state)
			up := &op.AlterColumn{Table: des.Name, Column: cc.Name, Existing: before}
			set(up, state)
			after := cloneColumn(state)
			down := &op.AlterColumn{Table: des.Name, Column: cc.Name, Existing: after}
			undo(down, before)
			out = append(out, Change{Kind: kind, Table: des.Name, Name: cc.Name, From: from, To: to,
				Up: []op.Op{up}, Down: []op.Op{down}})
		}
		pk := inPrimaryKey(des, dc.Name) || inPrimaryKey(cur, cc.Name)
		if n.typeKey(cur, cc) != n.typeKey(des, dc) {
			alter(ModifyType, cc.Type.String(), dc.Type.String(),
				func(a *op.AlterColumn, c *schema.Column) { a.Type = op.TypePtr(dc.Type); c.Type = dc.Type },
				func(a *op.AlterColumn, c *schema.Column) { a.Type = op.TypePtr(c.Type) })
		}
		if cc.Nullable != dc.Nullable && !pk {
			alter(ModifyNullable, nullWord(cc.Nullable), nullWord(dc.Nullable),
				func(a *op.AlterColumn, c *schema.Column) { a.Nullable = op.Bool(dc.Nullable); c.Nullable = dc.Nullable },
				func(a *op.AlterColumn, c *schema.Column) { a.Nullable = op.Bool(c.Nullable) })
			if !dc.Nullable {
				out[len(out)-1].Note = fmt.Sprintf("fails if a row of %s holds NULL in %s: fill those first", des.Name, dc.Name)
			}
		}
		if !cc.AutoIncrement && !dc.AutoIncrement && n.defaultKey(cc) != n.defaultKey(dc) {
			alter(ModifyDefault, orNone(cc.Default), orNone(dc.Default),
				func(a *op.AlterColumn, c *schema.Column) { a.Default = op.Str(dc.Default); c.Default = dc.Default },
				func(a *op.AlterColumn, c *schema.Column) { a.Default = op.Str(c.Default) })
		}
		if n.dialect != "sqlite" && cc.Comment != dc.Comment {
			alter(ModifyComment, quoteOrNone(cc.Comment), quoteOrNone(dc.Comment),
				func(a *op.AlterColumn, c *schema.Column) { a.Comment = op.Str(dc.Comment); c.Comment = dc.Comment },
				func(a *op.AlterColumn, c *schema.Column) { a.Comment = op.Str(c.Comment) })
		}
	}
	for _, cc := range cur.Columns {
		if des.Column(cc.Name) == nil {
			out = append(out, Change{Kind: RemoveColumn, Table: des.Name, Name: cc.Name,
				Up:   []op.Op{&op.DropColumn{Table: des.Name, Column: cc.Name, Existing: cloneColumn(cc)}},
				Down: []op.Op{&op.AddColumn{Table: des.Name, Column: cloneColumn(cc)}}})
		}
	}
	for i := range out {
		switch out[i].Kind {
		case AddColumn:
			added = append(added, &out[i])
		case RemoveColumn:
			removed = append(removed, &out[i])
		}
	}
	// A column dropped and one of the same type added may be a rename,
	// which no comparison can tell from a drop and an add: say so where a
	// person will read the script, before data is lost.
	for _, r := range removed {
		rc := cur.Column(r.Name)
		for _, a := range added {
			if n.typeKey(cur, rc) == n.typeKey(des, des.Column(a.Name)) {
				note := fmt.Sprintf("may be a rename of column %s to %s", r.Name, a.Name)
				r.Note = joinNote(r.Note, note)
				a.Note = joinNote(a.Note, note)
			}
		}
	}
	return out
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func inPrimaryKey(t *schema.Table, col string) bool {
	return t.PrimaryKey != nil && slices.ContainsFunc(t.PrimaryKey.Columns, func(c string) bool { return strings.EqualFold(c, col) })
}

func (n normalizer) comparePrimaryKey(cur, des *schema.Table) []Change {
	var cols = func(k *schema.PrimaryKeyConstraint) string {
		if k == nil {
			return ""
		}
		return n.names(k.Columns)
	}
	if cols(cur.PrimaryKey) == cols(des.PrimaryKey) {
		return nil
	}
	var out []Change
	if cur.PrimaryKey != nil {
		k := clonePK(cur.PrimaryKey)
		if k.Name == "" && n.dialect == "postgresql" {
			k.Name = pgName(des.Name, "pkey") // a model's key, named as PostgreSQL names it
		}
		out = append(out, Change{Kind: RemovePK, Table: des.Name, Name: k.Name,
			Up:   []op.Op{&op.DropConstraint{Table: des.Name, Name: k.Name, Kind: op.PrimaryKey}},
			Down: []op.Op{&op.AddPrimaryKey{Table: des.Name, Key: k}}})
	}
	if des.PrimaryKey != nil {
		k := clonePK(des.PrimaryKey)
		if k.Name == "" && n.dialect == "postgresql" {
			// PostgreSQL's own name for it, which the downgrade drops by.
			k.Name = pgName(des.Name, "pkey")
		}
		out = append(out, Change{Kind: AddPK, Table: des.Name, Name: k.Name,
			Up:   []op.Op{&op.AddPrimaryKey{Table: des.Name, Key: k}},
			Down: []op.Op{&op.DropConstraint{Table: des.Name, Name: k.Name, Kind: op.PrimaryKey}}})
	}
	return out
}

func clonePK(k *schema.PrimaryKeyConstraint) *schema.PrimaryKeyConstraint {
	return &schema.PrimaryKeyConstraint{Name: k.Name, Columns: slices.Clone(k.Columns)}
}

// pgName is PostgreSQL's 63-byte limit applied to a derived name.
func pgName(parts ...string) string {
	s := strings.Join(parts, "_")
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}

// indexesOf are a table's indexes; on MySQL its unique constraints too, as the unique indexes MySQL makes of them (named as the
// constraint, or after the first column when unnamed, as MySQL does).
func (n normalizer) indexesOf(t *schema.Table) []*schema.Index {
	if n.dialect != "mysql" {
		return t.Indexes
	}
	out := slices.Clone(t.Indexes)
	for _, u := range t.Uniques {
		name := u.Name
		if name == "" && len(u.Columns) > 0 {
			name = u.Columns[0]
		}
		out = append(out, &schema.Index{Name: name, Columns: slices.Clone(u.Columns), Unique: true})
	}
	return out
}

func (n normalizer) indexKey(ix *schema.Index) string {
	cols := make([]string, len(ix.Columns))
	for i, c := range ix.Columns {
		cols[i] = n.exprKey(c)
	}
	return fmt.Sprintf("%v|%s|%s", ix.Unique, strings.Join(cols, ","), n.exprKey(ix.Where))
}

func cloneIndex(ix *schema.Index) *schema.Index {
	c := *ix
	c.Columns = slices.Clone(ix.Columns)
	return &c
}

func (n normalizer) compareIndexes(cur, des *schema.Table) []Change {
	var out []Change
	curIx := n.indexesOf(cur)
	desIx := n.indexesOf(des)
	find := func(list []*schema.Index, name string) *schema.Index {
		for _, ix := range list {
			if strings.EqualFold(ix.Name, name) {
				return ix
			}
		}
		return nil
	}
	add := func(ix *schema.Index) {
		ix = cloneIndex(ix)
		var down []op.Op
		if n.dialect == "mysql" {
			// Creating ix makes MySQL drop, silently, the index it made
			// for a foreign key that ix can serve; dropping ix again
			// needs that index back first, or MySQL refuses.
			for _, fk := range cur.ForeignKeys {
				if fk.Index != "" && serves(ix, fk) {
					down = append(down, &op.CreateIndex{Table: des.Name, Index: &schema.Index{Name: fk.Index, Columns: slices.Clone(fk.Columns)}})
				}
			}
		}
		out = append(out, Change{Kind: AddIndex, Table: des.Name, Name: ix.Name,
			Up:   []op.Op{&op.CreateIndex{Table: des.Name, Index: ix}},
			Down: append(down, &op.DropIndex{Table: des.Name, Name: ix.Name})})
	}
	remove := func(ix *schema.Index, replaced bool) {
		ix = cloneIndex(ix)
		var up, undo []op.Op
		// (An index replaced under its own name gets its guards from
		// replaceGuarded.)
		if n.dialect == "mysql" && !replaced {
			// MySQL refuses to drop the index a foreign key relies on
			// while no other serves it: give the key the index MySQL
			// would have made for it (named as the key, which inspection
			// then reads as the key's own), and take it away going down.
			for _, fk := range cur.ForeignKeys {
				if fk.Index == "" && serves(ix, fk) && keepsForeignKey(des, fk) && !servedOtherwise(des, desIx, ix.Name, fk) {
					up = append(up, &op.CreateIndex{Table: des.Name, Index: &schema.Index{Name: fk.Name, Columns: slices.Clone(fk.Columns)}})
					undo = append(undo, &op.DropIndex{Table: des.Name, Name: fk.Name})
				}
			}
		}
		out = append(out, Change{Kind: RemoveIndex, Table: des.Name, Name: ix.Name,
			Up:   append(up, &op.DropIndex{Table: des.Name, Name: ix.Name}),
			Down: append([]op.Op{&op.CreateIndex{Table: des.Name, Index: ix}}, undo...)})
	}
	for _, d := range desIx {
		c := find(curIx, d.Name)
		switch {
		case c == nil:
			add(d)
		case n.indexKey(c) != n.indexKey(d):
			// A changed index is dropped and created again: no database
			// alters an index's definition.
			if n.dialect == "mysql" {
				if guards := guardsFor(cur, des, desIx, c); len(guards) > 0 {
					out = append(out, replaceGuarded(des.Name, cloneIndex(c), cloneIndex(d), guards)...)
					continue
				}
			}
			remove(c, true)
			add(d)
		}
	}
	for _, c := range curIx {
		if find(desIx, c.Name) == nil {
			remove(c, false)
		}
	}
	return out
}

// unnamed is columns when name is empty: how a constraint without a name
// (SQLite's) is found to drop it.
func unnamed(name string, columns []string) []string {
	if name != "" {
		return nil
	}
	return slices.Clone(columns)
}

// unnamedExpr is unnamed for a check constraint.
func unnamedExpr(name, expr string) string {
	if name != "" {
		return ""
	}
	return expr
}

// placement pins an operation to a point of the plan (Change.place).
type placement int8

const (
	placeEarly placement = -1 // with the drops that come before everything else
	placeLate  placement = 1  // with the drops that wait for their replacements
)

// guardsFor are the foreign keys of cur that only ix, about to be dropped
// and made again under its own name, serves while that happens: MySQL
// refuses to drop it, so each gets a guard index first.
func guardsFor(cur, des *schema.Table, desIx []*schema.Index, ix *schema.Index) []*schema.ForeignKeyConstraint {
	var out []*schema.ForeignKeyConstraint
	for _, fk := range cur.ForeignKeys {
		if fk.Index == "" && serves(ix, fk) && keepsForeignKey(des, fk) && !servedOtherwise(des, desIx, ix.Name, fk) {
			out = append(out, fk)
		}
	}
	return out
}

// replaceGuarded is the drop of index old and the creation of new under
// the same name on MySQL, where foreign keys rely on old: each key gets
// the index MySQL would have made for it (named as the key) before old
// goes, kept while new cannot serve it and dropped once new does; going
// down, the same in reverse.
func replaceGuarded(table string, old, new *schema.Index, fks []*schema.ForeignKeyConstraint) []Change {
	remove := Change{Kind: RemoveIndex, Table: table, Name: old.Name, place: map[op.Op]placement{}}
	add := Change{Kind: AddIndex, Table: table, Name: new.Name, place: map[op.Op]placement{}}
	for _, fk := range fks {
		guard := func() *op.CreateIndex {
			return &op.CreateIndex{Table: table, Index: &schema.Index{Name: fk.Name, Columns: slices.Clone(fk.Columns)}}
		}
		up := guard()
		remove.Up = append(remove.Up, up)
		remove.place[up] = placeEarly
		undo := &op.DropIndex{Table: table, Name: fk.Name}
		remove.Down = append(remove.Down, undo)
		remove.place[undo] = placeLate
		if serves(new, fk) {
			drop := &op.DropIndex{Table: table, Name: fk.Name}
			add.Up = append(add.Up, drop)
			add.place[drop] = placeLate
			back := guard()
			add.Down = append(add.Down, back)
			add.place[back] = placeEarly
		}
	}
	remove.Up = append(remove.Up, &op.DropIndex{Table: table, Name: old.Name})
	remove.Down = append([]op.Op{&op.CreateIndex{Table: table, Index: old}}, remove.Down...)
	add.Up = append([]op.Op{&op.CreateIndex{Table: table, Index: new}}, add.Up...)
	add.Down = append(add.Down, &op.DropIndex{Table: table, Name: new.Name})
	return []Change{remove, add}
}

// serves reports whether MySQL can use ix for foreign key fk: its leading
// columns are the key's.
func serves(ix *schema.Index, fk *schema.ForeignKeyConstraint) bool {
	if len(ix.Columns) < len(fk.Columns) {
		return false
	}
	for i, c := range fk.Columns {
		if !strings.EqualFold(ix.Columns[i], c) {
			return false
		}
	}
	return true
}

// keepsForeignKey reports whether des still has a foreign key named as fk.
func keepsForeignKey(des *schema.Table, fk *schema.ForeignKeyConstraint) bool {
	for _, d := range des.ForeignKeys {
		if strings.EqualFold(d.Name, fk.Name) {
			return true
		}
	}
	return false
}

// servedOtherwise reports whether, in des, an index other than the one
// named dropped (or the primary key) can serve fk.
func servedOtherwise(des *schema.Table, desIx []*schema.Index, dropped string, fk *schema.ForeignKeyConstraint) bool {
	if des.PrimaryKey != nil && serves(&schema.Index{Columns: des.PrimaryKey.Columns}, fk) {
		return true
	}
	for _, ix := range desIx {
		if !strings.EqualFold(ix.Name, dropped) && ix.Where == "" && serves(ix, fk) {
			return true
		}
	}
	return false
}

// match pairs the desired objects with the current ones: by name where
// both have the same one, then an unnamed desired object (whose name the
// database chose) or one whose name differs only in what the database
// gave it, by its definition. It returns the pairs and what is left on
// each side.
func match[T any](cur, des []T, name func(T) string, key func(T) string) (pairs [][2]T, onlyCur, onlyDes []T) {
	usedCur := make([]bool, len(cur))
	var rest []T
	for _, d := range des {
		found := false
		if name(d) != "" {
			for i, c := range cur {
				if !usedCur[i] && strings.EqualFold(name(c), name(d)) {
					usedCur[i], found = true, true
					pairs = append(pairs, [2]T{c, d})
					break
				}
			}
		}
		if !found {
			rest = append(rest, d)
		}
	}
	for _, d := range rest {
		found := false
		// A named desired object only matches an unnamed current one
		// (SQLite keeps no name for an unnamed constraint): a different
		// name is a different constraint.
		for i, c := range cur {
			if !usedCur[i] && (name(d) == "" || name(c) == "") && key(c) == key(d) {
				usedCur[i], found = true, true
				pairs = append(pairs, [2]T{c, d})
				break
			}
		}
		if !found {
			onlyDes = append(onlyDes, d)
		}
	}
	for i, c := range cur {
		if !usedCur[i] {
			onlyCur = append(onlyCur, c)
		}
	}
	return pairs, onlyCur, onlyDes
}

func (n normalizer) compareUniques(cur, des *schema.Table) []Change {
	key := func(u *schema.UniqueConstraint) string { return n.names(u.Columns) }
	pairs, onlyCur, onlyDes := match(cur.Uniques, des.Uniques, func(u *schema.UniqueConstraint) string { return u.Name }, key)
	for _, p := range pairs {
		if key(p[0]) != key(p[1]) {
			onlyCur, onlyDes = append(onlyCur, p[0]), append(onlyDes, p[1])
		}
	}
	var out []Change
	for _, c := range onlyCur {
		u := &schema.UniqueConstraint{Name: c.Name, Columns: slices.Clone(c.Columns)}
		out = append(out, Change{Kind: RemoveUnique, Table: des.Name, Name: u.Name,
			Up:   []op.Op{&op.DropConstraint{Table: des.Name, Name: u.Name, Kind: op.Unique, Columns: unnamed(u.Name, u.Columns)}},
			Down: []op.Op{&op.AddUnique{Table: des.Name, Constraint: u}}})
	}
	for _, d := range onlyDes {
		u := &schema.UniqueConstraint{Name: d.Name, Columns: slices.Clone(d.Columns)}
		if u.Name == "" {
			// Named here so that the downgrade can drop it by name.
			u.Name = conventionName("uq", des.Name, u.Columns)
		}
		out = append(out, Change{Kind: AddUnique, Table: des.Name, Name: u.Name,
			Up:   []op.Op{&op.AddUnique{Table: des.Name, Constraint: u}},
			Down: []op.Op{&op.DropConstraint{Table: des.Name, Name: u.Name, Kind: op.Unique}}})
	}
	return out
}

// conventionName is SQLAlchemy's naming convention for a constraint the
// model leaves unnamed, which an added constraint takes so that the
// downgrade can name what it drops.
func conventionName(prefix, table string, cols []string, more ...string) string {
	parts := append([]string{prefix, table}, cols...)
	return pgName(append(parts, more...)...)
}

func (n normalizer) fkKey(fk *schema.ForeignKeyConstraint) string {
	return n.names(fk.Columns) + "->" + strings.ToLower(fk.RefTable) + "(" + n.names(fk.RefColumns) + ")" +
		" d:" + n.fkAction(fk.OnDelete) + " u:" + n.fkAction(fk.OnUpdate)
}

func cloneFK(fk *schema.ForeignKeyConstraint) *schema.ForeignKeyConstraint {
	c := *fk
	c.Columns, c.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
	c.Index = "" // the server's, not the model's: re-adding the key makes it anew
	return &c
}

// implicitIndex is the index MySQL made for fk of t (inspected), which a
// dropped key leaves behind unless dropped with it; "" when there is none,
// or when another key of t could be relying on it.
func implicitIndex(t *schema.Table, fk *schema.ForeignKeyConstraint) string {
	if fk.Index == "" {
		return ""
	}
	for _, other := range t.ForeignKeys {
		if other != fk && len(other.Columns) >= len(fk.Columns) && strings.EqualFold(strings.Join(other.Columns[:len(fk.Columns)], ","), strings.Join(fk.Columns, ",")) {
			return ""
		}
	}
	return fk.Index
}

func (n normalizer) compareForeignKeys(cur, des *schema.Table) []Change {
	key := n.fkKey
	pairs, onlyCur, onlyDes := match(cur.ForeignKeys, des.ForeignKeys, func(fk *schema.ForeignKeyConstraint) string { return fk.Name }, key)
	for _, p := range pairs {
		if key(p[0]) != key(p[1]) {
			onlyCur, onlyDes = append(onlyCur, p[0]), append(onlyDes, p[1])
		}
	}
	var out []Change
	for _, c := range onlyCur {
		fk := cloneFK(c)
		out = append(out, Change{Kind: RemoveFK, Table: des.Name, Name: fk.Name,
			Up: []op.Op{&op.DropConstraint{Table: des.Name, Name: fk.Name, Kind: op.ForeignKey, Index: implicitIndex(cur, c),
				Columns: unnamed(fk.Name, fk.Columns)}},
			Down: []op.Op{&op.AddForeignKey{Table: des.Name, Constraint: fk}}})
	}
	for _, d := range onlyDes {
		fk := cloneFK(d)
		if fk.Name == "" {
			fk.Name = conventionName("fk", des.Name, fk.Columns, fk.RefTable)
		}
		out = append(out, Change{Kind: AddFK, Table: des.Name, Name: fk.Name,
			Up:   []op.Op{&op.AddForeignKey{Table: des.Name, Constraint: fk}},
			Down: []op.Op{&op.DropConstraint{Table: des.Name, Name: fk.Name, Kind: op.ForeignKey}}})
	}
	return out
}

// compareChecks matches checks by name, then unnamed ones by expression.
// A named check whose expression reads differently is not reported: each
// server rewrites expressions its own way (PostgreSQL adds casts and
// parentheses), and Alembic does not compare them either.
func (n normalizer) compareChecks(cur, des *schema.Table) []Change {
	key := func(c *schema.CheckConstraint) string { return n.exprKey(c.Expr) }
	_, onlyCur, onlyDes := match(cur.Checks, des.Checks, func(c *schema.CheckConstraint) string { return c.Name }, key)
	var out []Change
	for _, c := range onlyCur {
		ck := &schema.CheckConstraint{Name: c.Name, Expr: c.Expr}
		up := []op.Op{&op.DropConstraint{Table: des.Name, Name: ck.Name, Kind: op.Check, Expr: unnamedExpr(ck.Name, ck.Expr)}}
		if c.Column != "" {
			// MariaDB: a check written on a column belongs to it. Restating
			// the column (as the models have it by then: its own changes
			// come first) drops the check; a dropped column takes its check
			// with it.
			up = nil
			if col := des.Column(c.Column); col != nil {
				up = []op.Op{&op.AlterColumn{Table: des.Name, Column: col.Name, Type: op.TypePtr(col.Type), Existing: cloneColumn(col)}}
			}
		}
		out = append(out, Change{Kind: RemoveCheck, Table: des.Name, Name: ck.Name,
			Up:   up,
			Down: []op.Op{&op.AddCheck{Table: des.Name, Constraint: ck}}})
	}
	for i, d := range onlyDes {
		ck := &schema.CheckConstraint{Name: d.Name, Expr: d.Expr}
		if ck.Name == "" {
			ck.Name = conventionName("ck", des.Name, nil, fmt.Sprint(len(des.Checks)+i))
		}
		out = append(out, Change{Kind: AddCheck, Table: des.Name, Name: ck.Name,
			Up:   []op.Op{&op.AddCheck{Table: des.Name, Constraint: ck}},
			Down: []op.Op{&op.DropConstraint{Table: des.Name, Name: ck.Name, Kind: op.Check}}})
	}
	return out
}

// Detected is the change as Alembic's autogenerate logs it, after
// "Detected ": "added table 'accounts'", "NOT NULL on column
// 'accounts.email'", so that logs read as Alembic users know them.
func (c Change) Detected() string {
	col := "'" + c.Table + "." + c.Name + "'"
	on := " on '" + c.Table + "'"
	named := "'" + c.Name + "'"
	if c.Name == "" {
		named = detail(c) // an unnamed constraint: UNIQUE (email)
	}
	switch c.Kind {
	case AddTable:
		return "added table '" + c.Table + "'"
	case RemoveTable:
		return "removed table '" + c.Table + "'"
	case AddColumn:
		return "added column " + col
	case RemoveColumn:
		return "removed column " + col
	case ModifyType:
		return "type change from " + c.From + " to " + c.To + " on " + col
	case ModifyNullable:
		if c.To == "NULL" {
			return "NULL on column " + col
		}
		return "NOT NULL on column " + col
	case ModifyDefault:
		return "server default change from " + cmp.Or(c.From, "none") + " to " + cmp.Or(c.To, "none") + " on " + col
	case ModifyComment:
		return "column comment " + col
	case ModifyTableComment:
		return "table comment" + on
	case AddIndex:
		return "added index " + named + on
	case RemoveIndex:
		return "removed index " + named + on
	case AddUnique:
		return "added unique constraint " + named + on
	case RemoveUnique:
		return "removed unique constraint " + named + on
	case AddFK:
		return "added foreign key " + named + on
	case RemoveFK:
		return "removed foreign key " + named + on
	case AddCheck:
		return "added check constraint " + named + on
	case RemoveCheck:
		return "removed check constraint " + named + on
	case AddPK:
		return "added primary key" + on
	case RemovePK:
		return "removed primary key" + on
	}
	return c.String()
}
