package autogen

import (
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/dialect/mysql"
	"github.com/retort-sql/retort/dialect/postgres"
	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/internal/testdb"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
	"github.com/retort-sql/retort/script"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to write it)", err, t.Name())
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from what was rendered (go test -update rewrites it); got:\n%s", path, got)
	}
}

// renderCurrent is the database before the revision: users, their posts,
// and a legacy table the revision drops.
func renderCurrent() *schema.Schema {
	return schema.NewSchema(
		schema.NewTable("posts",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("user_id", schema.Integer(), schema.NotNull(), schema.References("users", "id", schema.OnDelete("CASCADE"))),
			schema.Col("title", schema.String(200), schema.NotNull()),
			schema.Col("body", schema.Text()),
			schema.IndexOn("ix_posts_user_id", "user_id"),
		),
		schema.NewTable("users",
			schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
			schema.Col("name", schema.String(64), schema.NotNull()),
			schema.Col("email", schema.String(255)),
			schema.Col("created_at", schema.DateTime()),
		),
		schema.NewTable("legacy_audit",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("what", schema.String(100), schema.NotNull(), schema.Default("'none'")),
		),
	)
}

func snapshotsTable() *schema.Table {
	return schema.NewTable("database_snapshots",
		schema.Col("created_at", schema.DateTime()),
		schema.Col("updated_at", schema.DateTime()),
		schema.Col("deleted_at", schema.DateTime()),
		schema.Col("deleted", schema.Boolean()),
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("uuid", schema.String(36), schema.NotNull()),
		schema.Col("user_id", schema.Integer(), schema.References("users", "id")),
		schema.Col("size", schema.BigInt(), schema.NotNull(), schema.Default("0")),
		schema.Col("state", schema.Enum("pending", "done"), schema.Comment("where the snapshot is")),
		schema.UniqueIndexOn("uuid_ux", "uuid"),
		schema.IndexOn("ix_database_snapshots_user_id", "user_id"),
		schema.CheckOn("ck_database_snapshots_size", "size >= 0"),
		schema.TableComment("snapshots of a database"),
	)
}

