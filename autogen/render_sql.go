package autogen

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/sqlite"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
	"github.com/retort-sql/retort/script"
)

// RenderSQL renders the body of a revision script (everything after its
// header): for each dialect, in the order given, an
// "-- retort:upgrade dialect=X" section then "-- retort:downgrade
// dialect=X"; with one dialect only, plain "-- retort:upgrade" and
// "-- retort:downgrade" sections. A step's Note becomes "-- " comment lines
// before its statements.
//
// current is the database's schema before the upgrade. PostgreSQL and
// MySQL render without a database (MySQL's ALTER restates the column from
// AlterColumn.Existing). SQLite renders what ALTER cannot do as a rebuild
// of the live table, so its steps are rendered against a scratch in-memory
// database holding current, and each step's statements are run there
// before the next step renders: the SQL written has run once already, and
// every rebuild copies the table as the steps before it left it. The
// downgrade renders against the upgraded scratch the same way. That
// scratch holds only what current says: when the database itself is
// SQLite, use RenderSQLFrom, or a rebuild drops the table's triggers and
// fails on the views over it.
//
// The result is checked before it is returned: behind a header it parses
// as a script whose sections split into exactly the statements rendered.
func RenderSQL(ctx context.Context, dialects []string, current *schema.Schema, up, down []Step) (string, error) {
	return renderSQL(ctx, nil, dialects, current, up, down)
}

// RenderSQLFrom is RenderSQL for the open database current was inspected
// from, of dialect liveDialect. When that is SQLite, the scratch database
// SQLite's steps render against is a copy of live's own DDL (its tables,
// indexes, views and triggers as sqlite_schema holds them) instead of
// current rendered afresh. A rebuild then keeps what the model cannot say
// as the live table has it: declared types, collations, the triggers DROP
// TABLE would take with it, and the views SQLite's RENAME checks. live is
// only read. Otherwise, and for the other dialects, it is RenderSQL.
func RenderSQLFrom(ctx context.Context, live op.Querier, liveDialect string, dialects []string, current *schema.Schema, up, down []Step) (string, error) {
	if name, _ := config.NormalizeDialect(liveDialect); name != "sqlite" {
		return renderSQL(ctx, nil, dialects, current, up, down)
	}
	if live == nil {
		return "", fmt.Errorf("render SQL: no live SQLite database given")
	}
	return renderSQL(ctx, live, dialects, current, up, down)
}

