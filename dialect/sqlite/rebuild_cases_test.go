package sqlite

import (
	"strings"
	"testing"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Views and other tables' triggers that name the rebuilt table would make
// SQLite's RENAME fail ("error in view v: no such table: main.t"): the
// rebuild takes them out of the way and puts them back as they were.
func TestRebuildKeepsViewsAndOtherTriggers(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)`,
		`CREATE TABLE src (x TEXT)`,
		`CREATE VIEW v AS SELECT id, a FROM "t" WHERE a > 0`,
		`CREATE VIEW v2 AS SELECT count(*) AS n FROM v`,
		`CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN INSERT INTO t (a) VALUES (new.a); END`,
		`CREATE TRIGGER src_ins AFTER INSERT ON src BEGIN INSERT INTO "t" (b) VALUES (new.x); END`,
		`INSERT INTO t (a, b) VALUES (1, 'one'), (2, 'two')`,
	)
	others := "SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE name <> 't' ORDER BY name"
	before := strs(t, conn, others)
	mustMigrate(t, conn, &op.AlterColumn{Table: "t", Column: "b", Type: op.TypePtr(schema.String(10))})
	// Everything but t's own definition is as it was.
	if after := strs(t, conn, others); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("schema after:\n%s\nbefore:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	exec(t, conn, `INSERT INTO src VALUES ('three')`, `INSERT INTO v (a) VALUES (4)`)
	if got := one(t, conn, "SELECT n FROM v2"); got != "3" {
		t.Errorf("v2 counts %s, want 3 (both triggers and both views work)", got)
	}
}

// A drop takes the indexes and constraints on its column with it, as
// PostgreSQL does, and keeps the rest.
func TestDropColumnTakesItsIndexesAndConstraints(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE p (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE t (
			id INTEGER PRIMARY KEY,
			a INTEGER CONSTRAINT ck_a CHECK (a > 0) CONSTRAINT fk_a REFERENCES p (id),
			b TEXT,
			c TEXT,
			CONSTRAINT uq_ab UNIQUE (a, b),
			CONSTRAINT uq_c UNIQUE (c),
			CONSTRAINT ck_bc CHECK (b <> c)
		)`,
		`CREATE INDEX ix_a ON t (a)`,
		`CREATE INDEX ix_b_where_a ON t (b) WHERE a IS NOT NULL`,
		`CREATE INDEX a ON t (c)`, // an index named like the column stays
		`CREATE INDEX ix_lower_c ON t (lower(c))`,
	)
	mustMigrate(t, conn, &op.DropColumn{Table: "t", Column: "a"})
	got := inspectTable(t, conn, "t")
	want := &schema.Table{Name: "t",
		Columns: []*schema.Column{
			{Name: "id", Type: schema.Integer()},
			{Name: "b", Type: schema.Text(), Nullable: true},
			{Name: "c", Type: schema.Text(), Nullable: true},
		},
		PrimaryKey: &schema.PrimaryKeyConstraint{Columns: []string{"id"}},
		Indexes: []*schema.Index{
			{Name: "a", Columns: []string{"c"}},
			{Name: "ix_lower_c", Columns: []string{"lower(c)"}},
		},
		Uniques: []*schema.UniqueConstraint{{Name: "uq_c", Columns: []string{"c"}}},
		Checks:  []*schema.CheckConstraint{{Name: "ck_bc", Expr: "b <> c"}},
	}
	sameTable(t, got, want, "t after dropping a")
}

