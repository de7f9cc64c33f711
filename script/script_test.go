package script

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/retort-sql/retort/graph"
)

const quark = `-- retort:revision 1284c81cf727
-- retort:revises 4358d1b8cc75
-- retort:message create lswitch and lswitch port orphaned tables
-- retort:created 2026-11-22 10:15:00Z

-- retort:upgrade
CREATE TABLE quark_lswitch_orphaned (id VARCHAR(36) PRIMARY KEY);
CREATE TABLE quark_lswitch_port_orphaned (id VARCHAR(36) PRIMARY KEY);

-- retort:upgrade dialect=mysql
CREATE TABLE quark_lswitch_orphaned (id VARCHAR(36) PRIMARY KEY) ENGINE=InnoDB;

-- retort:downgrade
DROP TABLE quark_lswitch_port_orphaned;
DROP TABLE quark_lswitch_orphaned;
`

func TestParse(t *testing.T) {
	s, err := Parse("migrations/versions/1284c81cf727_x.sql", []byte(quark))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "1284c81cf727" || !slices.Equal(s.Revises, []string{"4358d1b8cc75"}) ||
		s.Message != "create lswitch and lswitch port orphaned tables" || s.Created != "2026-11-22 10:15:00Z" ||
		s.File != "migrations/versions/1284c81cf727_x.sql" || s.Line != 2 || s.NoTransaction {
		t.Fatalf("header: %+v", s)
	}
	if !s.HasSection(graph.Up) || !s.HasSection(graph.Down) {
		t.Fatal("sections missing")
	}
	up, err := s.Statements("sqlite", graph.Up)
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 2 || up[0].Line != 7 || up[1].Line != 8 || up[1].SQL != "CREATE TABLE quark_lswitch_port_orphaned (id VARCHAR(36) PRIMARY KEY)" {
		t.Fatalf("sqlite upgrade: %+v", up)
	}
	my, err := s.Statements("mysql", graph.Up)
	if err != nil {
		t.Fatal(err)
	}
	if len(my) != 1 || my[0].Line != 11 || !strings.HasSuffix(my[0].SQL, "ENGINE=InnoDB") {
		t.Fatalf("mysql upgrade: %+v", my)
	}
	down, err := s.Statements("postgresql", graph.Down)
	if err != nil {
		t.Fatal(err)
	}
	if len(down) != 2 || down[0].Line != 14 || down[1].SQL != "DROP TABLE quark_lswitch_orphaned" {
		t.Fatalf("downgrade: %+v", down)
	}
	if _, err := s.Statements("oracle", graph.Up); err == nil {
		t.Fatal("want error for unknown dialect")
	}
}