func renderSQL(ctx context.Context, live op.Querier, dialects []string, current *schema.Schema, up, down []Step) (string, error) {
	names, err := canonicalDialects(dialects)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	want := map[string][2][]string{} // section marker -> statements, for the check
	for i, name := range names {
		ups, downs, err := renderDialect(ctx, live, name, current, up, down)
		if err != nil {
			return "", err
		}
		suffix := " dialect=" + name
		if len(names) == 1 {
			suffix = ""
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("-- retort:upgrade" + suffix + "\n")
		if err := writeSection(&b, name, ups, "-- Nothing to do: the database matches the models."); err != nil {
			return "", fmt.Errorf("%s upgrade: %w", name, err)
		}
		b.WriteString("\n-- retort:downgrade" + suffix + "\n")
		if err := writeSection(&b, name, downs, "-- Nothing to undo."); err != nil {
			return "", fmt.Errorf("%s downgrade: %w", name, err)
		}
		want[name] = [2][]string{statementsOf(ups), statementsOf(downs)}
	}
	body := b.String()
	if err := checkBody(body, names, want); err != nil {
		return "", err
	}
	return body, nil
}

// canonicalDialects maps the names a configuration may use to the ones
// section markers take, keeping the order given and dropping repeats.
func canonicalDialects(dialects []string) ([]string, error) {
	if len(dialects) == 0 {
		return nil, fmt.Errorf("render SQL: no dialect given")
	}
	var out []string
	for _, d := range dialects {
		name, ok := config.NormalizeDialect(d)
		if !ok {
			return nil, fmt.Errorf("render SQL: unknown dialect %q (want sqlite, postgresql or mysql)", d)
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// renderedStep is one step's statements in one dialect, with its note.
type renderedStep struct {
	note  string
	what  string // the operation, for a step that renders to nothing
	stmts []string
}

// directions are the two sections of a dialect, in the order written.
var directions = [2]graph.Direction{graph.Up, graph.Down}

func statementsOf(steps []renderedStep) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.stmts...)
	}
	return out
}

// renderDialect renders both directions for one dialect.
func renderDialect(ctx context.Context, live op.Querier, name string, current *schema.Schema, up, down []Step) (ups, downs []renderedStep, err error) {
	if name == "sqlite" {
		return renderSQLite(ctx, live, current, up, down)
	}
	d, err := runtime.OfflineDialect(name)
	if err != nil {
		return nil, nil, err
	}
	r, ok := d.(op.Renderer)
	if !ok {
		return nil, nil, fmt.Errorf("the %s dialect renders no operations", name)
	}
	render := func(dir string, steps []Step) ([]renderedStep, error) {
		out := make([]renderedStep, 0, len(steps))
		for i, s := range steps {
			if s.Op == nil {
				return nil, fmt.Errorf("%s %s: step %d has no operation", name, dir, i+1)
			}
			stmts, err := r.Render(ctx, nil, adapt(name, s.Op))
			if err != nil {
				return nil, fmt.Errorf("%s %s: %s: %w", name, dir, s.Op.Describe(), err)
			}
			out = append(out, newRenderedStep(s, stmts))
		}
		return out, nil
	}
	if ups, err = render("upgrade", up); err != nil {
		return nil, nil, err
	}
	if downs, err = render("downgrade", down); err != nil {
		return nil, nil, err
	}
	return ups, downs, nil
}

// newRenderedStep keeps a step's statements that are not blank.
func newRenderedStep(s Step, stmts []string) renderedStep {
	r := renderedStep{note: s.Note, what: s.Op.Describe()}
	for _, st := range stmts {
		if st = strings.TrimSpace(st); st != "" {
			r.stmts = append(r.stmts, st)
		}
	}
	return r
}

// adapt fits an operation made from another dialect's inspection to
// dialectName. A primary key inspected without a name (SQLite and MySQL
// report none) is dropped on PostgreSQL by the name PostgreSQL gives an
// unnamed one, <table>_pkey, which offline SQL cannot look up. Elsewhere,
// PostgreSQL's casts ('a'::character varying) are taken out of defaults,
// checks and index predicates, which neither SQLite nor MySQL can read.
// Everywhere, a default that is the current time is written the one way
// all three read (see portableDefault).
func adapt(dialectName string, o op.Op) op.Op {
	pg := dialectName == "postgresql"
	switch x := o.(type) {
	case *op.DropConstraint:
		if x.Kind == op.PrimaryKey && dialectName != "mysql" && mysqlPrimary(x.Name) {
			c := *x
			c.Name = ""
			x = &c
		}
		if pg && x.Kind == op.PrimaryKey && x.Name == "" {
			c := *x
			c.Name = pgName(x.Table, "pkey")
			return &c
		}
		return x
	case *op.AddPrimaryKey:
		if x.Key != nil && dialectName != "mysql" && mysqlPrimary(x.Key.Name) {
			k := *x.Key
			k.Name = ""
			return &op.AddPrimaryKey{Table: x.Table, Key: &k}
		}
	case *op.CreateTable:
		if x.Table != nil {
			return &op.CreateTable{Table: adaptTable(dialectName, x.Table)}
		}
	case *op.DropTable:
		if x.Table != nil {
			return &op.DropTable{Name: x.Name, Table: adaptTable(dialectName, x.Table)}
		}
	case *op.AddColumn:
		if x.Column != nil {
			c := *x.Column
			c.Type = portableRaw(dialectName, c.Type)
			c.Default = portableDefault(dialectName, c.Type, c.Default)
			return &op.AddColumn{Table: x.Table, Column: &c}
		}
	case *op.AlterColumn:
		c := *x
		var typ schema.Type
		switch {
		case x.Type != nil:
			typ = *x.Type
		case x.Existing != nil:
			typ = x.Existing.Type
		}
		if x.Type != nil {
			c.Type = op.TypePtr(portableRaw(dialectName, *x.Type))
		}
		if x.Default != nil {
			c.Default = op.Str(portableDefault(dialectName, typ, *x.Default))
		}
		if x.Existing != nil {
			e := *x.Existing
			e.Type = portableRaw(dialectName, e.Type)
			e.Default = portableDefault(dialectName, e.Type, e.Default)
			c.Existing = &e
		}
		return &c
	case *op.AddCheck:
		if x.Constraint != nil {
			ck := *x.Constraint
			ck.Expr = portableExpr(dialectName, ck.Expr)
			return &op.AddCheck{Table: x.Table, Constraint: &ck}
		}
	case *op.CreateIndex:
		if x.Index != nil {
			ix := *x.Index
			ix.Where = portableExpr(dialectName, ix.Where)
			return &op.CreateIndex{Table: x.Table, Index: &ix}
		}
	}
	return o
}

// adaptTable is t fitted to dialectName as adapt fits an operation.
func adaptTable(dialectName string, t *schema.Table) *schema.Table {
	t = t.Clone()
	for _, ck := range t.Checks {
		ck.Expr = portableExpr(dialectName, ck.Expr)
	}
	for _, ix := range t.Indexes {
		ix.Where = portableExpr(dialectName, ix.Where)
	}
	for _, col := range t.Columns {
		col.Type = portableRaw(dialectName, col.Type)
		col.Default = portableDefault(dialectName, col.Type, col.Default)
	}
	if t.PrimaryKey != nil && dialectName != "mysql" && mysqlPrimary(t.PrimaryKey.Name) {
		t.PrimaryKey.Name = ""
	}
	return t
}

// standardType matches the types that SQLite, PostgreSQL and MySQL all
// read alike, which an inspector may still report as one dialect's raw
// type (no portable kind has CHAR's fixed length).
var standardType = regexp.MustCompile(`(?i)^\s*(char|character|nchar)\s*\(\s*\d+\s*\)\s*$|^\s*(real|double precision)\s*$`)

// portableRaw gives a raw type inspected on one dialect (CHAR(2) on
// SQLite) the same SQL on dialectName when that SQL is standard, so that a
// revision generated for several dialects can say it; any other raw type
// is left as it is, for the renderer to refuse by name.
func portableRaw(dialectName string, t schema.Type) schema.Type {
	if t.Kind != schema.KindRaw || len(t.Raw) != 1 {
		return t
	}
	if _, ok := t.RawFor(dialectName); ok {
		return t
	}
	for _, sql := range t.Raw {
		if standardType.MatchString(sql) {
			return schema.Raw(sql)
		}
	}
	return t
}

// mysqlPrimary reports whether name is MySQL's name for every primary key,
// which says nothing elsewhere (and on PostgreSQL, where a key's index
// takes its name, would collide from the second table on): other
// dialects name the key themselves.
func mysqlPrimary(name string) bool { return strings.EqualFold(name, "PRIMARY") }

// portableDefault is a default expression of a column of type typ as
// dialectName reads it:
// without PostgreSQL's casts elsewhere than on PostgreSQL, and the
// current time, however the inspected server spells it (PostgreSQL's
// now(), MariaDB's current_timestamp(), SQLite's CURRENT_TIMESTAMP), as
// CURRENT_TIMESTAMP, which all three take. PostgreSQL, for one, refuses
// MariaDB's empty parentheses, and SQLite has no now().
func portableDefault(dialectName string, typ schema.Type, expr string) string {
	if expr == "" {
		return ""
	}
	if dialectName != "postgresql" {
		expr = stripCasts(expr)
	}
	bare := strings.ToLower(strings.TrimSpace(expr))
	for strings.HasPrefix(bare, "(") && strings.HasSuffix(bare, ")") {
		bare = strings.TrimSpace(bare[1 : len(bare)-1])
	}
	switch bare {
	case "now()", "current_timestamp", "current_timestamp()", "localtimestamp", "localtimestamp()", "transaction_timestamp()":
		return "CURRENT_TIMESTAMP"
	}
	if typ.Kind == schema.KindBoolean && dialectName == "postgresql" {
		// MySQL and SQLite keep booleans as 0 and 1; PostgreSQL's boolean
		// takes no integer.
		switch strings.Trim(bare, "'") {
		case "0":
			return "false"
		case "1":
			return "true"
		}
	}
	return expr
}

// renderSQLite renders the steps against a scratch in-memory database
// holding current, running each step's statements there as a migration
// would (through op.Operations, so that a rebuild's foreign keys are
// verified too).
func renderSQLite(ctx context.Context, live op.Querier, current *schema.Schema, up, down []Step) (ups, downs []renderedStep, err error) {
	scratch, err := sqlite.Open(ctx, "")
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: opening the scratch database: %w", err)
	}
	defer scratch.Close()
	conn, err := scratch.SQL().Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: opening the scratch database: %w", err)
	}
	defer conn.Close()
	d := sqlite.Dialect{}
	if live != nil {
		err = copySchema(ctx, live, conn)
	} else {
		err = createScratch(ctx, conn, d, current, up, down)
	}
	if err != nil {
		return nil, nil, err
	}
	render := func(dir string, steps []Step) ([]renderedStep, error) {
		out := make([]renderedStep, 0, len(steps))
		for i, s := range steps {
			if s.Op == nil {
				return nil, fmt.Errorf("sqlite %s: step %d has no operation", dir, i+1)
			}
			var stmts []string
			ops := op.New("sqlite", d, conn, func(ctx context.Context, stmt string) error {
				if _, err := conn.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("running the rendered statement on a scratch database: %w", err)
				}
				stmts = append(stmts, stmt)
				return nil
			})
			if err := ops.Run(ctx, adapt("sqlite", s.Op)); err != nil {
				return nil, fmt.Errorf("sqlite %s: %w", dir, err)
			}
			out = append(out, newRenderedStep(s, stmts))
		}
		return out, nil
	}
	if ups, err = render("upgrade", up); err != nil {
		return nil, nil, err
	}
	if downs, err = render("downgrade", down); err != nil {
		return nil, nil, err
	}
	return ups, downs, nil
}

