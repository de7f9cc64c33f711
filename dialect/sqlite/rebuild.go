package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// SQLite's ALTER TABLE renames, adds a column and drops one it has no
// other use for, and nothing else. Every other change is made as SQLite's
// documentation prescribes ("Making Other Kinds Of Table Schema Changes")
// and Alembic's batch mode does: create the table anew under a temporary
// name, copy the rows, drop the old table and rename the new one into its
// place. Done inside the migration's transaction, a failure at any step
// leaves the table as it was.
//
// The new definition is the live table as Inspect reads it, with the
// operation's change applied; what the model cannot say but the table has
// (declared types, collations, DEFERRABLE, WITHOUT ROWID) is kept from
// the table's own SQL. Indexes and triggers, which DROP TABLE takes with
// it, are recreated from their original SQL; views and other tables'
// triggers that name the table are dropped and recreated around it, since
// SQLite's RENAME refuses to run while they name a table that does not
// exist.
//
// Foreign keys are not enforced during the rebuild: the migration's
// connection runs with PRAGMA foreign_keys off (SQLite's default, and it
// cannot be switched inside a transaction), so DROP TABLE neither cascades
// nor fails. Verify then checks the keys of the rebuilt table and of the
// tables that refer to it.

// rebuildPlan is one rebuild: the live table and the change made to it.
type rebuildPlan struct {
	lt *liveTable
	t  *schema.Table // lt.model, as the change leaves it
	// typeChanged holds the columns (lowercased) whose type the change
	// sets; the others keep their declared type.
	typeChanged map[string]bool
	added       map[string]bool // columns the change adds: nothing to copy
	dropped     string          // the column the change drops, if any
	// becomeNotNull are columns that become NOT NULL: a NULL in any row
	// fails the rebuild before it starts, with a message saying so.
	becomeNotNull []string
	// needsEmpty is a NOT NULL column added without a default, which only
	// an empty table can take.
	needsEmpty string
}

// rebuild renders the statements that rebuild table with edit applied.
// what says what is being done, for the error when there is no database.
func (d Dialect) rebuild(ctx context.Context, db op.Querier, table, what string, edit func(*rebuildPlan) error) ([]string, error) {
	if db == nil {
		return nil, fmt.Errorf("%s on SQLite rebuilds the table and needs the live database; offline SQL cannot do it "+
			"(run the migration online; or write SQLite's statements yourself: in a SQL script in a `-- retort:upgrade dialect=sqlite` section, "+
			"in a Go migration with Execute when ops.Dialect() is sqlite and ops.Offline())", what)
	}
	if err := foreignKeysOff(ctx, db, table); err != nil {
		return nil, err
	}
	live, err := d.inspect(ctx, db, table)
	if err != nil {
		return nil, fmt.Errorf("reading table %s to rebuild it: %w", table, err)
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("table %s does not exist", table)
	}
	lt := live[0]
	if lt.generated {
		return nil, fmt.Errorf("table %s has generated columns, which a rebuild cannot keep; change it with Execute statements", lt.model.Name)
	}
	if len(lt.def.unsupported) > 0 {
		return nil, fmt.Errorf("table %s cannot be rebuilt without losing part of its definition (%s); change it with Execute statements",
			lt.model.Name, strings.Join(lt.def.unsupported, "; "))
	}
	tmp := tmpPrefix + lt.model.Name
	var leftover int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE lower(name) = lower(?)", tmp).Scan(&leftover); err != nil {
		return nil, fmt.Errorf("looking for %s: %w", tmp, err)
	}
	if leftover > 0 {
		return nil, fmt.Errorf("table %s exists, left by an interrupted rebuild of %s: check that %s holds all its rows, then drop %s", tmp, lt.model.Name, lt.model.Name, tmp)
	}

	p := &rebuildPlan{lt: lt, t: lt.model, typeChanged: map[string]bool{}, added: map[string]bool{}}
	// Start from the columns' NOT NULL as declared: Inspect reports every
	// key column NOT NULL, which SQLite does not enforce unless declared.
	if lt.model.PrimaryKey != nil {
		for _, name := range lt.model.PrimaryKey.Columns {
			if c := lt.model.Column(name); c != nil {
				c.Nullable = !lt.declNotNull[strings.ToLower(c.Name)]
			}
		}
	}
	if err := edit(p); err != nil {
		return nil, err
	}
	if err := p.precheck(ctx, db, d); err != nil {
		return nil, err
	}
	deps, err := d.dependents(ctx, db, p)
	if err != nil {
		return nil, err
	}
	return d.rebuildStatements(p, tmp, deps)
}