// renderSteps is a representative revision: every kind of change
// autogenerate makes, with the context its Down needs, as Plan orders it.
func renderSteps() (up, down []Step) {
	cur := renderCurrent()
	users, posts, legacy := cur.Table("users"), cur.Table("posts"), cur.Table("legacy_audit")
	name := *users.Column("name")
	title := *posts.Column("title")
	email := *users.Column("email")
	name128, titleNull, emailDefault := name, title, email
	name128.Type = schema.String(128)
	titleNull.Nullable = true
	emailDefault.Default = "''"

	up = []Step{
		{Op: &op.CreateTable{Table: snapshotsTable()}},
		{Op: &op.AddColumn{Table: "users", Column: schema.NewColumn("state", schema.String(32))}},
		{Op: &op.AlterColumn{Table: "users", Column: "name", Type: op.TypePtr(schema.String(128)), Existing: &name}},
		{Op: &op.AlterColumn{Table: "users", Column: "email", Default: op.Str("''"), Existing: &email}},
		{Op: &op.AlterColumn{Table: "posts", Column: "title", Nullable: op.Bool(true), Existing: &title}},
		{Op: &op.DropColumn{Table: "posts", Column: "body"}, Note: "posts.body dropped and posts.content added, both text:\nmay be a rename of column body to content"},
		{Op: &op.AddColumn{Table: "posts", Column: schema.NewColumn("content", schema.Text())}},
		{Op: &op.AddColumn{Table: "posts", Column: schema.NewColumn("editor_id", schema.Integer())}},
		{Op: &op.AddForeignKey{Table: "posts", Constraint: &schema.ForeignKeyConstraint{Name: "fk_posts_editor_id_users",
			Columns: []string{"editor_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: "SET NULL"}}},
		{Op: &op.CreateIndex{Table: "posts", Index: &schema.Index{Name: "ix_posts_title", Columns: []string{"title"}}}},
		{Op: &op.AddUnique{Table: "users", Constraint: &schema.UniqueConstraint{Name: "uq_users_email", Columns: []string{"email"}}}},
		{Op: &op.AddCheck{Table: "users", Constraint: &schema.CheckConstraint{Name: "ck_users_state", Expr: "state IN ('active', 'gone')"}}},
		{Op: &op.SetTableComment{Table: "users", Comment: "people who post"}},
		{Op: &op.DropTable{Name: "legacy_audit", Table: legacy}},
	}
	down = []Step{
		{Op: &op.CreateTable{Table: legacy}},
		{Op: &op.SetTableComment{Table: "users", Comment: ""}},
		{Op: &op.DropConstraint{Table: "users", Name: "ck_users_state", Kind: op.Check}},
		{Op: &op.DropConstraint{Table: "users", Name: "uq_users_email", Kind: op.Unique}},
		{Op: &op.DropIndex{Table: "posts", Name: "ix_posts_title"}},
		{Op: &op.DropConstraint{Table: "posts", Name: "fk_posts_editor_id_users", Kind: op.ForeignKey}},
		{Op: &op.DropColumn{Table: "posts", Column: "editor_id"}},
		{Op: &op.DropColumn{Table: "posts", Column: "content"}},
		{Op: &op.AddColumn{Table: "posts", Column: schema.NewColumn("body", schema.Text())}, Note: "posts.body dropped and posts.content added, both text:\nmay be a rename of column body to content"},
		{Op: &op.AlterColumn{Table: "posts", Column: "title", Nullable: op.Bool(false), Existing: &titleNull}},
		{Op: &op.AlterColumn{Table: "users", Column: "email", Default: op.Str(""), Existing: &emailDefault}},
		{Op: &op.AlterColumn{Table: "users", Column: "name", Type: op.TypePtr(schema.String(64)), Existing: &name128}},
		{Op: &op.DropColumn{Table: "users", Column: "state"}},
		{Op: &op.DropTable{Name: "database_snapshots", Table: snapshotsTable()}},
	}
	return up, down
}

var renderDialects = []string{"sqlite", "postgresql", "mysql"}

func TestRenderSQLGolden(t *testing.T) {
	ctx := context.Background()
	up, down := renderSteps()
	for _, d := range renderDialects {
		t.Run(d, func(t *testing.T) {
			body, err := RenderSQL(ctx, []string{d}, renderCurrent(), up, down)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "render_sql_"+d+".sql", []byte(body))
		})
	}
	t.Run("all", func(t *testing.T) {
		body, err := RenderSQL(ctx, renderDialects, renderCurrent(), up, down)
		if err != nil {
			t.Fatal(err)
		}
		// The dialects' sections are the single-dialect bodies with their
		// markers named.
		var want strings.Builder
		for i, d := range renderDialects {
			one, err := RenderSQL(ctx, []string{d}, renderCurrent(), up, down)
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 {
				want.WriteString("\n")
			}
			one = strings.Replace(one, "-- retort:upgrade\n", "-- retort:upgrade dialect="+d+"\n", 1)
			want.WriteString(strings.Replace(one, "-- retort:downgrade\n", "-- retort:downgrade dialect="+d+"\n", 1))
		}
		if body != want.String() {
			t.Errorf("three-dialect body:\n%s\nwant:\n%s", body, want.String())
		}
	})
}

func TestRenderSQLEmpty(t *testing.T) {
	body, err := RenderSQL(context.Background(), []string{"postgres", "sqlite"}, renderCurrent(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render_sql_empty.sql", []byte(body))
	s := parseBody(t, body)
	for _, d := range []string{"postgresql", "sqlite"} {
		for _, dir := range directions {
			if got := statements(t, s, d, dir); len(got) != 0 {
				t.Errorf("%s %s: %q, want no statements", d, dir, got)
			}
		}
	}
	// MySQL has no section of its own, and the script has no plain one:
	// an empty revision on a dialect not asked for runs nothing.
	if got := statements(t, s, "mysql", graph.Up); len(got) != 0 {
		t.Errorf("mysql: %q", got)
	}
}

func TestRenderSQLErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		dialects []string
		up       []Step
		want     string
	}{
		{"no dialect", nil, nil, "no dialect given"},
		{"unknown dialect", []string{"oracle"}, nil, `unknown dialect "oracle"`},
		{"nil op", []string{"postgresql"}, []Step{{}}, "step 1 has no operation"},
		// MySQL restates the column: without Existing it cannot.
		{"mysql alter without existing", []string{"mysql"},
			[]Step{{Op: &op.AlterColumn{Table: "users", Column: "name", Nullable: op.Bool(true)}}}, "give Existing"},
		// A rebuild of a table that is not there fails as it would online.
		{"sqlite unknown table", []string{"sqlite"},
			[]Step{{Op: &op.DropColumn{Table: "nope", Column: "x"}}}, "table nope does not exist"},
		// Rendered SQL that fails on the scratch database is refused.
		{"sqlite failing statement", []string{"sqlite"},
			[]Step{{Op: &op.CreateIndex{Table: "nope", Index: &schema.Index{Name: "ix", Columns: []string{"id"}}}}}, "no such table: main.nope"},
		{"directive in a statement", []string{"postgresql"},
			[]Step{{Op: &op.Execute{SQL: "SELECT 1\n-- retort:downgrade\n"}}}, "reads as a retort directive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RenderSQL(ctx, tc.dialects, renderCurrent(), tc.up, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// A step that renders to nothing on a dialect is said, not silently left
// out; a note that looks like a directive stays a comment; a statement the
// lexer cannot split is wrapped.
func TestRenderSQLCommentsAndWrapping(t *testing.T) {
	ctx := context.Background()
	trigger := "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN\n" +
		"\tUPDATE users SET created_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND"
	// A DO block with a dollar body holding ';' on PostgreSQL.
	doBlock := "DO $body$ BEGIN PERFORM 1; PERFORM 2; END $body$"
	// A statement whose last line is a comment: the ';' must not be
	// swallowed by it.
	commented := "SELECT 1 -- one"
	// A body the lexer would split at its ';' (no CREATE TRIGGER before
	// it): wrapped in statement-begin/-end.
	split := "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END"
	cases := map[string][]Step{
		"sqlite": {
			{Op: &op.SetTableComment{Table: "users", Comment: "x"}, Note: "retort:downgrade is not a directive here"},
			{Op: &op.Execute{SQL: trigger}},
			{Op: &op.Execute{SQL: commented}},
		},
		"postgresql": {{Op: &op.Execute{SQL: doBlock}}, {Op: &op.Execute{SQL: commented}}},
		"mysql":      {{Op: &op.Execute{SQL: split}}},
	}
	for d, up := range cases {
		t.Run(d, func(t *testing.T) {
			body, err := RenderSQL(ctx, []string{d}, renderCurrent(), up, nil)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "render_sql_wrapping_"+d+".sql", []byte(body))
			s := parseBody(t, body)
			var want []string
			for _, st := range up {
				if x, ok := st.Op.(*op.Execute); ok {
					want = append(want, x.SQL)
				}
			}
			if got := statements(t, s, d, graph.Up); !slices.Equal(got, want) {
				t.Errorf("statements %q, want %q", got, want)
			}
		})
	}
}

func parseBody(t *testing.T, body string) *script.Script {
	t.Helper()
	s, err := script.Parse("rendered.sql", []byte("-- retort:revision abc123\n-- retort:revises\n-- retort:message rendered\n\n"+body))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return s
}

func statements(t *testing.T, s *script.Script, d string, dir graph.Direction) []string {
	t.Helper()
	st, err := s.Statements(d, dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range st {
		out = append(out, x.SQL)
	}
	return out
}

// TestRenderSQLParses puts each body behind a header, parses it with the
// script package and checks that each dialect's sections split into the
// statements its renderer gives for the steps (rendered here on their own:
// offline for the servers, on a live SQLite file for SQLite).
func TestRenderSQLParses(t *testing.T) {
	ctx := context.Background()
	up, down := renderSteps()
	body, err := RenderSQL(ctx, renderDialects, renderCurrent(), up, down)
	if err != nil {
		t.Fatal(err)
	}
	s := parseBody(t, body)
	if n := len(s.Sections()); n != 6 {
		t.Fatalf("%d sections, want 6", n)
	}
	for _, d := range []string{"postgresql", "mysql"} {
		var r op.Renderer = postgres.Dialect{}
		if d == "mysql" {
			r = mysql.Dialect{}
		}
		for i, steps := range [][]Step{up, down} {
			var want []string
			for _, st := range steps {
				stmts, err := r.Render(ctx, nil, st.Op)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, stmts...)
			}
			if got := statements(t, s, d, directions[i]); !slices.Equal(got, want) {
				t.Errorf("%s %s:\n got %q\nwant %q", d, directions[i], got, want)
			}
		}
	}
	// SQLite: the same steps run online, through op.Operations on a file,
	// issue the statements written.
	db := openDB(t, testdb.SQLite(t))
	createCurrent(t, db, renderCurrent())
	for i, steps := range [][]Step{up, down} {
		var issued []string
		runOps(t, db, steps, func(stmt string) { issued = append(issued, stmt) })
		if got := statements(t, s, "sqlite", directions[i]); !slices.Equal(got, issued) {
			t.Errorf("sqlite %s:\n got %q\nwant %q", directions[i], got, issued)
		}
	}
}

// TestRenderSQLRuns runs each dialect's rendered upgrade and downgrade on a
// real database holding the current schema and some rows: the upgrade
// leaves the schema the same steps leave when run online, the rows are
// kept, and the downgrade brings back the schema as first inspected.
func TestRenderSQLRuns(t *testing.T) {
	ctx := context.Background()
	up, down := renderSteps()
	for _, tc := range []struct {
		dialect string
		url     func(testing.TB) string
	}{
		{"sqlite", testdb.SQLite},
		{"postgresql", testdb.Postgres},
		{"mysql", testdb.MySQL},
	} {
		t.Run(tc.dialect, func(t *testing.T) {
			body, err := RenderSQL(ctx, []string{tc.dialect}, renderCurrent(), up, down)
			if err != nil {
				t.Fatal(err)
			}
			s := parseBody(t, body)

			db := openDB(t, tc.url(t))
			createCurrent(t, db, renderCurrent())
			db.exec(t, "INSERT INTO users (id, name, email) VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', NULL)")
			db.exec(t, "INSERT INTO posts (id, user_id, title, body) VALUES (10, 1, 'hello', 'first post'), (11, 2, 'again', NULL)")
			before := db.inspect(t)

			db.runScript(t, statements(t, s, tc.dialect, graph.Up))
			afterScript := db.inspect(t)

			// What the revision was for, read from the database.
			users := afterScript.Table("users")
			if users == nil || users.Column("state") == nil || !users.Column("name").Type.Equal(schema.String(128)) {
				t.Fatalf("users after the upgrade: %+v", users)
			}
			if afterScript.Table("legacy_audit") != nil || afterScript.Table("database_snapshots") == nil {
				t.Fatalf("tables after the upgrade: %v", tableNames(afterScript))
			}
			posts := afterScript.Table("posts")
			if posts.Column("body") != nil || posts.Column("content") == nil || !posts.Column("title").Nullable ||
				posts.ForeignKey("fk_posts_editor_id_users") == nil || posts.Index("ix_posts_title") == nil {
				t.Fatalf("posts after the upgrade: %+v", posts)
			}
			if got := testdb.Strings(t, db.conn, "SELECT name FROM users ORDER BY id"); !slices.Equal(got, []string{"ann", "bob"}) {
				t.Errorf("users after the upgrade: %q", got)
			}
			if got := testdb.Strings(t, db.conn, "SELECT title FROM posts ORDER BY id"); !slices.Equal(got, []string{"hello", "again"}) {
				t.Errorf("posts after the upgrade: %q", got)
			}

			db.runScript(t, statements(t, s, tc.dialect, graph.Down))
			if got := db.inspect(t); !reflect.DeepEqual(got, before) {
				t.Errorf("after the downgrade the schema is not as before:\n got %s\nwant %s", dump(got), dump(before))
			}
			// Another query text: pgx would otherwise reuse the plan
			// prepared while name was VARCHAR(128).
			if got := testdb.Strings(t, db.conn, "SELECT name AS n FROM users ORDER BY id"); !slices.Equal(got, []string{"ann", "bob"}) {
				t.Errorf("users after the downgrade: %q", got)
			}

			// The same steps run online leave the same schema as the script.
			runOps(t, db, up, nil)
			if online := db.inspect(t); !reflect.DeepEqual(online, afterScript) {
				t.Errorf("the script's upgrade differs from the operations run online:\nscript %s\nonline %s", dump(afterScript), dump(online))
			}
		})
	}
}

// testDB is one test database with the connection the test uses.
type testDB struct {
	dialect string
	d       dialect.Dialect
	conn    *sql.Conn
}

func openDB(t *testing.T, url string) *testDB {
	t.Helper()
	ctx := context.Background()
	u, err := config.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &testDB{dialect: db.Dialect().Name(), d: db.Dialect(), conn: conn}
}

func (db *testDB) exec(t *testing.T, stmt string) {
	t.Helper()
	if _, err := db.conn.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// runScript runs statements as a migration step does: in one transaction
// where DDL is transactional.
func (db *testDB) runScript(t *testing.T, stmts []string) {
	t.Helper()
	if len(stmts) == 0 {
		t.Fatal("no statements to run")
	}
	tx := db.d.TransactionalDDL()
	if tx {
		db.exec(t, db.d.BeginSQL())
	}
	for _, s := range stmts {
		db.exec(t, s)
	}
	if tx {
		db.exec(t, "COMMIT")
	}
}

func (db *testDB) inspect(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := db.d.(dialect.Inspector).Inspect(context.Background(), db.conn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func createCurrent(t *testing.T, db *testDB, s *schema.Schema) {
	t.Helper()
	var steps []Step
	for _, tb := range fkOrder(s.Tables) {
		steps = append(steps, Step{Op: &op.CreateTable{Table: tb}})
	}
	runOps(t, db, steps, nil)
}

// runOps runs steps through op.Operations on the live database, as a Go
// migration would, calling issued with each statement.
func runOps(t *testing.T, db *testDB, steps []Step, issued func(string)) {
	t.Helper()
	ctx := context.Background()
	tx := db.d.TransactionalDDL()
	if tx {
		db.exec(t, db.d.BeginSQL())
	}
	ops := op.New(db.dialect, db.d.(op.Renderer), db.conn, func(ctx context.Context, stmt string) error {
		if issued != nil {
			issued(stmt)
		}
		_, err := db.conn.ExecContext(ctx, stmt)
		return err
	})
	for _, s := range steps {
		if err := ops.Run(ctx, s.Op); err != nil {
			if tx {
				db.conn.ExecContext(ctx, "ROLLBACK")
			}
			t.Fatal(err)
		}
	}
	if tx {
		db.exec(t, "COMMIT")
	}
}

func tableNames(s *schema.Schema) []string {
	var out []string
	for _, t := range s.Tables {
		out = append(out, t.Name)
	}
	return out
}

// dump shows a schema for a failure message.
func dump(s *schema.Schema) string {
	var b strings.Builder
	for _, t := range s.Tables {
		b.WriteString("\n  " + t.Name + ":")
		for _, c := range t.Columns {
			b.WriteString(" " + c.Name + " " + c.Type.String())
			if !c.Nullable {
				b.WriteString(" NOT NULL")
			}
			if c.Default != "" {
				b.WriteString(" DEFAULT " + c.Default)
			}
			b.WriteString(",")
		}
		if t.PrimaryKey != nil {
			b.WriteString(" pk" + strings.Join(t.PrimaryKey.Columns, ","))
		}
		for _, ix := range t.Indexes {
			b.WriteString(" ix " + ix.Name)
		}
		for _, u := range t.Uniques {
			b.WriteString(" uq " + u.Name)
		}
		for _, fk := range t.ForeignKeys {
			b.WriteString(" fk " + fk.Name + "->" + fk.RefTable)
		}
		for _, ck := range t.Checks {
			b.WriteString(" ck " + ck.Name + "(" + ck.Expr + ")")
		}
		if t.Comment != "" {
			b.WriteString(" comment " + t.Comment)
		}
	}
	return b.String()
}

// TestRenderSQLFromLive renders a rebuild against a live SQLite file
// whose table has what the model cannot say (a collation, a trigger on
// it, a view over it): the script keeps them all, and runs.
func TestRenderSQLFromLive(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, testdb.SQLite(t))
	for _, stmt := range []string{
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE NOT NULL, nickname VARCHAR(20), email VARCHAR(255))",
		"CREATE TABLE audit (what TEXT)",
		"CREATE INDEX ix_users_name ON users (name)",
		"CREATE VIEW v_users AS SELECT id, name FROM users",
		"CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit (what) VALUES ('insert ' || NEW.name); END",
		"INSERT INTO users (id, name, nickname) VALUES (1, 'Ann', 'a')",
	} {
		db.exec(t, stmt)
	}
	current := db.inspect(t)
	up := []Step{{Op: &op.DropColumn{Table: "users", Column: "nickname"}}}
	down := []Step{{Op: &op.AddColumn{Table: "users", Column: schema.NewColumn("nickname", schema.String(20))}}}
	body, err := RenderSQLFrom(ctx, db.conn, "sqlite", []string{"sqlite"}, current, up, down)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render_sql_from_live.sql", []byte(body))
	s := parseBody(t, body)

	db.runScript(t, statements(t, s, "sqlite", graph.Up))
	if got := testdb.Strings(t, db.conn, "SELECT name FROM sqlite_schema WHERE type IN ('index', 'view', 'trigger') ORDER BY name"); !slices.Equal(got, []string{"ix_users_name", "users_audit", "v_users"}) {
		t.Errorf("after the upgrade: %q", got)
	}
	if got := testdb.Strings(t, db.conn, "SELECT sql FROM sqlite_schema WHERE name = 'users'"); len(got) != 1 || !strings.Contains(got[0], "COLLATE NOCASE") {
		t.Errorf("users after the upgrade: %q", got)
	}
	db.exec(t, "INSERT INTO users (id, name) VALUES (2, 'Bob')")
	if got := testdb.Strings(t, db.conn, "SELECT what FROM audit"); !slices.Equal(got, []string{"insert Ann", "insert Bob"}) {
		t.Errorf("the trigger after the upgrade: audit holds %q", got)
	}
	if got := testdb.Strings(t, db.conn, "SELECT name FROM v_users WHERE name = 'ann'"); !slices.Equal(got, []string{"Ann"}) {
		t.Errorf("the view (and NOCASE) after the upgrade: %q", got)
	}

	// The column comes back, last (as ADD COLUMN puts it).
	db.runScript(t, statements(t, s, "sqlite", graph.Down))
	if got := db.inspect(t).Table("users"); got == nil || got.Column("nickname") == nil || got.Columns[3].Name != "nickname" {
		t.Errorf("users after the downgrade: %s", dump(db.inspect(t)))
	}

	if _, err := RenderSQLFrom(ctx, nil, "sqlite", []string{"sqlite"}, current, up, down); err == nil {
		t.Error("RenderSQLFrom without a database: no error")
	}
}

func TestStripCasts(t *testing.T) {
	for in, want := range map[string]string{
		"'a'::character varying":                    "'a'",
		"'it''s'::text":                             "'it''s'",
		"'x::y'::text":                              "'x::y'",
		"(kind)::text = ANY (ARRAY['a'::text])":     "(kind) = ANY (ARRAY['a'])",
		"'2020-01-01'::timestamp without time zone": "'2020-01-01'",
		"0":                         "0",
		`"a::b" > 1::numeric(10,2)`: `"a::b" > 1`,
	} {
		if got := stripCasts(in); got != want {
			t.Errorf("stripCasts(%q) = %q, want %q", in, got, want)
		}
	}
	// A primary key inspected without a name drops on PostgreSQL by the
	// name PostgreSQL gives it.
	got := adapt("postgresql", &op.DropConstraint{Table: "t", Kind: op.PrimaryKey}).(*op.DropConstraint)
	if got.Name != "t_pkey" {
		t.Errorf("PostgreSQL drops the unnamed key of t as %q", got.Name)
	}
}

// A default is written as the target dialect reads it: no PostgreSQL
// casts elsewhere, and the current time as CURRENT_TIMESTAMP whichever
// server's spelling it was inspected in.
func TestPortableDefault(t *testing.T) {
	for _, tc := range []struct{ dialect, in, want string }{
		{"sqlite", "now()", "CURRENT_TIMESTAMP"},
		{"mysql", "now()", "CURRENT_TIMESTAMP"},
		{"postgresql", "current_timestamp()", "CURRENT_TIMESTAMP"},
		{"postgresql", "(CURRENT_TIMESTAMP)", "CURRENT_TIMESTAMP"},
		{"sqlite", "''::character varying", "''"},
		{"mysql", "'now()'::text", "'now()'"},
		{"postgresql", "''::character varying", "''::character varying"},
		{"mysql", "0", "0"},
		{"sqlite", "", ""},
	} {
		if got := portableDefault(tc.dialect, schema.Text(), tc.in); got != tc.want {
			t.Errorf("portableDefault(%s, %q) = %q, want %q", tc.dialect, tc.in, got, tc.want)
		}
	}
	// A boolean inspected from MySQL or SQLite (0 and 1) for PostgreSQL.
	for in, want := range map[string]string{"0": "false", "'1'": "true", "true": "true"} {
		if got := portableDefault("postgresql", schema.Boolean(), in); got != want {
			t.Errorf("boolean default %q for postgresql = %q, want %q", in, got, want)
		}
	}
	if got := portableDefault("sqlite", schema.Boolean(), "0"); got != "0" {
		t.Errorf("boolean default 0 for sqlite = %q", got)
	}
}

// A raw type one dialect's inspector reports (CHAR(2) on SQLite) is said
// the same way on the others when its SQL is standard; another is left
// for the renderer to refuse.
func TestPortableRaw(t *testing.T) {
	char := schema.Raw("", "sqlite", "CHAR(2)")
	if got, ok := portableRaw("postgresql", char).RawFor("postgresql"); !ok || got != "CHAR(2)" {
		t.Errorf("CHAR(2) for postgresql = %q, %v", got, ok)
	}
	tiny := schema.Raw("", "mysql", "tinytext")
	if _, ok := portableRaw("postgresql", tiny).RawFor("postgresql"); ok {
		t.Error("MySQL's tinytext was given to postgresql")
	}
	if got := portableRaw("sqlite", char); !got.Equal(char) {
		t.Errorf("the dialect's own raw type changed: %v", got)
	}
}

// Check and predicate expressions as one server's inspection writes them,
// for another.
func TestPortableExpr(t *testing.T) {
	for _, tc := range []struct{ dialect, in, want string }{
		{"sqlite", "((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))", "((kind) IN ('a', 'b'))"},
		{"mysql", "((s ~~ 'x%'::text) AND (s <> 'y'::text))", "((s LIKE 'x%') AND (s <> 'y'))"},
		{"sqlite", "((s ~~* 'x%'::text) AND (s !~~* 'y%'::text))", "((s LIKE 'x%') AND (s NOT LIKE 'y%'))"},
		{"postgresql", "`name` <> ''", `"name" <> ''`},
		{"mysql", `"name" <> '"quoted"'`, "`name` <> '\"quoted\"'"},
		{"sqlite", "`it``s` > 0", `"it` + "`" + `s" > 0`},
		{"postgresql", "(kind)::text = ANY (ARRAY['a'::text])", "(kind)::text = ANY (ARRAY['a'::text])"},
	} {
		if got := portableExpr(tc.dialect, tc.in); got != tc.want {
			t.Errorf("portableExpr(%s, %q) = %q, want %q", tc.dialect, tc.in, got, tc.want)
		}
	}
}