// A trigger or view naming the dropped column would come back broken
// (SQLite does not check their bodies): the drop refuses, and changes
// nothing.
func TestDropColumnRefusesWhatNamesIt(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)`,
		`CREATE TABLE log (x)`,
		`CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (new.a); END`,
	)
	before := schemaSQL(t, conn)
	err := migrate(conn, &op.DropColumn{Table: "t", Column: "a"})
	if err == nil || !strings.Contains(err.Error(), "trigger t_upd names column a, which the drop removes") {
		t.Fatalf("dropping a column a trigger uses: %v", err)
	}
	if schemaSQL(t, conn) != before {
		t.Errorf("the refused drop changed the schema")
	}
	exec(t, conn, `DROP TRIGGER t_upd`, `CREATE VIEW v AS SELECT "a" FROM t`)
	before = schemaSQL(t, conn)
	err = migrate(conn, &op.DropColumn{Table: "t", Column: "a"})
	if err == nil || !strings.Contains(err.Error(), "view v names column a") {
		t.Fatalf("dropping a column a view uses: %v", err)
	}
	if schemaSQL(t, conn) != before {
		t.Errorf("the refused drop changed the schema")
	}
	// Other columns drop fine, with the trigger and view kept.
	mustMigrate(t, conn, &op.DropColumn{Table: "t", Column: "b"})
	if objectSQL(t, conn, "v") == "" {
		t.Errorf("view v is gone")
	}
	for _, tc := range []struct {
		op   op.Op
		want string
	}{
		{&op.DropColumn{Table: "t", Column: "id"}, "column id is in the primary key of t"},
		{&op.DropColumn{Table: "t", Column: "nope"}, "table t has no column nope"},
		{&op.DropColumn{Table: "nope", Column: "a"}, "table nope does not exist"},
	} {
		if err := migrate(conn, tc.op); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.op.Describe(), err, tc.want)
		}
	}
}

// What the portable model cannot say survives a rebuild: declared types,
// collations, DEFERRABLE, WITHOUT ROWID; a table with what a rebuild
// cannot keep is refused.
func TestRebuildKeepsDeclaredDetails(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE p (k TEXT PRIMARY KEY COLLATE NOCASE, w REAL) WITHOUT ROWID`,
		`CREATE TABLE c (id INT PRIMARY KEY, k TEXT COLLATE NOCASE REFERENCES p (k) DEFERRABLE INITIALLY DEFERRED, n NVARCHAR(10), gone INTEGER)`,
		`INSERT INTO p VALUES ('A', 1.5)`, `INSERT INTO c VALUES (1, 'a', 'x', 0)`,
	)
	mustMigrate(t, conn, &op.AlterColumn{Table: "p", Column: "w", Default: op.Str("0")}, &op.DropColumn{Table: "c", Column: "gone"})
	want := map[string]string{
		"p": "CREATE TABLE \"p\" (\n\t\"k\" TEXT COLLATE NOCASE NOT NULL,\n\t\"w\" REAL DEFAULT 0,\n\tPRIMARY KEY (\"k\")\n) WITHOUT ROWID",
		"c": "CREATE TABLE \"c\" (\n\t\"id\" INT,\n\t\"k\" TEXT COLLATE NOCASE,\n\t\"n\" NVARCHAR(10),\n\tPRIMARY KEY (\"id\"),\n\tFOREIGN KEY (\"k\") REFERENCES \"p\" (\"k\") DEFERRABLE INITIALLY DEFERRED\n)",
	}
	for name, sql := range want {
		if got := objectSQL(t, conn, name); got != sql {
			t.Errorf("%s after its rebuild:\n%s\nwant\n%s", name, got, sql)
		}
	}
	if got := one(t, conn, "SELECT count(*) FROM c JOIN p USING (k)"); got != "1" {
		t.Errorf("the NOCASE join finds %s rows, want 1", got)
	}

	for _, tc := range []struct{ create, want string }{
		{`CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2))`, "table g has generated columns"},
		{`CREATE TABLE oc (a INT UNIQUE ON CONFLICT REPLACE, b INT)`, "column a has an ON CONFLICT clause"},
		{`CREATE TABLE pd (a INTEGER PRIMARY KEY DESC, b INT)`, "column a is PRIMARY KEY DESC"},
	} {
		exec(t, conn, tc.create)
		name := strings.Fields(tc.create)[2]
		err := migrate(conn, &op.AlterColumn{Table: name, Column: "b", Default: op.Str("1")})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rebuilding %s: %v, want %q", name, err, tc.want)
		}
	}
}