// foreignKeysOff refuses to rebuild with foreign keys enforced: DROP TABLE
// would then delete (or cascade to, or fail on) the rows of every table
// that refers to the one rebuilt.
func foreignKeysOff(ctx context.Context, db op.Querier, table string) error {
	var on int
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
		return fmt.Errorf("reading PRAGMA foreign_keys before rebuilding %s: %w", table, err)
	}
	if on != 0 {
		return fmt.Errorf("rebuilding %s needs PRAGMA foreign_keys off, and this connection has it on: DROP TABLE would then delete the rows "+
			"of the tables that refer to it; SQLite cannot switch it inside a transaction, so switch it off before the migration starts", table)
	}
	return nil
}

// precheck fails, before any statement runs, on rows the new definition
// would refuse for a reason a person can fix: NULLs in a column becoming
// NOT NULL, rows in a table gaining a NOT NULL column with no default.
func (p *rebuildPlan) precheck(ctx context.Context, db op.Querier, d Dialect) error {
	table := d.QuoteIdent(p.t.Name)
	for _, col := range p.becomeNotNull {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE "+d.QuoteIdent(col)+" IS NULL").Scan(&n); err != nil {
			return fmt.Errorf("counting NULLs in %s.%s: %w", p.t.Name, col, err)
		}
		if n > 0 {
			return fmt.Errorf("column %s.%s holds NULL in %d rows, which NOT NULL refuses: update them first", p.t.Name, col, n)
		}
	}
	if p.needsEmpty != "" {
		var rows int
		if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&rows); err != nil {
			return fmt.Errorf("looking for rows in %s: %w", p.t.Name, err)
		}
		if rows != 0 {
			return fmt.Errorf("table %s has rows, and NOT NULL column %s has no default to give them: add it with a default, "+
				"or nullable, fill it, then make it NOT NULL", p.t.Name, p.needsEmpty)
		}
	}
	return nil
}

// schemaObject is an index, trigger or view as sqlite_schema keeps it.
type schemaObject struct {
	typ, name, table, sql string
	toks                  []token
}

// deps are the schema objects a rebuild must put back.
type deps struct {
	indexes []schemaObject // the table's, recreated after the rename
	views   []schemaObject // naming the table (or such a view): dropped before, recreated after
	// triggers: the table's own (which DROP TABLE takes) and other
	// tables' and views' that name it, all recreated after the views.
	triggers []schemaObject
	// dropTriggers are the triggers not on the table, dropped explicitly
	// before the table.
	dropTriggers []schemaObject
}

