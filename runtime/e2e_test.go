package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/script"
)

// Compile-time check that the real graph is what the runtime plans with.
var _ Graph = (*graph.Graph)(nil)

// project loads a versions folder through script and graph, as the CLI does.
func project(t *testing.T, dir string) (*graph.Graph, map[string]Migration) {
	t.Helper()
	scripts, err := script.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	revs := make([]*graph.Revision, len(scripts))
	migs := map[string]Migration{}
	for i, s := range scripts {
		revs[i] = &s.Revision
		migs[s.ID] = s
	}
	g, err := graph.New(revs)
	if err != nil {
		t.Fatal(err)
	}
	return g, migs
}

func writeScripts(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A base, two branches, and their merge.
var branchy = map[string]string{
	"a1_base.sql": `-- retort:revision aaaa0001
-- retort:message base

-- retort:upgrade
CREATE TABLE ta (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE ta;
`,
	"b1_left.sql": `-- retort:revision bbbb0001
-- retort:revises aaaa0001
-- retort:message left

-- retort:upgrade
CREATE TABLE tb (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE tb;
`,
	"c1_right.sql": `-- retort:revision cccc0001
-- retort:revises aaaa0001
-- retort:message right

-- retort:upgrade
CREATE TABLE tc (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE tc;
`,
	"d1_merge.sql": `-- retort:revision dddd0001
-- retort:revises bbbb0001 cccc0001
-- retort:message merge

-- retort:upgrade
CREATE TABLE td (id INTEGER PRIMARY KEY);
INSERT INTO nosuch VALUES (1);

-- retort:downgrade
DROP TABLE td;
`,
}

func TestEndToEndBranchesAndMerge(t *testing.T) {
	dir := writeScripts(t, branchy)
	g, migs := project(t, dir)
	db, _ := tempDB(t)
	var logs logBuffer
	m := New(db, g, migs, Options{Logger: logs.logger()})

	// Both branches, as two rows.
	if err := m.Upgrade(ctx, "bbbb0001"); err != nil {
		t.Fatal(err)
	}
	if err := m.Upgrade(ctx, "cccc0001"); err != nil {
		t.Fatal(err)
	}
	if heads, err := m.Heads(ctx); err != nil || !reflect.DeepEqual(heads, []string{"bbbb0001", "cccc0001"}) {
		t.Fatalf("Heads = %v, %v", heads, err)
	}

	// The merge fails on its second statement, at line 7 of its file.
	err := m.Upgrade(ctx, "head")
	var se *StepError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	want := filepath.Join(dir, "d1_merge.sql") + ":7: revision dddd0001, statement 2 of 2: no such table: nosuch"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	if heads, _ := m.Heads(ctx); !reflect.DeepEqual(heads, []string{"bbbb0001", "cccc0001"}) {
		t.Errorf("Heads after failed merge = %v", heads)
	}
	if got := userTables(t, db); !reflect.DeepEqual(got, []string{"ta", "tb", "tc"}) {
		t.Errorf("tables = %v", got)
	}

	// Fixed (a changed script that never ran is no obstacle), the merge
	// collapses the two rows into one.
	fixed := strings.Replace(branchy["d1_merge.sql"], "INSERT INTO nosuch VALUES (1);\n", "", 1)
	os.WriteFile(filepath.Join(dir, "d1_merge.sql"), []byte(fixed), 0o644)
	g, migs = project(t, dir)
	m = New(db, g, migs, Options{Logger: logs.logger()})
	if err := m.Upgrade(ctx, "heads"); err != nil {
		t.Fatal(err)
	}
	if heads, _ := m.Heads(ctx); !reflect.DeepEqual(heads, []string{"dddd0001"}) {
		t.Errorf("Heads after merge = %v", heads)
	}
	msgs := logs.messages()
	if got := msgs[len(msgs)-1]; got != "Running upgrade bbbb0001, cccc0001 -> dddd0001, merge" {
		t.Errorf("merge line = %q", got)
	}

	// Down through the merge: the rows split again, then go.
	if err := m.Downgrade(ctx, "aaaa0001"); err != nil {
		t.Fatal(err)
	}
	if heads, _ := m.Heads(ctx); !reflect.DeepEqual(heads, []string{"aaaa0001"}) {
		t.Errorf("Heads after downgrade = %v", heads)
	}
	if got := userTables(t, db); !reflect.DeepEqual(got, []string{"ta"}) {
		t.Errorf("tables after downgrade = %v", got)
	}

	// Checksums are the script package's: edit an applied script.
	base := filepath.Join(dir, "a1_base.sql")
	os.WriteFile(base, []byte(strings.Replace(branchy["a1_base.sql"], "id INTEGER", "id BIGINT", 1)), 0o644)
	g, migs = project(t, dir)
	m = New(db, g, migs, Options{})
	var ce *ChangedScriptError
	if err := m.Upgrade(ctx, "heads"); !errors.As(err, &ce) || ce.Mismatches[0].File != base {
		t.Fatalf("err = %v", err)
	}
	if err := m.Stamp(ctx, []string{"aaaa0001"}, false); err != nil {
		t.Fatal(err)
	}
	if err := m.Upgrade(ctx, "heads"); err != nil {
		t.Fatal(err)
	}
	if err := m.Stamp(ctx, []string{"base"}, false); err != nil {
		t.Fatal(err)
	}
	if heads, _ := m.Heads(ctx); len(heads) != 0 {
		t.Errorf("Heads after stamp base = %v", heads)
	}
}

// The Alembic-style reference project, on Alembic's version table.
func TestEndToEndQuark(t *testing.T) {
	g, migs := project(t, filepath.Join("..", "examples", "quark", "migrations", "versions"))
	db, _ := tempDB(t)
	var logs logBuffer
	m := New(db, g, migs, Options{VersionTable: "alembic_version", Logger: logs.logger()})
	if err := m.Upgrade(ctx, "1284c81cf727"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Context impl SQLiteImpl.",
		"Will assume transactional DDL.",
		"Running upgrade  -> 4358d1b8cc75, initial",
		"Running upgrade 4358d1b8cc75 -> 1284c81cf727, create lswitch and lswitch port orphaned tables",
	}
	if got := logs.messages(); !reflect.DeepEqual(got, want) {
		t.Errorf("log:\n%q\nwant\n%q", got, want)
	}
	if got := versionRows(t, db, "alembic_version"); !reflect.DeepEqual(got, []string{"1284c81cf727"}) {
		t.Errorf("version rows = %v", got)
	}
	if mm, err := m.Verify(ctx); err != nil || len(mm) != 0 {
		t.Errorf("Verify = %v, %v", mm, err)
	}
	if err := m.Downgrade(ctx, "base"); err != nil {
		t.Fatal(err)
	}
}