// The copy stores each value through the new column's affinity, which
// converts only what it can convert back; CAST would have turned
// '2024-05-01 10:00:00' into 2024 in a DATETIME column and 'n/a' into 0.
func TestAlterTypeKeepsValues(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT, n TEXT)`,
		`INSERT INTO t VALUES (1, '2024-05-01 10:00:00', '12'), (2, NULL, 'n/a'), (3, '1999', '3.5')`,
	)
	mustMigrate(t, conn,
		&op.AlterColumn{Table: "t", Column: "at", Type: op.TypePtr(schema.DateTime())},
		&op.AlterColumn{Table: "t", Column: "n", Type: op.TypePtr(schema.Integer())})
	got := strs(t, conn, "SELECT quote(at) || ' ' || typeof(at) || ' ' || quote(n) || ' ' || typeof(n) FROM t ORDER BY id")
	want := []string{
		"'2024-05-01 10:00:00' text 12 integer",
		"NULL null 'n/a' text",
		"1999 integer 3.5 real",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("values after the type changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Rows keep their rowids through a rebuild, gaps and all, in a table
// without an INTEGER PRIMARY KEY; and a column called rowid does not
// confuse it.
func TestRebuildKeepsRowids(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE t (code TEXT PRIMARY KEY, v INTEGER)`,
		`INSERT INTO t (rowid, code, v) VALUES (5, 'a', 1), (90, 'b', 2), (7, 'c', 3)`,
		`CREATE TABLE r (rowid, v INTEGER)`, // untyped, and named rowid
		`INSERT INTO r (_rowid_, rowid, v) VALUES (40, 'x', 1), (41, 'y', 2)`,
	)
	mustMigrate(t, conn, &op.AlterColumn{Table: "t", Column: "v", Type: op.TypePtr(schema.BigInt())},
		&op.AlterColumn{Table: "r", Column: "v", Nullable: op.Bool(false)})
	if got := strings.Join(strs(t, conn, "SELECT rowid || code FROM t ORDER BY rowid"), ","); got != "5a,7c,90b" {
		t.Errorf("rowids of t: %s", got)
	}
	if got := strings.Join(strs(t, conn, "SELECT _rowid_ || rowid FROM r ORDER BY _rowid_"), ","); got != "40x,41y" {
		t.Errorf("rowids of r: %s", got)
	}
}

// With PRAGMA foreign_keys on, DROP TABLE would cascade into the tables
// referring to the one rebuilt: the rebuild refuses, saying why.
func TestRebuildRefusesForeignKeysOn(t *testing.T) {
	conn := testConn(t)
	exec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)`, "PRAGMA foreign_keys = ON")
	err := migrate(conn, &op.DropColumn{Table: "t", Column: "a"})
	if err == nil || !strings.Contains(err.Error(), "rebuilding t needs PRAGMA foreign_keys off") {
		t.Errorf("rebuild with foreign keys on: %v", err)
	}
}

// A rebuild of a table whose foreign key a child refers to by a unique
// column: dropping that uniqueness leaves the child's key without a
// parent key, which the check after the rebuild reports.
func TestVerifyChecksReferringTables(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT CONSTRAINT uq_code UNIQUE)`,
		`CREATE TABLE c (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code))`,
		`INSERT INTO p VALUES (1, 'a')`, `INSERT INTO c VALUES (1, 'a')`,
	)
	before := schemaSQL(t, conn)
	err := migrate(conn, &op.DropConstraint{Table: "p", Name: "uq_code", Kind: op.Unique})
	if err == nil || !strings.Contains(err.Error(), "checking the foreign keys of c after rebuilding p") ||
		!strings.Contains(err.Error(), "foreign key mismatch") {
		t.Errorf("dropping the unique a foreign key needs: %v", err)
	}
	if schemaSQL(t, conn) != before {
		t.Errorf("the failed drop changed the schema")
	}
	// Deleting the parent row and re-adding the key by rebuild fails on
	// the orphan, naming it.
	exec(t, conn, `DELETE FROM p`)
	err = migrate(conn, &op.AddCheck{Table: "p", Constraint: &schema.CheckConstraint{Name: "ck", Expr: "id > 0"}})
	if err == nil || !strings.Contains(err.Error(), "c rowid 1 (code) refers to no row of p") {
		t.Errorf("a rebuild with an orphan child: %v", err)
	}
}