// dependents reads the indexes, triggers and views that the rebuild must
// put back, and refuses when one of them names a column being dropped:
// SQLite would recreate it without a complaint, broken.
func (d Dialect) dependents(ctx context.Context, db op.Querier, p *rebuildPlan) (*deps, error) {
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_schema
		WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("reading the indexes, triggers and views around %s: %w", p.t.Name, err)
	}
	var objs []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the indexes, triggers and views around %s: %w", p.t.Name, err)
		}
		if o.toks, err = tokenize(o.sql); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the SQL of %s %s: %w", o.typ, o.name, err)
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the indexes, triggers and views around %s: %w", p.t.Name, err)
	}

	table := p.t.Name
	// Views naming the table, or naming a view that does: SQLite's RENAME
	// checks every view, so all of them must be out of the way.
	affected := map[string]bool{strings.ToLower(table): true}
	for changed := true; changed; {
		changed = false
		for _, o := range objs {
			if o.typ == "view" && !affected[strings.ToLower(o.name)] && mentionsAny(o.toks, affected) {
				affected[strings.ToLower(o.name)] = true
				changed = true
			}
		}
	}
	out := &deps{}
	for _, o := range objs {
		own := strings.EqualFold(o.table, table)
		switch {
		case o.typ == "index" && own:
			if p.dropped != "" && indexNames(o.toks, p.dropped) {
				continue // goes with its column, as in PostgreSQL
			}
			out.indexes = append(out.indexes, o)
		case o.typ == "view" && affected[strings.ToLower(o.name)]:
			if err := p.refuseDropped(o); err != nil {
				return nil, err
			}
			out.views = append(out.views, o)
		case o.typ == "trigger" && (own || affected[strings.ToLower(o.table)] || mentionsAny(o.toks, affected)):
			if err := p.refuseDropped(o); err != nil {
				return nil, err
			}
			out.triggers = append(out.triggers, o)
			if !own {
				out.dropTriggers = append(out.dropTriggers, o)
			}
		}
	}
	return out, nil
}

// refuseDropped fails when o names the column being dropped.
func (p *rebuildPlan) refuseDropped(o schemaObject) error {
	if p.dropped != "" && mentions(o.toks, p.dropped) {
		return fmt.Errorf("%s %s names column %s, which the drop removes; SQLite would recreate it broken: drop or rewrite the %s first",
			o.typ, o.name, p.dropped, o.typ)
	}
	return nil
}

// indexNames reports whether a CREATE INDEX text names column after its
// ON (the index's own name may well be the column's).
func indexNames(toks []token, column string) bool {
	for i, t := range toks {
		if t.is("ON") {
			return mentions(toks[i+1:], column)
		}
	}
	return mentions(toks, column)
}

func mentionsAny(toks []token, names map[string]bool) bool {
	for _, t := range toks {
		if t.isName() && names[strings.ToLower(t.ident())] {
			return true
		}
	}
	return false
}

// rebuildStatements is the rebuild, in order.
func (d Dialect) rebuildStatements(p *rebuildPlan, tmp string, deps *deps) ([]string, error) {
	create, err := d.createTableSQL(p.t, tmp, p)
	if err != nil {
		return nil, fmt.Errorf("the new definition of %s: %w", p.t.Name, err)
	}
	table, qtmp := d.QuoteIdent(p.t.Name), d.QuoteIdent(tmp)
	stmts := []string{create}

	// AUTOINCREMENT promises never to reuse an id, even of rows deleted
	// since: the copy starts from the old table's high-water mark.
	if p.hadAutoIncrement() && p.hasAutoIncrement() {
		stmts = append(stmts, "INSERT INTO sqlite_sequence (name, seq) SELECT "+literalString(tmp)+", seq FROM sqlite_sequence WHERE name = "+literalString(p.t.Name))
	}

	// The copy. No CAST: storing a value in the new column applies its
	// type affinity, which converts only where nothing is lost ('12' to 12
	// in an INTEGER column), where CAST would turn '2024-05-01' into 2024
	// in a DATETIME (NUMERIC) column and 'n/a' into 0 in an INTEGER one.
	var cols []string
	for _, c := range p.t.Columns {
		if !p.added[strings.ToLower(c.Name)] {
			cols = append(cols, d.QuoteIdent(c.Name))
		}
	}
	// Rows keep their rowids (what foreign_key_check reports, and what
	// applications may hold on to), unless a column is the rowid.
	if rowid := p.rowidToCopy(d); rowid != "" {
		cols = append([]string{rowid}, cols...)
	}
	list := strings.Join(cols, ", ")
	stmts = append(stmts, "INSERT INTO "+qtmp+" ("+list+") SELECT "+list+" FROM "+table)

	for _, o := range deps.dropTriggers {
		stmts = append(stmts, "DROP TRIGGER "+d.QuoteIdent(o.name))
	}
	for i := len(deps.views) - 1; i >= 0; i-- {
		stmts = append(stmts, "DROP VIEW "+d.QuoteIdent(deps.views[i].name))
	}
	stmts = append(stmts, "DROP TABLE "+table, "ALTER TABLE "+qtmp+" RENAME TO "+table)
	for _, group := range [][]schemaObject{deps.indexes, deps.views, deps.triggers} {
		for _, o := range group {
			stmts = append(stmts, o.sql)
		}
	}
	return stmts, nil
}

