package sqlite

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Issue 4, item 3: a table rebuild keeps every row, both indexes, the
// trigger and the foreign keys on both sides; and a rebuild that fails
// half-way leaves, after ROLLBACK, the table exactly as it was.

const bigRows = 10000

// bigFixture makes item, 10,000 rows with two indexes and a trigger; it
// refers to owner (a foreign key out of it) and line refers to it (a
// foreign key into it, 2,000 rows). item_log is what the trigger writes.
func bigFixture(t testing.TB, conn *sql.Conn) {
	t.Helper()
	exec(t, conn,
		`CREATE TABLE owner (id INTEGER PRIMARY KEY, name VARCHAR(32) NOT NULL)`,
		`CREATE TABLE item (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			owner_id INTEGER REFERENCES owner (id) ON DELETE CASCADE,
			sku VARCHAR(32) NOT NULL,
			qty INTEGER,
			price NUMERIC(10,2),
			note VARCHAR(64),
			legacy TEXT,
			created DATETIME
		)`,
		`CREATE UNIQUE INDEX ux_item_sku ON item (sku)`,
		`CREATE INDEX ix_item_owner ON item (owner_id, qty DESC)`,
		`CREATE TABLE item_log (item_id INTEGER, old_qty INTEGER, new_qty INTEGER)`,
		`CREATE TRIGGER tr_item_qty AFTER UPDATE OF qty ON item
		BEGIN
			INSERT INTO item_log (item_id, old_qty, new_qty) VALUES (old.id, old.qty, new.qty);
		END`,
		`CREATE TABLE line (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item (id), n INTEGER)`,
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 50)
		 INSERT INTO owner (id, name) SELECT i, 'owner ' || i FROM k`,
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10000)
		 INSERT INTO item (owner_id, sku, qty, price, note, legacy, created)
		 SELECT i % 50 + 1, 'sku-' || i, i % 7000, (i % 1000) / 4.0,
		        CASE WHEN i % 10 = 0 THEN NULL ELSE 'it''s item ' || i END,
		        'old ' || i, '2024-05-' || printf('%02d', i % 28 + 1) || ' 10:00:00'
		 FROM k`,
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2000)
		 INSERT INTO line (id, item_id, n) SELECT i, (i * 7) % 10000 + 1, i FROM k`,
		// Ids deleted at the end stay used: AUTOINCREMENT must not hand
		// them out again after a rebuild.
		`INSERT INTO item (id, sku) VALUES (10500, 'gone')`,
		`DELETE FROM item WHERE id = 10500`,
	)
}

// digest is a checksum of every row of table over columns (and the
// rowid), with values as SQLite quotes them, so that a type that changed
// how a value is stored shows.
func digest(t testing.TB, conn *sql.Conn, table string, columns []string) string {
	t.Helper()
	parts := []string{"quote(rowid)"}
	for _, c := range columns {
		parts = append(parts, "quote("+Dialect{}.QuoteIdent(c)+")")
	}
	rows := strs(t, conn, "SELECT "+strings.Join(parts, " || '|' || ")+" FROM "+Dialect{}.QuoteIdent(table)+" ORDER BY rowid")
	h := sha256.Sum256([]byte(strings.Join(rows, "\n")))
	return hex.EncodeToString(h[:])
}

func columnNames(t testing.TB, conn *sql.Conn, table string) []string {
	t.Helper()
	return strs(t, conn, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
}

// schemaSQL is the whole schema as sqlite_schema keeps it.
func schemaSQL(t testing.TB, conn *sql.Conn) string {
	t.Helper()
	return strings.Join(strs(t, conn, "SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name"), "\n")
}

// objectSQL is the SQL of the index or trigger named name.
func objectSQL(t testing.TB, conn *sql.Conn, name string) string {
	t.Helper()
	got := strs(t, conn, "SELECT sql FROM sqlite_schema WHERE name = ?", name)
	if len(got) != 1 {
		return ""
	}
	return got[0]
}

// foreignKeys lists a table's foreign keys as PRAGMA foreign_key_list has
// them.
func foreignKeys(t testing.TB, conn *sql.Conn, table string) string {
	t.Helper()
	return strings.Join(strs(t, conn, `SELECT "from" || '->' || "table" || '(' || coalesce("to", '') || ') ' || on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table), "; ")
}

// bigState is what must survive each rebuild.
type bigState struct {
	indexSQL, triggerSQL    map[string]string
	itemKeys, lineKeys      string
	lineDigest, ownerDigest string
	sequence                string
	indexNames              []string
}

func readBigState(t testing.TB, conn *sql.Conn) bigState {
	t.Helper()
	s := bigState{
		indexSQL:    map[string]string{},
		triggerSQL:  map[string]string{},
		itemKeys:    foreignKeys(t, conn, "item"),
		lineKeys:    foreignKeys(t, conn, "line"),
		lineDigest:  digest(t, conn, "line", columnNames(t, conn, "line")),
		ownerDigest: digest(t, conn, "owner", columnNames(t, conn, "owner")),
		sequence:    one(t, conn, "SELECT seq FROM sqlite_sequence WHERE name = 'item'"),
		indexNames:  strs(t, conn, "SELECT name FROM pragma_index_list('item') WHERE origin = 'c' ORDER BY name"),
	}
	for _, n := range []string{"ux_item_sku", "ix_item_owner"} {
		s.indexSQL[n] = objectSQL(t, conn, n)
	}
	s.triggerSQL["tr_item_qty"] = objectSQL(t, conn, "tr_item_qty")
	return s
}