// createScratch creates current's tables in the scratch database, tables
// referred to before the tables referring to them. A table that SQLite
// cannot create (a raw type given for PostgreSQL only, say) is left out
// when no step names it: the steps cannot need it.
func createScratch(ctx context.Context, conn *sql.Conn, d sqlite.Dialect, current *schema.Schema, up, down []Step) error {
	if current == nil {
		return nil
	}
	named := map[string]bool{}
	for _, steps := range [][]Step{up, down} {
		for _, s := range steps {
			for _, t := range tablesOf(s.Op) {
				named[strings.ToLower(t)] = true
			}
		}
	}
	for _, t := range fkOrder(current.Tables) {
		stmts, err := d.Render(ctx, conn, &op.CreateTable{Table: adaptTable("sqlite", t)})
		if err != nil {
			if !named[strings.ToLower(t.Name)] {
				continue
			}
			return fmt.Errorf("sqlite: creating table %s of the current schema in a scratch database: %w", t.Name, err)
		}
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("sqlite: creating table %s of the current schema in a scratch database: %w", t.Name, err)
			}
		}
	}
	return nil
}

// copySchema runs live's DDL in the scratch database: tables first, then
// indexes, views and triggers, each kind in the order it was created.
// SQLite's own objects are left out, and so are the shadow tables a
// virtual table made, which creating it again makes anew.
func copySchema(ctx context.Context, live op.Querier, conn *sql.Conn) error {
	rows, err := live.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`)
	if err != nil {
		return fmt.Errorf("sqlite: reading the live schema: %w", err)
	}
	type object struct{ typ, name, sql string }
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.typ, &o.name, &o.sql); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: reading the live schema: %w", err)
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: reading the live schema: %w", err)
	}
	for _, o := range objs {
		if o.typ == "table" {
			var n int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = ?", o.name).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: copying the live schema: %w", err)
			}
			if n > 0 {
				continue // a virtual table's shadow table, made with it
			}
		}
		if _, err := conn.ExecContext(ctx, o.sql); err != nil {
			return fmt.Errorf("sqlite: copying %s %s of the live schema into a scratch database: %w", o.typ, o.name, err)
		}
	}
	return nil
}

// portableExpr is a check's or an index predicate's expression, as one
// dialect's inspection wrote it, in a form dialectName reads the same
// way. Elsewhere than on PostgreSQL, its casts go ('a'::text) and the
// operators pg_get_constraintdef writes for IN, LIKE and ILIKE are written
// back (x = ANY (ARRAY['a', 'b']) as x IN ('a', 'b'), ~~ and ~~* as LIKE).
// Quoted names take the target's quotes: MySQL's backticks elsewhere,
// and on MySQL (which, without ANSI_QUOTES, reads "name" as a string)
// backticks for double quotes.
func portableExpr(dialectName, expr string) string {
	if expr == "" {
		return ""
	}
	if dialectName != "postgresql" {
		expr = stripCasts(expr)
		expr = anyArray.ReplaceAllString(expr, "$1 IN ($2)")
		// ~~* is ILIKE: LIKE on MySQL's default collations and on
		// SQLite (for ASCII) already ignores case.
		expr = strings.NewReplacer(" !~~* ", " NOT LIKE ", " ~~* ", " LIKE ", " !~~ ", " NOT LIKE ", " ~~ ", " LIKE ").Replace(expr)
	}
	from, to := byte('`'), byte('"')
	if dialectName == "mysql" {
		from, to = '"', '`'
	}
	return requote(expr, from, to)
}