func literalString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (p *rebuildPlan) hadAutoIncrement() bool {
	return slices.ContainsFunc(p.lt.def.columns, func(c columnDef) bool { return c.autoIncrement })
}

func (p *rebuildPlan) hasAutoIncrement() bool {
	return slices.ContainsFunc(p.t.Columns, func(c *schema.Column) bool { return c.AutoIncrement })
}

// rowidToCopy is the name under which the copy reads and writes rowids,
// or "" when it must not: a WITHOUT ROWID table has none, and in a table
// whose key is an INTEGER column that column is the rowid.
func (p *rebuildPlan) rowidToCopy(d Dialect) string {
	opts, _ := tokenize(p.lt.def.options)
	for _, t := range opts {
		if t.is("WITHOUT") {
			return ""
		}
	}
	if pk := p.t.PrimaryKey; pk != nil && len(pk.Columns) == 1 {
		if c := p.t.Column(pk.Columns[0]); c != nil {
			if typ, err := d.columnType(c, p); err == nil && strings.EqualFold(strings.TrimSpace(typ), "INTEGER") {
				return ""
			}
		}
	}
	// A column may be called rowid; SQLite has two more names for it.
	for _, name := range []string{"rowid", "_rowid_", "oid"} {
		if _, old := p.lt.declType[name]; !old && p.t.Column(name) == nil {
			return name
		}
	}
	return ""
}

// column is the live column named name, or an error naming the table.
func (p *rebuildPlan) column(name string) (*schema.Column, error) {
	c := p.t.Column(name)
	if c == nil {
		return nil, fmt.Errorf("table %s has no column %s", p.t.Name, name)
	}
	return c, nil
}

func (p *rebuildPlan) columnsExist(names []string) error {
	for _, n := range names {
		if _, err := p.column(n); err != nil {
			return err
		}
	}
	return nil
}

func (p *rebuildPlan) dropColumn(name string) error {
	c, err := p.column(name)
	if err != nil {
		return err
	}
	if len(p.t.Columns) == 1 {
		return fmt.Errorf("column %s is the only column of %s: drop the table instead", c.Name, p.t.Name)
	}
	if pk := p.t.PrimaryKey; pk != nil && slices.ContainsFunc(pk.Columns, func(s string) bool { return strings.EqualFold(s, name) }) {
		return fmt.Errorf("column %s is in the primary key of %s: drop the primary key first", c.Name, p.t.Name)
	}
	has := func(cols []string) bool {
		return slices.ContainsFunc(cols, func(s string) bool { return strings.EqualFold(s, name) })
	}
	p.t.Columns = slices.DeleteFunc(p.t.Columns, func(x *schema.Column) bool { return x == c })
	// Constraints on the column go with it, as in PostgreSQL.
	p.t.Uniques = slices.DeleteFunc(p.t.Uniques, func(u *schema.UniqueConstraint) bool { return has(u.Columns) })
	p.t.ForeignKeys = slices.DeleteFunc(p.t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) bool { return has(fk.Columns) })
	p.t.Checks = slices.DeleteFunc(p.t.Checks, func(ck *schema.CheckConstraint) bool {
		toks, err := tokenize(ck.Expr)
		return err == nil && mentions(toks, name)
	})
	p.dropped = c.Name
	return nil
}

