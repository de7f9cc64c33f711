package postgres_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

func itemsTable() *schema.Table {
	return schema.NewTable("items",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("owner_id", schema.Integer()),
		schema.Col("name", schema.String(32), schema.NotNull()),
		schema.Col("score", schema.Integer()),
		schema.Col("note", schema.String(64)),
		schema.Col("kind", schema.String(8)),
		schema.IndexOn("ix_items_name", "name"),
	)
}

// TestOperationsRoundTrip runs each operation on a live table, checks the
// inspected result, runs the reverse operation and checks that the table
// inspects exactly as before, rows included.
func TestOperationsRoundTrip(t *testing.T) {
	db := pg(t)
	run(t, db,
		&op.CreateTable{Table: parentTable()},
		&op.CreateTable{Table: itemsTable()},
		&op.BulkInsert{Table: "parent", Columns: []string{"code", "alt"}, Rows: [][]any{{"a", 1}, {"b", 2}}},
		&op.BulkInsert{Table: "items", Columns: []string{"owner_id", "name", "score", "note", "kind"}, Rows: [][]any{
			{1, "one", 10, "it's", "a"}, {2, "two", 20, nil, "b"}, {1, "three", nil, `back\slash`, "a"}}},
	)
	original := inspectTable(t, db, "items")
	rows := func() string {
		return strings.Join(testdb.Strings(t, db, `SELECT concat_ws('|', id, owner_id, name, score, note, kind) FROM items ORDER BY id`), "\n")
	}
	originalRows := rows()
	if originalRows != "1|1|one|10|it's|a\n2|2|two|20|b\n3|1|three|back\\slash|a" {
		t.Fatalf("rows as inserted:\n%s", originalRows)
	}

	cases := []struct {
		name    string
		forward []op.Op
		want    func(tb *schema.Table) // edits the original into what forward makes
		reverse []op.Op
	}{
		{
			name: "add and drop column",
			forward: []op.Op{&op.AddColumn{Table: "items", Column: schema.NewColumn("state", schema.String(16), schema.NotNull(),
				schema.Default("'new'"), schema.Comment("where it is"))}},
			want: func(tb *schema.Table) {
				tb.Columns = append(tb.Columns, &schema.Column{Name: "state", Type: schema.String(16), Default: "'new'::character varying", Comment: "where it is"})
			},
			reverse: []op.Op{&op.DropColumn{Table: "items", Column: "state"}},
		},
		{
			name:    "add identity column",
			forward: []op.Op{&op.AddColumn{Table: "items", Column: schema.NewColumn("n", schema.BigInt(), schema.NotNull(), schema.AutoIncrement())}},
			want: func(tb *schema.Table) {
				tb.Columns = append(tb.Columns, &schema.Column{Name: "n", Type: schema.BigInt(), AutoIncrement: true})
			},
			reverse: []op.Op{&op.DropColumn{Table: "items", Column: "n"}},
		},
		{
			name:    "rename column",
			forward: []op.Op{&op.AlterColumn{Table: "items", Column: "note", Rename: "remark"}},
			want:    func(tb *schema.Table) { tb.Column("note").Name = "remark" },
			reverse: []op.Op{&op.AlterColumn{Table: "items", Column: "remark", Rename: "note"}},
		},
		{
			name: "alter everything at once",
			forward: []op.Op{&op.AlterColumn{Table: "items", Column: "owner_id", Rename: "owner", Type: op.TypePtr(schema.BigInt()),
				Nullable: op.Bool(false), Default: op.Str("7"), Comment: op.Str("who has it")}},
			want: func(tb *schema.Table) {
				c := tb.Column("owner_id")
				c.Name, c.Type, c.Nullable, c.Default, c.Comment = "owner", schema.BigInt(), false, "7", "who has it"
			},
			reverse: []op.Op{&op.AlterColumn{Table: "items", Column: "owner", Rename: "owner_id", Type: op.TypePtr(schema.Integer()),
				Nullable: op.Bool(true), Default: op.Str(""), Comment: op.Str("")}},
		},
		{
			name:    "alter type",
			forward: []op.Op{&op.AlterColumn{Table: "items", Column: "name", Type: op.TypePtr(schema.Text())}},
			want:    func(tb *schema.Table) { tb.Column("name").Type = schema.Text() },
			reverse: []op.Op{&op.AlterColumn{Table: "items", Column: "name", Type: op.TypePtr(schema.String(32))}},
		},
		{
			name: "alter type to an enum and back",
			forward: []op.Op{&op.AlterColumn{Table: "items", Column: "kind",
				Type: op.TypePtr(schema.Type{Kind: schema.KindEnum, Name: "item_kind", Values: []string{"a", "b"}})}},
			want: func(tb *schema.Table) {
				tb.Column("kind").Type = schema.Type{Kind: schema.KindEnum, Name: "item_kind", Values: []string{"a", "b"}}
			},
			// Going back, the column leaves the type and the type, used by
			// no other column, goes with it: adding the enum again works.
			reverse: []op.Op{&op.AlterColumn{Table: "items", Column: "kind", Type: op.TypePtr(schema.String(8))},
				&op.AlterColumn{Table: "items", Column: "kind", Type: op.TypePtr(schema.Type{Kind: schema.KindEnum, Name: "item_kind", Values: []string{"a", "b"}})},
				&op.AlterColumn{Table: "items", Column: "kind", Type: op.TypePtr(schema.String(8))},
				&op.Execute{SQL: `DO $$ BEGIN IF to_regtype('item_kind') IS NOT NULL THEN RAISE 'item_kind is left behind'; END IF; END $$`}},
		},
		{
			name:    "table comment",
			forward: []op.Op{&op.SetTableComment{Table: "items", Comment: "things people own"}},
			want:    func(tb *schema.Table) { tb.Comment = "things people own" },
			reverse: []op.Op{&op.SetTableComment{Table: "items"}},
		},
		{
			name: "indexes",
			forward: []op.Op{
				&op.CreateIndex{Table: "items", Index: &schema.Index{Name: "ix_items_score", Columns: []string{"score", "name"}}},
				&op.CreateIndex{Table: "items", Index: &schema.Index{Name: "ux_items_named", Columns: []string{"name"}, Unique: true, Where: "note IS NOT NULL"}},
			},
			want: func(tb *schema.Table) {
				tb.Indexes = []*schema.Index{tb.Indexes[0],
					{Name: "ix_items_score", Columns: []string{"score", "name"}},
					{Name: "ux_items_named", Columns: []string{"name"}, Unique: true, Where: "note IS NOT NULL"}}
			},
			reverse: []op.Op{&op.DropIndex{Table: "items", Name: "ix_items_score"}, &op.DropIndex{Table: "items", Name: "ux_items_named"}},
		},
		{
			name: "constraints",
			forward: []op.Op{
				&op.AddUnique{Table: "items", Constraint: &schema.UniqueConstraint{Name: "uq_items_name_score", Columns: []string{"name", "score"}}},
				&op.AddForeignKey{Table: "items", Constraint: &schema.ForeignKeyConstraint{Name: "fk_items_owner", Columns: []string{"owner_id"},
					RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "SET NULL", OnUpdate: "RESTRICT"}},
				&op.AddCheck{Table: "items", Constraint: &schema.CheckConstraint{Name: "ck_items_score", Expr: "score >= 0 AND score < 100"}},
			},
			want: func(tb *schema.Table) {
				tb.Uniques = []*schema.UniqueConstraint{{Name: "uq_items_name_score", Columns: []string{"name", "score"}}}
				tb.ForeignKeys = []*schema.ForeignKeyConstraint{{Name: "fk_items_owner", Columns: []string{"owner_id"},
					RefTable: "parent", RefColumns: []string{"id"}, OnDelete: "SET NULL", OnUpdate: "RESTRICT"}}
				tb.Checks = []*schema.CheckConstraint{{Name: "ck_items_score", Expr: "(score >= 0) AND (score < 100)"}}
			},
			reverse: []op.Op{
				&op.DropConstraint{Table: "items", Name: "ck_items_score", Kind: op.Check},
				&op.DropConstraint{Table: "items", Name: "fk_items_owner", Kind: op.ForeignKey},
				&op.DropConstraint{Table: "items", Name: "uq_items_name_score", Kind: op.Unique},
			},
		},
		{
			name: "primary key",
			forward: []op.Op{&op.DropConstraint{Table: "items", Name: "items_pkey", Kind: op.PrimaryKey},
				&op.AddPrimaryKey{Table: "items", Key: &schema.PrimaryKeyConstraint{Name: "pk_items", Columns: []string{"id", "name"}}}},
			want: func(tb *schema.Table) {
				tb.PrimaryKey = &schema.PrimaryKeyConstraint{Name: "pk_items", Columns: []string{"id", "name"}}
			},
			reverse: []op.Op{&op.DropConstraint{Table: "items", Name: "pk_items", Kind: op.PrimaryKey},
				&op.AddPrimaryKey{Table: "items", Key: &schema.PrimaryKeyConstraint{Columns: []string{"id"}}}},
		},
		{
			name:    "rename table",
			forward: []op.Op{&op.RenameTable{Old: "items", New: "things"}},
			reverse: []op.Op{&op.RenameTable{Old: "things", New: "items"}},
		},
		{
			name:    "execute",
			forward: []op.Op{&op.Execute{SQL: "UPDATE items SET score = 99 WHERE name = 'two'"}},
			reverse: []op.Op{&op.Execute{SQL: "UPDATE items SET score = 20 WHERE name = 'two'"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run(t, db, c.forward...)
			if c.want != nil {
				want := original.Clone()
				c.want(want)
				if got := inspectTable(t, db, "items"); !reflect.DeepEqual(got, want) {
					t.Errorf("after %s items inspects as\n%s\nwant\n%s", c.name, dump(got), dump(want))
				}
			}
			run(t, db, c.reverse...)
			if got := inspectTable(t, db, "items"); !reflect.DeepEqual(got, original) {
				t.Errorf("after %s and back items inspects as\n%s\nwant\n%s", c.name, dump(got), dump(original))
			}
			if got := rows(); got != originalRows {
				t.Errorf("rows after %s and back:\n%s\nwant\n%s", c.name, got, originalRows)
			}
		})
	}

	t.Run("rename table keeps rows", func(t *testing.T) {
		run(t, db, &op.RenameTable{Old: "items", New: "things"})
		if inspect(t, db, "items").Table("items") != nil || inspectTable(t, db, "things") == nil {
			t.Error("items not renamed to things")
		}
		if n := testdb.Strings(t, db, "SELECT count(*)::text FROM things"); n[0] != "3" {
			t.Errorf("things has %s rows", n[0])
		}
		run(t, db, &op.RenameTable{Old: "things", New: "items"})
	})
	t.Run("constraints hold", func(t *testing.T) {
		run(t, db, &op.AddCheck{Table: "items", Constraint: &schema.CheckConstraint{Name: "ck_items_score", Expr: "score >= 0"}})
		if try(db, &op.BulkInsert{Table: "items", Columns: []string{"name", "score"}, Rows: [][]any{{"neg", -1}}}) == nil {
			t.Error("a negative score was accepted")
		}
		run(t, db, &op.DropConstraint{Table: "items", Name: "ck_items_score", Kind: op.Check})
	})
}

// TestEnumTypes follows enum types through their life: created with the
// table, shared by name, reused when they exist, dropped with the last
// table that uses them.
func TestEnumTypes(t *testing.T) {
	ctx := context.Background()
	db := pg(t)
	enums := func() string {
		return strings.Join(testdb.Strings(t, db, `SELECT t.typname || '(' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) || ')'
			FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`), " ")
	}
	mood := schema.Type{Kind: schema.KindEnum, Name: "mood", Values: []string{"sad", "ok", "happy"}}
	a := schema.NewTable("a", schema.Col("id", schema.Integer(), schema.PrimaryKey()),
		schema.Col("mood", mood), schema.Col("state", schema.Enum("new", "done")), schema.IndexOn("ix_a_state", "state"))
	b := schema.NewTable("b", schema.Col("mood", mood), schema.Col("again", mood))
	run(t, db, &op.CreateTable{Table: a}, &op.CreateTable{Table: b})
	if got := enums(); got != "a_state(new,done) mood(sad,ok,happy)" {
		t.Fatalf("enum types after creating a and b: %s", got)
	}
	// b found mood in place: no second CREATE TYPE, and both columns use it.
	if c := inspectTable(t, db, "b").Column("again"); !c.Type.Equal(mood) {
		t.Errorf("b.again is %s", c.Type)
	}

	// A type of that name with other values is refused, not reused.
	other := schema.NewTable("c", schema.Col("mood", schema.Type{Kind: schema.KindEnum, Name: "mood", Values: []string{"sad", "ok"}}))
	_, err := postgres.Dialect{}.Render(ctx, db, &op.CreateTable{Table: other})
	if err == nil || !strings.Contains(err.Error(), "enum type mood exists with values ('sad', 'ok', 'happy'), not ('sad', 'ok')") {
		t.Errorf("creating c with another mood: %v", err)
	}

	// AddColumn creates <table>_<column>.
	run(t, db, &op.AddColumn{Table: "b", Column: schema.NewColumn("size", schema.Enum("s", "m", "l"), schema.Default("'m'"))})
	if c := inspectTable(t, db, "b").Column("size"); c.Type.Name != "b_size" || c.Default != "'m'::b_size" {
		t.Errorf("b.size: %+v", c)
	}

	// Dropping a drops a_state (only a used it; its index is a's own) but
	// keeps mood, which b still uses.
	stmts, err := postgres.Dialect{}.Render(ctx, db, &op.DropTable{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stmts, "; "); got != `DROP TABLE "a"; DROP TYPE "a_state"` {
		t.Errorf("DropTable a renders %s", got)
	}
	run(t, db, &op.DropTable{Name: "a"})
	if got := enums(); got != "b_size(s,m,l) mood(sad,ok,happy)" {
		t.Errorf("enum types after dropping a: %s", got)
	}
	run(t, db, &op.DropTable{Name: "b", Table: b})
	if got := enums(); got != "" {
		t.Errorf("enum types after dropping b: %s", got)
	}
}

// TestSerialAndIdentity: identity columns and serial's nextval default
// both inspect as AutoIncrement with no default.
func TestSerialAndIdentity(t *testing.T) {
	db := pg(t)
	for _, s := range []string{
		`CREATE TABLE s (a serial PRIMARY KEY, b bigserial, c int GENERATED ALWAYS AS IDENTITY, d int DEFAULT 3, e int GENERATED ALWAYS AS (d * 2) STORED)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	tb := inspectTable(t, db, "s")
	var got []string
	for _, c := range tb.Columns {
		got = append(got, c.Name+" "+c.Type.String()+" auto="+map[bool]string{true: "yes", false: "no"}[c.AutoIncrement]+" default="+c.Default)
	}
	want := []string{"a integer auto=yes default=", "b bigint auto=yes default=", "c integer auto=yes default=",
		"d integer auto=no default=3", "e integer auto=no default="}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBulkInsertValues: every kind of Go value reads back as written.
func TestBulkInsertValues(t *testing.T) {
	db := pg(t)
	run(t, db, &op.CreateTable{Table: schema.NewTable("v",
		schema.Col("n", schema.Integer(), schema.PrimaryKey()),
		schema.Col("b", schema.Boolean()), schema.Col("i", schema.BigInt()), schema.Col("f", schema.Float()),
		schema.Col("s", schema.Text()), schema.Col("raw", schema.Binary(0)),
		schema.Col("at", schema.DateTime()), schema.Col("tz", schema.DateTimeTZ()))})
	at := time.Date(2026, 11, 22, 10, 15, 0, 123456000, time.FixedZone("", -5*3600))
	rows := [][]any{
		{1, true, int64(-9007199254740993), 0.1, "it's a \\ back'slash", []byte{0, 1, 0xff}, at, at},
		{2, false, uint32(4000000000), 1e300, "", []byte{}, nil, nil},
		{3, nil, nil, nil, nil, nil, nil, nil},
	}
	run(t, db, &op.BulkInsert{Table: "v", Columns: []string{"n", "b", "i", "f", "s", "raw", "at", "tz"}, Rows: rows})
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET timezone = 'UTC'`); err != nil {
		t.Fatal(err)
	}
	// concat_ws leaves out NULLs; the final '' marks the end.
	got := testdb.Strings(t, conn, `SELECT concat_ws('|', n, b, i, f, s, encode(raw, 'hex'), at, tz, '') FROM v ORDER BY n`)
	want := []string{
		`1|t|-9007199254740993|0.1|it's a \ back'slash|0001ff|2026-11-22 10:15:00.123456|2026-11-22 15:15:00.123456+00|`,
		`2|f|4000000000|1e+300|||`,
		`3|`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows read back:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// countingQuerier counts the queries Inspect makes.
type countingQuerier struct {
	dialect.Querier
	n atomic.Int64
}

func (c *countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.Querier.QueryContext(ctx, query, args...)
}

func (c *countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.Querier.QueryRowContext(ctx, query, args...)
}

// TestInspectQueryCount: one table or forty, Inspect makes the same
// number of queries.
func TestInspectQueryCount(t *testing.T) {
	db := pg(t)
	count := func(names ...string) int64 {
		q := &countingQuerier{Querier: db}
		inspect(t, q, names...)
		return q.n.Load()
	}
	run(t, db, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()})
	one := count("rich")
	var ops []op.Op
	for i := range 40 {
		tb := richTable()
		tb.Name = "rich" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		tb.Columns[15].Type.Name = "" // each its own mood type
		tb.PrimaryKey.Name, tb.Uniques[0].Name, tb.ForeignKeys[1].Name, tb.Checks[0].Name = "", "", "", ""
		tb.ForeignKeys[0].Name, tb.ForeignKeys[1].RefTable = "", tb.Name
		tb.Indexes[0].Name, tb.Indexes[1].Name = "", ""
		ops = append(ops, &op.CreateTable{Table: tb})
	}
	run(t, db, ops...)
	all := count()
	if s := inspect(t, db); len(s.Tables) != 42 {
		t.Fatalf("%d tables inspected, want 42", len(s.Tables))
	}
	if one != all || all != 4 {
		t.Errorf("inspecting 1 table made %d queries, 42 tables %d: want 4 each time", one, all)
	}
	if n := count("nosuch"); n != 1 {
		t.Errorf("inspecting no table made %d queries, want 1", n)
	}
}

// TestInspectCurrentSchema: Inspect reads the connection's
// current_schema(), the first schema of its search_path.
func TestInspectCurrentSchema(t *testing.T) {
	ctx := context.Background()
	db := pg(t)
	for _, s := range []string{`CREATE TABLE pub (id int)`, `CREATE SCHEMA app`, `CREATE TABLE app.own (id int, pub_id int)`} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET search_path = app, public`); err != nil {
		t.Fatal(err)
	}
	s := inspect(t, conn)
	if len(s.Tables) != 1 || s.Tables[0].Name != "own" || len(s.Tables[0].Columns) != 2 {
		t.Errorf("in schema app Inspect finds %d tables: %+v", len(s.Tables), s.Tables)
	}
	if s := inspect(t, db); len(s.Tables) != 1 || s.Tables[0].Name != "pub" {
		t.Errorf("in schema public Inspect finds %+v", s.Tables)
	}
}

// TestCreateTableSchema: a table declared with a schema is created there,
// with its enum types.
func TestCreateTableSchema(t *testing.T) {
	db := pg(t)
	if _, err := db.Exec(`CREATE SCHEMA app`); err != nil {
		t.Fatal(err)
	}
	tb := schema.NewTable("t", schema.Col("id", schema.Integer(), schema.PrimaryKey()), schema.Col("e", schema.Enum("x", "y")),
		schema.IndexOn("ix_t_e", "e"), schema.TableComment("in app"))
	tb.Schema = "app"
	run(t, db, &op.CreateTable{Table: tb})
	got := testdb.Strings(t, db, `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relname IN ('t', 't_e', 'ix_t_e', 't_pkey') UNION ALL SELECT n.nspname || '.' || t.typname FROM pg_type t
		JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 't_e' ORDER BY 1`)
	if strings.Join(got, " ") != "app.ix_t_e:i app.t:r app.t_e app.t_pkey:i" {
		t.Errorf("objects: %v", got)
	}
	run(t, db, &op.DropTable{Name: "t", Table: tb})
	if got := testdb.Strings(t, db, `SELECT typname::text FROM pg_type WHERE typname = 't_e'`); len(got) != 0 {
		t.Errorf("type t_e left behind: %v", got)
	}
}

// TestInspectOddities: what the model has no words for still inspects to
// something sensible, and what is not a table is left out.
func TestInspectOddities(t *testing.T) {
	db := pg(t)
	for _, s := range []string{
		`CREATE TYPE nothing AS ENUM ()`,
		`CREATE TABLE odd (name text, r int4range, e nothing, EXCLUDE USING gist (r WITH &&))`,
		`CREATE INDEX ix_odd_lower ON odd (lower(name) DESC, name)`,
		`CREATE VIEW v AS SELECT name FROM odd`,
		`CREATE TABLE part (id int, at date) PARTITION BY RANGE (at)`,
		`CREATE TABLE part_2026 PARTITION OF part FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	s := inspect(t, db)
	var names []string
	for _, tb := range s.Tables {
		names = append(names, tb.Name)
	}
	if strings.Join(names, " ") != "odd part" {
		t.Errorf("tables: %v, want odd and part (no view, no partition)", names)
	}
	odd := s.Table("odd")
	if odd == nil {
		t.Fatal("no table odd")
	}
	want := []*schema.Index{{Name: "ix_odd_lower", Columns: []string{"lower(name)", "name"}}}
	if !reflect.DeepEqual(odd.Indexes, want) {
		t.Errorf("odd's indexes (the exclusion constraint's is its own): %s", dump(odd))
	}
	if c := odd.Column("r"); !c.Type.Equal(schema.Raw("", "postgresql", "int4range")) {
		t.Errorf("r is %s", c.Type)
	}
	if c := odd.Column("e"); c.Type.Kind != schema.KindEnum || c.Type.Name != "nothing" || c.Type.Values != nil {
		t.Errorf("e is %+v", c.Type)
	}
}