// checkBigState compares what must survive with what it was.
func checkBigState(t *testing.T, conn *sql.Conn, before bigState, what string) {
	t.Helper()
	after := readBigState(t, conn)
	if !slices.Equal(after.indexNames, []string{"ix_item_owner", "ux_item_sku"}) {
		t.Errorf("after %s, item's indexes are %v", what, after.indexNames)
	}
	for n, s := range before.indexSQL {
		if after.indexSQL[n] != s {
			t.Errorf("after %s, index %s is %q, was %q", what, n, after.indexSQL[n], s)
		}
	}
	for n, s := range before.triggerSQL {
		if after.triggerSQL[n] != s {
			t.Errorf("after %s, trigger %s is %q, was %q", what, n, after.triggerSQL[n], s)
		}
	}
	if after.itemKeys != before.itemKeys || after.itemKeys != "owner_id->owner(id) CASCADE" {
		t.Errorf("after %s, item's foreign keys are %q, were %q", what, after.itemKeys, before.itemKeys)
	}
	if after.lineKeys != before.lineKeys || after.lineKeys != "item_id->item(id) NO ACTION" {
		t.Errorf("after %s, line's foreign keys are %q, were %q", what, after.lineKeys, before.lineKeys)
	}
	if after.lineDigest != before.lineDigest || after.ownerDigest != before.ownerDigest {
		t.Errorf("after %s, the rows of line or owner changed", what)
	}
	if after.sequence != before.sequence {
		t.Errorf("after %s, item's AUTOINCREMENT high-water mark is %s, was %s", what, after.sequence, before.sequence)
	}
	if v := strs(t, conn, "SELECT \"table\" || ' ' || rowid FROM pragma_foreign_key_check"); len(v) != 0 {
		t.Errorf("after %s, foreign_key_check: %v", what, v)
	}
	if n := one(t, conn, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_retort\\_tmp\\_%' ESCAPE '\\'"); n != "0" {
		t.Errorf("after %s, a temporary table is left", what)
	}
	// The trigger still fires (in a transaction rolled back, so the rows
	// stay as they are).
	exec(t, conn, "BEGIN")
	exec(t, conn, "UPDATE item SET qty = qty + 1 WHERE id IN (1, 2, 3)")
	fired := one(t, conn, "SELECT count(*) FROM item_log")
	exec(t, conn, "ROLLBACK")
	if fired != "3" {
		t.Errorf("after %s, the trigger wrote %s rows for 3 updates", what, fired)
	}
}