func (p *rebuildPlan) alterColumn(o *op.AlterColumn) error {
	c, err := p.column(o.Column)
	if err != nil {
		return err
	}
	if o.Type != nil {
		t := *o.Type
		t.Values, t.Raw = slices.Clone(t.Values), cloneMap(t.Raw)
		c.Type = t
		p.typeChanged[strings.ToLower(c.Name)] = true
	}
	if o.Nullable != nil {
		if !*o.Nullable && c.Nullable {
			p.becomeNotNull = append(p.becomeNotNull, c.Name)
		}
		c.Nullable = *o.Nullable
	}
	if o.Default != nil {
		c.Default = strings.TrimSpace(*o.Default)
	}
	return nil
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (p *rebuildPlan) addColumn(c *schema.Column) error {
	if p.t.Column(c.Name) != nil {
		return fmt.Errorf("table %s has a column %s already", p.t.Name, c.Name)
	}
	cc := *c
	cc.Type.Values, cc.Type.Raw = slices.Clone(c.Type.Values), cloneMap(c.Type.Raw)
	p.t.Columns = append(p.t.Columns, &cc)
	p.added[strings.ToLower(c.Name)] = true
	p.typeChanged[strings.ToLower(c.Name)] = true
	if !c.Nullable && isNullDefault(c.Default) {
		p.needsEmpty = c.Name
	}
	return nil
}

func (p *rebuildPlan) addPrimaryKey(k *schema.PrimaryKeyConstraint) error {
	if p.t.PrimaryKey != nil {
		return fmt.Errorf("table %s has a primary key already, on %s", p.t.Name, strings.Join(p.t.PrimaryKey.Columns, ", "))
	}
	if err := p.columnsExist(k.Columns); err != nil {
		return err
	}
	// As in PostgreSQL, the key's columns become NOT NULL.
	for _, name := range k.Columns {
		c := p.t.Column(name)
		if c.Nullable {
			p.becomeNotNull = append(p.becomeNotNull, c.Name)
		}
		c.Nullable = false
	}
	p.t.PrimaryKey = &schema.PrimaryKeyConstraint{Name: k.Name, Columns: slices.Clone(k.Columns)}
	return nil
}

// nameTaken fails when the table has a constraint of any kind named name.
func (p *rebuildPlan) nameTaken(name string) error {
	if name == "" {
		return nil
	}
	taken := p.t.PrimaryKey != nil && strings.EqualFold(p.t.PrimaryKey.Name, name)
	for _, u := range p.t.Uniques {
		taken = taken || strings.EqualFold(u.Name, name)
	}
	for _, fk := range p.t.ForeignKeys {
		taken = taken || strings.EqualFold(fk.Name, name)
	}
	for _, ck := range p.t.Checks {
		taken = taken || strings.EqualFold(ck.Name, name)
	}
	if taken {
		return fmt.Errorf("table %s has a constraint named %s already", p.t.Name, name)
	}
	return nil
}

func (p *rebuildPlan) addUnique(u *schema.UniqueConstraint) error {
	if err := p.nameTaken(u.Name); err != nil {
		return err
	}
	if err := p.columnsExist(u.Columns); err != nil {
		return err
	}
	p.t.Uniques = append(p.t.Uniques, &schema.UniqueConstraint{Name: u.Name, Columns: slices.Clone(u.Columns)})
	return nil
}

func (p *rebuildPlan) addForeignKey(fk *schema.ForeignKeyConstraint) error {
	if err := p.nameTaken(fk.Name); err != nil {
		return err
	}
	if err := p.columnsExist(fk.Columns); err != nil {
		return err
	}
	c := *fk
	c.Columns, c.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
	p.t.ForeignKeys = append(p.t.ForeignKeys, &c)
	return nil
}

func (p *rebuildPlan) addCheck(ck *schema.CheckConstraint) error {
	if err := p.nameTaken(ck.Name); err != nil {
		return err
	}
	p.t.Checks = append(p.t.Checks, &schema.CheckConstraint{Name: ck.Name, Expr: strings.TrimSpace(ck.Expr)})
	return nil
}

// dropConstraint removes a constraint by kind and name; with no kind, the
// constraint of any kind so named.
func (p *rebuildPlan) dropConstraint(name string, kind op.ConstraintKind) error {
	named := func(n string) bool { return strings.EqualFold(n, name) }
	switch {
	case kind == op.PrimaryKey || (kind == "" && p.t.PrimaryKey != nil && named(p.t.PrimaryKey.Name)):
		pk := p.t.PrimaryKey
		if pk == nil {
			return fmt.Errorf("table %s has no primary key", p.t.Name)
		}
		if name != "" && pk.Name != "" && !named(pk.Name) {
			return fmt.Errorf("the primary key of %s is named %s, not %s", p.t.Name, pk.Name, name)
		}
		for _, c := range p.t.Columns {
			c.AutoIncrement = false // AUTOINCREMENT exists only on the key
		}
		p.t.PrimaryKey = nil
		return nil
	case (kind == op.Unique || kind == "") && slices.ContainsFunc(p.t.Uniques, func(u *schema.UniqueConstraint) bool { return named(u.Name) }):
		p.t.Uniques = slices.DeleteFunc(p.t.Uniques, func(u *schema.UniqueConstraint) bool { return named(u.Name) })
		return nil
	case (kind == op.ForeignKey || kind == "") && slices.ContainsFunc(p.t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) bool { return named(fk.Name) }):
		p.t.ForeignKeys = slices.DeleteFunc(p.t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) bool { return named(fk.Name) })
		return nil
	case (kind == op.Check || kind == "") && slices.ContainsFunc(p.t.Checks, func(ck *schema.CheckConstraint) bool { return named(ck.Name) }):
		p.t.Checks = slices.DeleteFunc(p.t.Checks, func(ck *schema.CheckConstraint) bool { return named(ck.Name) })
		return nil
	}
	return fmt.Errorf("table %s has no %s constraint named %s (SQLite knows a constraint's name only from a CONSTRAINT clause in the CREATE TABLE; named ones here: %s)",
		p.t.Name, orElse(string(kind), ""), name, orElse(strings.Join(p.constraintNames(), ", "), "none"))
}