// anyArray is PostgreSQL's rewriting of x IN (a, b) in a constraint's
// definition, once its casts are gone: x = ANY ((ARRAY[a, b])).
var anyArray = regexp.MustCompile(`(\(?[\w."]+\)?) = ANY \(\(?ARRAY\[([^\[\]]*)\]\)?\)`)

// requote turns names quoted with from into names quoted with to, outside
// string literals.
func requote(s string, from, to byte) string {
	if strings.IndexByte(s, from) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			j := i + 1
			for j < len(s) && !(s[j] == '\'' && (j+1 >= len(s) || s[j+1] != '\'')) {
				if s[j] == '\'' {
					j++ // a doubled quote
				}
				j++
			}
			b.WriteString(s[i:min(j+1, len(s))])
			i = j
		case c == from:
			// The name runs to the next lone quote; a doubled one is the
			// quote character itself.
			var name strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == from {
					if j+1 < len(s) && s[j+1] == from {
						name.WriteByte(from)
						j++
						continue
					}
					break
				}
				name.WriteByte(s[j])
			}
			if j >= len(s) {
				b.WriteString(s[i:]) // unterminated: leave it as written
				return b.String()
			}
			b.WriteByte(to)
			b.WriteString(strings.ReplaceAll(name.String(), string(to), string(to)+string(to)))
			b.WriteByte(to)
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripCasts removes ::type casts outside string literals and quoted
// names, keeping the rest of s as written.
func stripCasts(s string) string {
	if !strings.Contains(s, "::") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(s) && !(s[j] == ch && (j+1 >= len(s) || s[j+1] != ch)) {
				if s[j] == ch {
					j++ // a doubled quote
				}
				j++
			}
			b.WriteString(s[i:min(j+1, len(s))])
			i = j
		case ch == ':' && i+1 < len(s) && s[i+1] == ':':
			// The type name may hold spaces ("character varying"), a
			// schema, quotes, a length and [].
			j := i + 2
			for j < len(s) {
				if isWordByte(s[j]) || s[j] == '.' || s[j] == '"' {
					j++
					continue
				}
				if strings.HasPrefix(s[j:], "[]") {
					j += 2
					continue
				}
				if s[j] == ' ' && typeWordFollows(s[j+1:]) {
					j++
					continue
				}
				break
			}
			if j < len(s) && s[j] == '(' {
				if k := strings.IndexByte(s[j:], ')'); k >= 0 {
					j += k + 1
				}
			}
			i = j - 1
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// tablesOf names the tables an operation acts on or refers to.
func tablesOf(o op.Op) []string {
	switch o := o.(type) {
	case *op.CreateTable:
		if o.Table != nil {
			names := []string{o.Table.Name}
			for _, fk := range o.Table.ForeignKeys {
				names = append(names, fk.RefTable)
			}
			return names
		}
	case *op.DropTable:
		return []string{o.Name}
	case *op.RenameTable:
		return []string{o.Old, o.New}
	case *op.AddColumn:
		return []string{o.Table}
	case *op.DropColumn:
		return []string{o.Table}
	case *op.AlterColumn:
		return []string{o.Table}
	case *op.CreateIndex:
		return []string{o.Table}
	case *op.DropIndex:
		return []string{o.Table}
	case *op.AddPrimaryKey:
		return []string{o.Table}
	case *op.AddUnique:
		return []string{o.Table}
	case *op.AddForeignKey:
		if o.Constraint != nil {
			return []string{o.Table, o.Constraint.RefTable}
		}
		return []string{o.Table}
	case *op.AddCheck:
		return []string{o.Table}
	case *op.DropConstraint:
		return []string{o.Table}
	case *op.SetTableComment:
		return []string{o.Table}
	case *op.BulkInsert:
		return []string{o.Table}
	}
	return nil
}

// fkOrder orders tables so that each comes after the tables its foreign
// keys refer to, keeping the given order otherwise; tables in a cycle of
// foreign keys keep their order among themselves (SQLite does not check
// references when a table is created).
func fkOrder(tables []*schema.Table) []*schema.Table {
	byName := map[string]*schema.Table{}
	for _, t := range tables {
		byName[strings.ToLower(t.Name)] = t
	}
	done := map[*schema.Table]bool{}
	visiting := map[*schema.Table]bool{}
	var out []*schema.Table
	var visit func(t *schema.Table)
	visit = func(t *schema.Table) {
		if done[t] || visiting[t] {
			return
		}
		visiting[t] = true
		for _, fk := range t.ForeignKeys {
			if ref := byName[strings.ToLower(fk.RefTable)]; ref != nil && ref != t {
				visit(ref)
			}
		}
		visiting[t] = false
		done[t] = true
		out = append(out, t)
	}
	for _, t := range tables {
		visit(t)
	}
	return out
}

// writeSection writes one section's steps: each step's note as comment
// lines, then its statements, ended so that script.Split reads each back
// whole; a blank line between steps.
func writeSection(b *strings.Builder, dialectName string, steps []renderedStep, empty string) error {
	if len(steps) == 0 {
		b.WriteString(empty + "\n")
		return nil
	}
	for i, s := range steps {
		if i > 0 {
			b.WriteString("\n")
		}
		writeComment(b, s.note)
		if len(s.stmts) == 0 {
			// SQLite keeps no comments: say so rather than leave a step out
			// without a word.
			writeComment(b, s.what+": nothing to do on "+dialectName)
		}
		for _, stmt := range s.stmts {
			text, err := terminate(dialectName, stmt)
			if err != nil {
				return err
			}
			b.WriteString(text + "\n")
		}
	}
	return nil
}

// writeComment writes text as "-- " lines. A line that would read as a
// retort directive is prefixed so that it stays a comment.
func writeComment(b *strings.Builder, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if strings.HasPrefix(strings.TrimLeft(line, " \t-"), "retort:") {
			line = "note: " + line
		}
		if line == "" {
			b.WriteString("--\n")
			continue
		}
		b.WriteString("-- " + line + "\n")
	}
}