func TestRebuildKeepsRowsIndexesTriggerAndKeys(t *testing.T) {
	conn := testConn(t)
	bigFixture(t, conn)
	// The connection a run gets: foreign keys not enforced, which is what
	// lets DROP TABLE in a rebuild leave line's rows alone.
	if fk := one(t, conn, "PRAGMA foreign_keys"); fk != "0" {
		t.Fatalf("PRAGMA foreign_keys = %s on a new connection, want 0", fk)
	}
	before := readBigState(t, conn)

	steps := []struct {
		name  string
		op    op.Op
		check func(t *testing.T, tb *schema.Table)
	}{
		{"drop column", &op.DropColumn{Table: "item", Column: "legacy"}, func(t *testing.T, tb *schema.Table) {
			if tb.Column("legacy") != nil {
				t.Errorf("legacy is still there")
			}
		}},
		{"alter type", &op.AlterColumn{Table: "item", Column: "qty", Type: op.TypePtr(schema.BigInt())}, func(t *testing.T, tb *schema.Table) {
			if !tb.Column("qty").Type.Equal(schema.BigInt()) {
				t.Errorf("qty is %s", tb.Column("qty").Type)
			}
		}},
		{"alter nullability", &op.AlterColumn{Table: "item", Column: "qty", Nullable: op.Bool(false)}, func(t *testing.T, tb *schema.Table) {
			if tb.Column("qty").Nullable {
				t.Errorf("qty is nullable")
			}
		}},
		{"add check", &op.AddCheck{Table: "item", Constraint: &schema.CheckConstraint{Name: "ck_item_qty", Expr: "qty >= 0"}}, func(t *testing.T, tb *schema.Table) {
			if len(tb.Checks) != 1 || tb.Checks[0].Name != "ck_item_qty" {
				t.Errorf("checks: %s", show(tb))
			}
		}},
		{"add unique", &op.AddUnique{Table: "item", Constraint: &schema.UniqueConstraint{Name: "uq_item_owner_sku", Columns: []string{"owner_id", "sku"}}}, func(t *testing.T, tb *schema.Table) {
			if len(tb.Uniques) != 1 || tb.Uniques[0].Name != "uq_item_owner_sku" {
				t.Errorf("uniques: %s", show(tb))
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var kept []string
			for _, c := range columnNames(t, conn, "item") {
				if c != "legacy" || st.name != "drop column" {
					kept = append(kept, c)
				}
			}
			rows := digest(t, conn, "item", kept)
			mustMigrate(t, conn, st.op)
			if n := one(t, conn, "SELECT count(*) FROM item"); n != "10000" {
				t.Errorf("item has %s rows, want %d", n, bigRows)
			}
			if got := digest(t, conn, "item", kept); got != rows {
				t.Errorf("the rows of item changed")
			}
			checkBigState(t, conn, before, st.name)
			st.check(t, inspectTable(t, conn, "item"))
		})
	}

	// The foreign key into item still works once enforced: line cannot
	// refer to a missing item, and deleting an item is refused while
	// line refers to it.
	exec(t, conn, "PRAGMA foreign_keys = ON")
	if _, err := conn.ExecContext(ctx, "INSERT INTO line (id, item_id) VALUES (9999, 123456)"); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY constraint failed") {
		t.Errorf("a line referring to no item: %v", err)
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM item WHERE id = 8"); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY constraint failed") {
		t.Errorf("deleting an item a line refers to: %v", err)
	}
	// And the one out of it cascades as declared.
	exec(t, conn, "DELETE FROM line WHERE item_id IN (SELECT id FROM item WHERE owner_id = 3)", "DELETE FROM owner WHERE id = 3")
	if n := one(t, conn, "SELECT count(*) FROM item WHERE owner_id = 3"); n != "0" {
		t.Errorf("%s items of a deleted owner are left", n)
	}
	exec(t, conn, "PRAGMA foreign_keys = OFF")
	// AUTOINCREMENT goes on from the old high-water mark.
	exec(t, conn, "INSERT INTO item (sku, qty) VALUES ('new', 1)")
	if id := one(t, conn, "SELECT max(id) FROM item"); id != "10501" {
		t.Errorf("the next id is %s, want 10501", id)
	}
}

// A rebuild that fails half-way (the copy violates the new check), after
// it has created its table and copied part of the rows, leaves after
// ROLLBACK the schema and the rows exactly as they were; so does one
// stopped before its first statement (NULLs in a column becoming NOT
// NULL) and one stopped by the foreign-key check after its last.
func TestRebuildFailureLeavesTableAsItWas(t *testing.T) {
	conn := testConn(t)
	bigFixture(t, conn)
	before := readBigState(t, conn)
	schemaBefore := schemaSQL(t, conn)
	rowsBefore := digest(t, conn, "item", columnNames(t, conn, "item"))
	modelBefore := inspectTable(t, conn, "item")

	for _, tc := range []struct {
		name string
		op   op.Op
		want string
	}{
		{"a check some rows violate",
			&op.AddCheck{Table: "item", Constraint: &schema.CheckConstraint{Name: "ck_item_small", Expr: "qty < 5000"}},
			"CHECK constraint failed: ck_item_small"},
		{"NOT NULL on a column with NULLs",
			&op.AlterColumn{Table: "item", Column: "note", Nullable: op.Bool(false)},
			"column item.note holds NULL in 1000 rows, which NOT NULL refuses"},
		{"a unique constraint over duplicates",
			&op.AddUnique{Table: "item", Constraint: &schema.UniqueConstraint{Name: "uq_item_qty", Columns: []string{"qty"}}},
			"UNIQUE constraint failed"},
		{"a foreign key the rows break",
			&op.AddForeignKey{Table: "item", Constraint: &schema.ForeignKeyConstraint{Name: "fk_item_qty", Columns: []string{"qty"}, RefTable: "owner", RefColumns: []string{"id"}}},
			"foreign key check failed after rebuilding item: item rowid 51 (qty) refers to no row of owner; item rowid 52 (qty)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := migrate(conn, tc.op)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if got := schemaSQL(t, conn); got != schemaBefore {
				t.Errorf("the schema changed:\n%s\nwas\n%s", got, schemaBefore)
			}
			if got := digest(t, conn, "item", columnNames(t, conn, "item")); got != rowsBefore {
				t.Errorf("the rows of item changed")
			}
			sameTable(t, inspectTable(t, conn, "item"), modelBefore, "item after the failure")
			checkBigState(t, conn, before, tc.name)
		})
	}
}

// BenchmarkRebuild10k drops a column of the 10,000-row table: one rebuild
// with its copy, two indexes, a trigger and the foreign-key check.
func BenchmarkRebuild10k(b *testing.B) {
	conn := testConn(b)
	bigFixture(b, conn)
	for b.Loop() {
		b.StopTimer()
		exec(b, conn, "ALTER TABLE item ADD COLUMN extra TEXT DEFAULT 'x'")
		b.StartTimer()
		if err := migrate(conn, &op.DropColumn{Table: "item", Column: "extra"}); err != nil {
			b.Fatal(err)
		}
	}
}