// dropUnnamed takes out the unnamed constraint o describes: a unique or
// foreign key constraint by its columns, a check by its expression
// (compared without regard to case and spacing).
func (p *rebuildPlan) dropUnnamed(o *op.DropConstraint) error {
	same := func(a, b []string) bool {
		return strings.EqualFold(strings.Join(a, "\x00"), strings.Join(b, "\x00"))
	}
	squeeze := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	n := 0
	switch o.Kind {
	case op.Unique:
		p.t.Uniques = slices.DeleteFunc(p.t.Uniques, func(u *schema.UniqueConstraint) bool {
			hit := u.Name == "" && same(u.Columns, o.Columns)
			n += boolInt(hit)
			return hit
		})
	case op.ForeignKey:
		p.t.ForeignKeys = slices.DeleteFunc(p.t.ForeignKeys, func(fk *schema.ForeignKeyConstraint) bool {
			hit := fk.Name == "" && same(fk.Columns, o.Columns)
			n += boolInt(hit)
			return hit
		})
	case op.Check:
		p.t.Checks = slices.DeleteFunc(p.t.Checks, func(ck *schema.CheckConstraint) bool {
			hit := ck.Name == "" && squeeze(ck.Expr) == squeeze(o.Expr)
			n += boolInt(hit)
			return hit
		})
	}
	if n == 0 {
		what := "(" + strings.Join(o.Columns, ", ") + ")"
		if o.Kind == op.Check {
			what = "CHECK (" + o.Expr + ")"
		}
		return fmt.Errorf("table %s has no unnamed %s constraint %s", p.t.Name, o.Kind, what)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *rebuildPlan) constraintNames() []string {
	var names []string
	add := func(n string) {
		if n != "" {
			names = append(names, n)
		}
	}
	if p.t.PrimaryKey != nil {
		add(p.t.PrimaryKey.Name)
	}
	for _, u := range p.t.Uniques {
		add(u.Name)
	}
	for _, fk := range p.t.ForeignKeys {
		add(fk.Name)
	}
	for _, ck := range p.t.Checks {
		add(ck.Name)
	}
	return names
}

var _ op.Verifier = Dialect{}

// rebuiltTable is the table o rebuilds, or "".
func rebuiltTable(o op.Op) string {
	switch o := o.(type) {
	case *op.AddColumn:
		if o != nil && o.Column != nil && !addColumnNative(o.Column) {
			return o.Table
		}
	case *op.DropColumn:
		if o != nil {
			return o.Table
		}
	case *op.AlterColumn:
		if o != nil && alterRebuilds(o) {
			return o.Table
		}
	case *op.AddPrimaryKey:
		if o != nil {
			return o.Table
		}
	case *op.AddUnique:
		if o != nil {
			return o.Table
		}
	case *op.AddForeignKey:
		if o != nil {
			return o.Table
		}
	case *op.AddCheck:
		if o != nil {
			return o.Table
		}
	case *op.DropConstraint:
		if o != nil {
			return o.Table
		}
	}
	return ""
}

// maxViolations is how many foreign-key violations an error lists.
const maxViolations = 5

// Verify checks the foreign keys after a rebuild, which ran with them off:
// PRAGMA foreign_key_check on the rebuilt table and on each table that
// refers to it. A violation fails the operation, naming the table, the
// row and the table it refers to; in the migration's transaction, that
// undoes the rebuild.
func (d Dialect) Verify(ctx context.Context, db op.Querier, o op.Op) error {
	table := rebuiltTable(o)
	if table == "" || db == nil {
		return nil
	}
	tables := []string{table}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT m.name FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND lower(f."table") = lower(?1) AND lower(m.name) <> lower(?1) ORDER BY m.name`, table)
	if err != nil {
		return fmt.Errorf("finding the tables that refer to %s: %w", table, err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("finding the tables that refer to %s: %w", table, err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("finding the tables that refer to %s: %w", table, err)
	}
	for _, t := range tables {
		if err := d.foreignKeyCheck(ctx, db, t, table); err != nil {
			return err
		}
	}
	return nil
}

// foreignKeyCheck runs PRAGMA foreign_key_check on table.
func (d Dialect) foreignKeyCheck(ctx context.Context, db op.Querier, table, rebuilt string) error {
	rows, err := db.QueryContext(ctx, `SELECT c."table", c.rowid, c.parent,
		(SELECT group_concat(f."from", ', ') FROM pragma_foreign_key_list(c."table") f WHERE f.id = c.fkid)
	FROM pragma_foreign_key_check(?) c`, table)
	if err != nil {
		return fmt.Errorf("checking the foreign keys of %s after rebuilding %s: %w", table, rebuilt, err)
	}
	defer rows.Close()
	var found []string
	n := 0
	for rows.Next() {
		var child, parent, columns string
		var rowid *int64 // NULL in a WITHOUT ROWID table
		if err := rows.Scan(&child, &rowid, &parent, &columns); err != nil {
			return fmt.Errorf("checking the foreign keys of %s after rebuilding %s: %w", table, rebuilt, err)
		}
		n++
		if len(found) < maxViolations {
			row := "a row"
			if rowid != nil {
				row = fmt.Sprintf("rowid %d", *rowid)
			}
			found = append(found, fmt.Sprintf("%s %s (%s) refers to no row of %s", child, row, columns, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("checking the foreign keys of %s after rebuilding %s: %w", table, rebuilt, err)
	}
	if n == 0 {
		return nil
	}
	more := ""
	if n > len(found) {
		more = fmt.Sprintf(" (and %d more)", n-len(found))
	}
	return fmt.Errorf("foreign key check failed after rebuilding %s: %s%s", rebuilt, strings.Join(found, "; "), more)
}