func TestParseHeaderForms(t *testing.T) {
	src := "\xef\xbb\xbf-- a plain comment first\n\n" +
		"-- retort:revision merge_01\n" +
		"--retort:revises a1 b2\n" +
		"-- retort:branch-labels plugin-v2 neutron\n" +
		"-- retort:depends-on c3\n" +
		"-- retort:no-transaction\n" +
		"-- retort:message  spaced   message \r\n"
	s, err := Parse("m.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "merge_01" || !slices.Equal(s.Revises, []string{"a1", "b2"}) || s.Line != 4 ||
		!slices.Equal(s.BranchLabels, []string{"plugin-v2", "neutron"}) || !slices.Equal(s.DependsOn, []string{"c3"}) ||
		!s.NoTransaction || s.Message != "spaced   message" || s.HasSection(graph.Up) {
		t.Fatalf("got %+v", s)
	}
	st, err := s.Statements("sqlite", graph.Up)
	if err != nil || st != nil {
		t.Fatalf("no section: %v %v", st, err)
	}
	// a base: no revises at all, Line 1
	s, err = Parse("b.sql", []byte("-- retort:revision 001\n-- retort:revises\n-- retort:upgrade\nSELECT 1;"))
	if err != nil || len(s.Revises) != 0 || s.Line != 2 {
		t.Fatalf("base: %+v %v", s, err)
	}
	s, err = Parse("b.sql", []byte("-- retort:revision 001\n"))
	if err != nil || s.Line != 1 {
		t.Fatalf("base: %+v %v", s, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"-- retort:revision 1\n-- retort:colour blue\n", "versions/003_x.sql:2: malformed header: unknown key \"colour\""},
		{"-- retort:message hi\n-- retort:upgrade\nSELECT 1;\n", "versions/003_x.sql:1: malformed header: missing -- retort:revision"},
		{"-- retort:revision 1\n-- retort:revision 2\n", "versions/003_x.sql:2: malformed header: duplicate key \"revision\" (first on line 1)"},
		{"-- retort:revision 1-2\n", "versions/003_x.sql:1: malformed header: bad revision id \"1-2\""},
		{"-- retort:revision 12\n-- retort:revises ab c.d\n", "versions/003_x.sql:2: malformed header: revises: bad id \"c.d\""},
		{"-- retort:revision\n", "versions/003_x.sql:1: malformed header: revision has no id"},
		{"-- retort:revision 1\nCREATE TABLE t (x int);\n", "versions/003_x.sql:2: malformed header: text before the first section marker"},
		{"-- retort:revision 1\n-- retort:no-transaction yes\n", "versions/003_x.sql:2: malformed header: no-transaction takes no value"},
		{"-- retort:revision 1\n\n-- retort:upgrade dialect=oracle\n", "versions/003_x.sql:3: unknown dialect \"oracle\""},
		{"-- retort:revision 1\n-- retort:upgrade\nSELECT 1;\n-- retort:upgrade\n", "versions/003_x.sql:4: repeated section \"upgrade\" (first on line 2)"},
		{"-- retort:revision 1\n-- retort:downgrade dialect=mysql\n-- retort:downgrade  dialect=mysql\n", "versions/003_x.sql:3: repeated section \"downgrade dialect=mysql\""},
		{"-- retort:revision 1\n-- retort:upgrade\nSELECT 1;\n-- retort:message late\n", "versions/003_x.sql:4: header key \"message\" after the first section marker"},
		{"-- retort:revision 1\n-- retort:upgrade\n-- retort:upgrad\n", "versions/003_x.sql:3: unknown directive \"retort:upgrad\""},
		{"-- retort:revision 1\n-- retort:upgrade sqlite\n", "versions/003_x.sql:2: unknown section option \"sqlite\""},
	} {
		_, err := Parse("versions/003_x.sql", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q)\n got: %v\nwant: %s...", tc.src, err, tc.want)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("error %v is not a *script.Error", err)
		}
	}
}