// terminate writes stmt so that script.Split reads it back as exactly
// stmt: ended with ";" when the lexer finds that end (trigger bodies and
// $$ bodies included), else wrapped in retort:statement-begin/-end.
func terminate(dialectName, stmt string) (string, error) {
	for _, line := range strings.Split(stmt, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t-"), "retort:") && strings.HasPrefix(strings.TrimLeft(line, " \t"), "--") {
			return "", fmt.Errorf("statement %q holds a line that reads as a retort directive; write it by hand", stmtHead(stmt))
		}
	}
	text := dialect.TerminateStatement(stmt)
	if got, err := script.Split(dialectName, text, 1); err == nil && len(got) == 1 && got[0].SQL == stmt {
		return text, nil
	}
	wrapped := "-- retort:statement-begin\n" + stmt + "\n-- retort:statement-end"
	if got, err := script.Split(dialectName, wrapped, 1); err == nil && len(got) == 1 && got[0].SQL == stmt {
		return wrapped, nil
	}
	return "", fmt.Errorf("statement %q cannot be written so that retort's lexer reads it back whole", stmtHead(stmt))
}

func stmtHead(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// checkBody parses body behind a header and compares each section's
// statements with those rendered: what RenderSQL returns runs as written.
func checkBody(body string, names []string, want map[string][2][]string) error {
	s, err := script.Parse("(rendered revision)", []byte("-- retort:revision x\n\n"+body))
	if err != nil {
		return fmt.Errorf("the rendered script does not parse: %w", err)
	}
	for _, name := range names {
		for i, dir := range directions {
			got, err := s.Statements(name, dir)
			if err != nil {
				return fmt.Errorf("the rendered script does not split: %w", err)
			}
			var texts []string
			for _, g := range got {
				texts = append(texts, g.SQL)
			}
			exp := want[name][i]
			if !slices.Equal(texts, exp) {
				return fmt.Errorf("the rendered %s %s section splits into %d statements, not the %d rendered", name, dir, len(texts), len(exp))
			}
		}
	}
	return nil
}