// The self-referencing and cross-table keys of the rich table, its
// uniques, checks and partial index survive a rebuild with rows in it.
func TestRebuildRich(t *testing.T) {
	conn := testConn(t)
	mustMigrate(t, conn, &op.CreateTable{Table: parentTable()}, &op.CreateTable{Table: richTable()},
		&op.BulkInsert{Table: "parent", Columns: []string{"id", "code"}, Rows: [][]any{{1, "a"}}},
		&op.BulkInsert{Table: "rich", Columns: []string{"id", "seq", "amount", "parent_id", "twin_id", "twin_seq", "label", "blob"}, Rows: [][]any{
			{1, 1, 2.5, 1, nil, nil, "one", []byte{0, 1, 2}}, {1, 2, 3, nil, 1, 1, "two", nil}}})
	cols := columnNames(t, conn, "rich")
	rows := digest(t, conn, "rich", slicesWithout(cols, "ratio"))
	mustMigrate(t, conn, &op.DropColumn{Table: "rich", Column: "ratio"})
	want := richInspected()
	want.Columns = append(want.Columns[:9], want.Columns[10:]...)
	sameTable(t, inspectTable(t, conn, "rich"), want, "rich after dropping ratio")
	if digest(t, conn, "rich", slicesWithout(cols, "ratio")) != rows {
		t.Errorf("the rows of rich changed")
	}
}

func slicesWithout(s []string, drop string) []string {
	var out []string
	for _, v := range s {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}

// Adding a NOT NULL column without a default takes a rebuild, which only
// an empty table allows.
func TestAddNotNullColumnWithoutDefault(t *testing.T) {
	conn := testConn(t)
	exec(t, conn, `CREATE TABLE e (id INTEGER PRIMARY KEY)`, `CREATE TABLE f (id INTEGER PRIMARY KEY)`, `INSERT INTO f VALUES (1)`)
	add := func(table string) error {
		return migrate(conn, &op.AddColumn{Table: table, Column: schema.NewColumn("x", schema.Integer(), schema.NotNull())})
	}
	if err := add("e"); err != nil {
		t.Fatal(err)
	}
	if c := inspectTable(t, conn, "e").Column("x"); c == nil || c.Nullable {
		t.Errorf("e.x: %+v", c)
	}
	if err := add("f"); err == nil || !strings.Contains(err.Error(), "table f has rows, and NOT NULL column x has no default") {
		t.Errorf("adding to a table with rows: %v", err)
	}
}

// A leftover copy from an interrupted rebuild (possible only outside a
// transaction) stops the next rebuild with a message saying what to do.
func TestRebuildLeftover(t *testing.T) {
	conn := testConn(t)
	exec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)`, `CREATE TABLE _retort_tmp_t (id INTEGER PRIMARY KEY)`)
	err := migrate(conn, &op.DropColumn{Table: "t", Column: "a"})
	if err == nil || !strings.Contains(err.Error(), "table _retort_tmp_t exists, left by an interrupted rebuild of t") {
		t.Errorf("rebuild with a leftover: %v", err)
	}
	if s, _ := (Dialect{}).Inspect(ctx, conn); len(s.Tables) != 1 || s.Tables[0].Name != "t" {
		t.Errorf("Inspect lists %d tables, want only t", len(s.Tables))
	}
}

// AUTOINCREMENT's promise holds when the rebuilt table is empty too.
func TestRebuildKeepsSequenceOfEmptyTable(t *testing.T) {
	conn := testConn(t)
	exec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a INT)`, `INSERT INTO t (id) VALUES (41)`, `DELETE FROM t`)
	mustMigrate(t, conn, &op.AlterColumn{Table: "t", Column: "a", Nullable: op.Bool(false), Default: op.Str("0")})
	exec(t, conn, `INSERT INTO t (a) VALUES (1)`)
	if id := one(t, conn, "SELECT id FROM t"); id != "42" {
		t.Errorf("the next id after a rebuild of an empty table is %s, want 42", id)
	}
}

// Renaming a column other tables refer to carries the new name into their
// foreign keys (SQLite's RENAME COLUMN does), also when the same
// operation rebuilds the table.
func TestRenameReferencedColumn(t *testing.T) {
	conn := testConn(t)
	exec(t, conn,
		`CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)`,
		`CREATE TABLE c (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code))`,
		`INSERT INTO p VALUES (1, 'a')`, `INSERT INTO c VALUES (1, 'a')`,
	)
	mustMigrate(t, conn, &op.AlterColumn{Table: "p", Column: "code", Rename: "key", Type: op.TypePtr(schema.String(8))})
	if got := foreignKeys(t, conn, "c"); got != "code->p(key) NO ACTION" {
		t.Errorf("c's foreign key after the rename: %s", got)
	}
	if v := strs(t, conn, `SELECT "table" FROM pragma_foreign_key_check`); len(v) != 0 {
		t.Errorf("foreign_key_check: %v", v)
	}
}