func TestStatementsErrorNamesFile(t *testing.T) {
	s, err := Parse("v/001_a.sql", []byte("-- retort:revision 001\n\n-- retort:upgrade\nSELECT 1;\nSELECT 'oops;\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Statements("sqlite", graph.Up)
	if err == nil || err.Error() != "v/001_a.sql:5: unterminated string" {
		t.Fatalf("got %v", err)
	}
}

func TestChecksum(t *testing.T) {
	a, _ := Parse("a.sql", []byte(quark))
	b, _ := Parse("a.sql", []byte(strings.Replace(quark, "create lswitch", "Create lswitch", 1)))
	c, _ := Parse("a.sql", []byte(strings.ReplaceAll(quark, "\n", "\r\n")))
	d, _ := Parse("a.sql", []byte(strings.Replace(quark, "DROP TABLE quark_lswitch_orphaned", "DROP TABLE quark_lswitch_orphaned CASCADE", 1)))
	if a.Checksum() != b.Checksum() {
		t.Error("editing the message changed the checksum")
	}
	if a.Checksum() != c.Checksum() {
		t.Error("CRLF line ends changed the checksum")
	}
	if a.Checksum() == d.Checksum() {
		t.Error("editing the SQL did not change the checksum")
	}
	if len(a.Checksum()) != 64 {
		t.Errorf("checksum %q is not hex sha256", a.Checksum())
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"m/versions/002_b.sql":     {Data: []byte("-- retort:revision 002\n-- retort:revises 001\n-- retort:upgrade\nSELECT 2;\n")},
		"m/versions/001_a.sql":     {Data: []byte("-- retort:revision 001\n-- retort:upgrade\nSELECT 1;\n")},
		"m/versions/README.md":     {Data: []byte("not a script")},
		"m/versions/.#003_x.sql":   {Data: []byte("editor lock file")},
		"m/versions/sub/004_c.sql": {Data: []byte("not read: subfolders are not scripts")},
	}
	scripts, err := Load(fsys, "m/versions")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) != 2 || scripts[0].ID != "001" || scripts[1].ID != "002" || scripts[1].File != "m/versions/002_b.sql" {
		t.Fatalf("got %v", scripts)
	}

	// Many files, two bad: the error is the first bad file's.
	many := fstest.MapFS{}
	for i := range 500 {
		name := filepath.ToSlash(filepath.Join("v", pad3(i)+"_s.sql"))
		body := "-- retort:revision r" + pad3(i) + "\n-- retort:upgrade\nSELECT 1;\n"
		if i == 137 || i == 400 {
			body = "-- retort:revision bad-id\n"
		}
		many[name] = &fstest.MapFile{Data: []byte(body)}
	}
	for range 20 { // workers race; the answer must not
		_, err = Load(many, "v")
		if err == nil || !strings.HasPrefix(err.Error(), "v/137_s.sql:1:") {
			t.Fatalf("got %v, want the error of v/137_s.sql", err)
		}
	}
	if _, err := Load(many, "missing"); err == nil {
		t.Fatal("want an error for a missing folder")
	}
}

func pad3(i int) string { return fmt.Sprintf("%03d", i) }

func TestRenderDefaultTemplate(t *testing.T) {
	n := New{ID: "007", Revises: []string{"006"}, Message: "Add snapshot\ntable", Created: time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC),
		BranchLabels: []string{"snap"}, DependsOn: []string{"003"}, NoTransaction: true}
	data, err := Render(DefaultTemplate, n)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("x.sql", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if s.ID != "007" || s.Message != "Add snapshot table" || s.Created != "2026-11-22 10:15:00Z" || !s.NoTransaction ||
		!slices.Equal(s.BranchLabels, []string{"snap"}) || !slices.Equal(s.DependsOn, []string{"003"}) ||
		!s.HasSection(graph.Up) || !s.HasSection(graph.Down) {
		t.Fatalf("got %+v from\n%s", s, data)
	}
	if st, err := s.Statements("sqlite", graph.Up); err != nil || len(st) != 0 {
		t.Fatalf("template sections should hold only comments: %v %v", st, err)
	}
	base, err := Render(DefaultTemplate, New{ID: "abc123abc123"})
	if err != nil || !strings.Contains(string(base), "-- retort:revises\n") {
		t.Fatalf("base: %v\n%s", err, base)
	}
	// Broken templates are refused.
	for _, tmpl := range []string{
		"-- retort:revision {{.ID}}\nCREATE TABLE x (y int);\n",
		"-- retort:revision {{.Nope}}\n",
		"-- retort:revision 999\n",
		"-- retort:revision {{.ID\n",
	} {
		if _, err := Render(tmpl, n); err == nil {
			t.Errorf("template %q: want an error", tmpl)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	n := New{ID: "007", Revises: []string{"006"}, Message: "Add snapshot table"}
	p, err := Write(dir, DefaultTemplate, n)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "007_add_snapshot_table.sql" {
		t.Fatalf("path %s", p)
	}
	data, _ := os.ReadFile(p)
	if s, err := Parse(p, data); err != nil || s.ID != "007" {
		t.Fatalf("written script: %v", err)
	}
	// Same id again (even with another message): refused, file untouched.
	if _, err := Write(dir, DefaultTemplate, New{ID: "007", Message: "other"}); err == nil {
		t.Fatal("want an error for an id already written")
	}
	// A bad template leaves nothing behind.
	if _, err := Write(dir, "-- retort:revision {{.ID}}\nSELECT 1;\n", New{ID: "008", Message: "x"}); err == nil {
		t.Fatal("want an error for a bad template")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	// An existing file of that name is never overwritten.
	if err := os.WriteFile(filepath.Join(dir, "009_x.sql.keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "009_x.sql"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, DefaultTemplate, New{ID: "009", Message: "x"}); err == nil {
		t.Fatal("want an error for an existing file")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "009_x.sql")); string(b) != "mine" {
		t.Fatal("existing file overwritten")
	}
	if _, err := Write(filepath.Join(dir, "missing"), DefaultTemplate, New{ID: "010"}); err == nil {
		t.Fatal("want an error for a missing folder")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Add snapshot table":                              "add_snapshot_table",
		"  --Add DNS table!!  ":                           "add_dns_table",
		"create lswitch and lswitch port orphaned tables": "create_lswitch_and_lswitch_port_orphaned",
		"été": "t",
		"":    "",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz": "abcdefghijklmnopqrstuvwxyzabcdefghijklmn",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNextID(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 15, 0, 0, time.FixedZone("x", 3600))
	for _, tc := range []struct {
		kind     string
		existing []string
		want     string
	}{
		{"sequential", nil, "001"},
		{"sequential", []string{"001", "006", "abc123"}, "007"},
		{"sequential", []string{"998", "999"}, "1000"},
		{"sequential", []string{"0041"}, "0042"},
		{"timestamp", nil, "20261122091500"},
		{"timestamp", []string{"20261122091500", "20261122091501"}, "20261122091502"},
	} {
		got, err := NextID(tc.kind, tc.existing, now)
		if err != nil || got != tc.want {
			t.Errorf("NextID(%q, %v) = %q, %v; want %q", tc.kind, tc.existing, got, err, tc.want)
		}
	}
	id, err := NextID("hex", nil, now)
	if err != nil || len(id) != 12 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("hex id %q, %v", id, err)
	}
	if _, err := NextID("uuid", nil, now); err == nil {
		t.Error("want an error for an unknown kind")
	}
}

func TestLoadDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "versions")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"002_b.sql":     "-- retort:revision 002\n-- retort:revises 001\n-- retort:upgrade\nSELECT 2;\n",
		"001_a.sql":     "-- retort:revision 001\n-- retort:upgrade\nSELECT 1;\n",
		"README.md":     "not a script",
		"sub/004_c.sql": "not read: subfolders are not scripts",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scripts, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) != 2 || scripts[0].ID != "001" || scripts[1].ID != "002" {
		t.Fatalf("got %v", scripts)
	}
	if want := filepath.Join(dir, "002_b.sql"); scripts[1].File != want || scripts[1].Path != want {
		t.Fatalf("File %q, Path %q, want both %q", scripts[1].File, scripts[1].Path, want)
	}
	if got, want := scripts[1].Checksum(), mustParse(t, filepath.Join(dir, "002_b.sql")).Checksum(); got != want {
		t.Fatalf("checksum %s, want %s", got, want)
	}

	// Many files, two bad: the error is the first bad file's, every time.
	for i := range 300 {
		body := "-- retort:revision r" + pad3(i) + "\n-- retort:upgrade\nSELECT 1;\n"
		if i == 137 || i == 200 {
			body = "-- retort:revision bad-id\n"
		}
		if err := os.WriteFile(filepath.Join(dir, pad3(i)+"_s.sql"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		_, err = LoadDir(dir)
		if want := filepath.Join(dir, "137_s.sql") + ":1:"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("got %v, want the error of %s", err, want)
		}
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("want an error for a missing folder")
	}
}

func mustParse(t *testing.T, path string) *Script {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
