package sqlite

import (
	"reflect"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	src := `CREATE TABLE "a""b" ([x y] int, ` + "`q`" + ` TEXT DEFAULT 'it''s -- not a comment', -- a comment
	b BLOB DEFAULT x'00ff' /* c, ( */, n REAL DEFAULT 1.5e-3, h INT DEFAULT 0x1F, j -> '$.a' ->> 'b' >= 2)`
	toks, err := tokenize(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
		if src[tk.start:tk.end] != tk.text {
			t.Errorf("token %q is at %d..%d, which holds %q", tk.text, tk.start, tk.end, src[tk.start:tk.end])
		}
	}
	want := []string{"CREATE", "TABLE", `"a""b"`, "(", "[x y]", "int", ",", "`q`", "TEXT", "DEFAULT", `'it''s -- not a comment'`, ",",
		"b", "BLOB", "DEFAULT", "x'00ff'", ",", "n", "REAL", "DEFAULT", "1.5e-3", ",", "h", "INT", "DEFAULT", "0x1F", ",",
		"j", "->", "'$.a'", "->>", "'b'", ">=", "2", ")"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens\n%q\nwant\n%q", got, want)
	}
	if toks[2].ident() != `a"b` || toks[4].ident() != "x y" || toks[7].ident() != "q" {
		t.Errorf("identifiers %q %q %q", toks[2].ident(), toks[4].ident(), toks[7].ident())
	}
	for _, bad := range []string{`'open`, `"open`, "[open", "x'0"} {
		if _, err := tokenize(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseCreateTable(t *testing.T) {
	def, err := parseCreateTable(`CREATE TABLE IF NOT EXISTS main."t" (
		id INTEGER NOT NULL CONSTRAINT pk PRIMARY KEY ASC AUTOINCREMENT,
		a TEXT COLLATE NOCASE NOT NULL UNIQUE CHECK (a <> 'x)') REFERENCES p (k) ON DELETE SET NULL NOT DEFERRABLE,
		b NUMERIC(10, 2) DEFAULT (1 + 2) CONSTRAINT ck_b CHECK(b > 0),
		c AS (a || 'x') STORED,
		CONSTRAINT "fk two" FOREIGN KEY (a, b) REFERENCES q ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
		UNIQUE (a, b) ON CONFLICT IGNORE,
		CHECK (length(a) > 1)
	) STRICT, WITHOUT ROWID`)
	if err != nil {
		t.Fatal(err)
	}
	want := &tableDef{
		columns: []columnDef{
			{name: "id", autoIncrement: true},
			{name: "a", collate: "NOCASE"},
			{name: "b"},
			{name: "c", generated: true},
		},
		pkName:  "pk",
		uniques: []keyDef{{columns: []string{"a"}}, {columns: []string{"a", "b"}}},
		fks: []fkDef{
			{columns: []string{"a"}, refTable: "p", refColumns: []string{"k"}, deferrable: "NOT DEFERRABLE"},
			{name: "fk two", columns: []string{"a", "b"}, refTable: "q", deferrable: "DEFERRABLE INITIALLY DEFERRED"},
		},
		checks: []checkDef{
			{expr: "a <> 'x)'"},
			{name: "ck_b", expr: "b > 0"},
			{expr: "length(a) > 1"},
		},
		options:     "STRICT, WITHOUT ROWID",
		unsupported: []string{"column c is generated", "constraint UNIQUE has an ON CONFLICT clause"},
	}
	if !reflect.DeepEqual(def, want) {
		t.Errorf("got\n%+v\nwant\n%+v", def, want)
	}
	for _, bad := range []string{"CREATE TABLE t AS SELECT 1", "CREATE TABLE t (a", "DROP TABLE t", "CREATE TABLE t (a INT,)"} {
		if _, err := parseCreateTable(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseCreateIndex(t *testing.T) {
	def, err := parseCreateIndex(`CREATE UNIQUE INDEX IF NOT EXISTS "ix" ON t (lower(a), b COLLATE NOCASE DESC, "c") WHERE a IN ('(', ')') AND b > 0`)
	if err != nil {
		t.Fatal(err)
	}
	want := &indexDef{elements: []string{"lower(a)", "b COLLATE NOCASE DESC", `"c"`}, where: "a IN ('(', ')') AND b > 0"}
	if !reflect.DeepEqual(def, want) {
		t.Errorf("got %+v, want %+v", def, want)
	}
}

func TestDefaultSQL(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-1.5": "-1.5", "'a b'": "'a b'", "NULL": "NULL", "CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
		"x'00'": "x'00'", "(1)": "(1)", "datetime('now')": "(datetime('now'))", "1 + 1": "(1 + 1)",
		"(1) + (2)": "((1) + (2))",
	} {
		if got := defaultSQL(in); got != want {
			t.Errorf("defaultSQL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseCreateTable: whatever the text, the readers return an error or
// a result, never panic, and the tokens cover the text in order.
func FuzzParseCreateTable(f *testing.F) {
	for _, s := range []string{
		`CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT CHECK (a <> ','), CONSTRAINT u UNIQUE (a))`,
		`CREATE TABLE "x" ([a] INT REFERENCES p ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, b AS (a + 1))`,
		`CREATE INDEX i ON t (a) WHERE b = ')'`,
		"CREATE TABLE t (a /* ( */ INT -- )\n)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks, err := tokenize(src)
		if err == nil {
			end := 0
			for _, tk := range toks {
				if tk.start < end || tk.end <= tk.start || src[tk.start:tk.end] != tk.text {
					t.Fatalf("token %q at %d..%d after %d", tk.text, tk.start, tk.end, end)
				}
				end = tk.end
			}
		}
		_, _ = parseCreateTable(src)
		_, _ = parseCreateIndex(src)
		if strings.Contains(src, "\x00") {
			return
		}
		_ = defaultSQL(src)
	})
}
