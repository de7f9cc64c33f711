package graph

import (
	"errors"
	"strings"
	"testing"
)

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		revs []*Revision
		want string
		as   any
	}{
		{"duplicate id", []*Revision{rv("0001", ""), {ID: "0001", File: "versions/b.sql"}},
			"revision 0001 is defined twice: versions/0001.sql and versions/b.sql", new(*DuplicateError)},
		{"revises nothing", []*Revision{rv("001", ""), {ID: "002", Revises: []string{"009"}, File: "versions/002_x.sql", Line: 2}},
			"versions/002_x.sql:2: revision 002 revises 009, which no script defines", new(*MissingRevisionError)},
		{"depends on nothing", []*Revision{rv("001", ""), rv("002", "001", deps("zzzz"))},
			"versions/002.sql: revision 002 depends on zzzz, which no script defines", new(*MissingRevisionError)},
		{"self reference", []*Revision{rv("a", ""), rv("b", "b")},
			"revisions form a cycle: b -> b", new(*CycleError)},
		{"self dependency", []*Revision{rv("a", ""), rv("b", "a", deps("b"))},
			"revisions form a cycle: b -> b", new(*CycleError)},
		{"two-cycle", []*Revision{rv("a", ""), rv("b", "c"), rv("c", "b")},
			"revisions form a cycle: b -> c -> b", new(*CycleError)},
		// d revises c revises b revises d: in upgrade order b -> c -> d -> b.
		{"long cycle off the base", []*Revision{rv("a", ""), rv("b", "d"), rv("c", "b"), rv("d", "c"), rv("e", "a")},
			"revisions form a cycle: b -> c -> d -> b", new(*CycleError)},
		{"no base at all", []*Revision{rv("x", "z"), rv("y", "x"), rv("z", "y")},
			"revisions form a cycle: x -> y -> z -> x", new(*CycleError)},
		{"cycle through depends-on", []*Revision{rv("a", ""), rv("b", "a", deps("c")), rv("c", "b")},
			"revisions form a cycle: b -> c -> b", new(*CycleError)},
		{"duplicate label", []*Revision{rv("a", "", labels("x")), rv("b", "a", labels("x"))},
			"Branch name 'x' in revision b already used by revision a", new(*DuplicateLabelError)},
		{"label is an id", []*Revision{rv("a", ""), rv("b", "a", labels("a"))},
			"Branch name 'a' in revision b is the id of revision a", new(*DuplicateLabelError)},
		{"bad character", []*Revision{rv("a-1", "")},
			"Character(s) '-' not allowed in revision identifier 'a-1'", new(*RevisionError)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.revs)
			if err == nil {
				t.Fatalf("New succeeded, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want %q", err, c.want)
			}
			if !errors.As(err, c.as) {
				t.Errorf("error %T is not %T", err, c.as)
			}
		})
	}
}

func TestCycleMembers(t *testing.T) {
	_, err := New([]*Revision{rv("a", ""), rv("b", "d"), rv("c", "b"), rv("d", "c")})
	var ce *CycleError
	if !errors.As(err, &ce) || strings.Join(ce.Members, " ") != "b c d" {
		t.Fatalf("got %v", err)
	}
}

func TestResolve(t *testing.T) {
	g := mustNew(t,
		rv("abcd1234", ""), rv("abcd5678", "abcd1234"), rv("abc", "abcd5678", labels("feature")),
		rv("ffff0000", "abc"), rv("ee01", "abcd1234", labels("other")))
	cases := []struct {
		ref, want, err string
	}{
		{ref: "abcd1234", want: "abcd1234"},
		{ref: "abcd5", want: "abcd5678"},
		{ref: "abc", want: "abc"}, // exact id shorter than four characters
		{ref: "ffff", want: "ffff0000"},
		{ref: "feature", want: "abc"},
		{ref: "feature@ffff", want: "ffff0000"},
		{ref: "feature@ee01", err: "Revision ee01 is not a member of branch 'feature'"},
		{ref: "feature@head", want: "ffff0000"},
		{ref: "other@head", want: "ee01"},
		{ref: "abcd", err: "Multiple revisions start with 'abcd': abcd1234, abcd5678"},
		{ref: "fff", err: "Can't locate revision identified by 'fff'"}, // too short for a prefix
		{ref: "zzzz", err: "Can't locate revision identified by 'zzzz'"},
		{ref: "nope@head", err: "No such branch: 'nope'"},
		{ref: "head", err: "Multiple head revisions are present for given argument 'head'"},
	}
	for _, c := range cases {
		r, err := g.Get(c.ref)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Get(%q) = %v, %v; want error %q", c.ref, r, err, c.err)
			}
		case err != nil:
			t.Errorf("Get(%q): %v", c.ref, err)
		case r == nil || r.ID != c.want:
			t.Errorf("Get(%q) = %v, want %s", c.ref, r, c.want)
		}
	}
	var amb *AmbiguousError
	if _, err := g.Get("abcd"); !errors.As(err, &amb) || len(amb.Matches) != 2 {
		t.Errorf("want *AmbiguousError, got %v", err)
	}
	var unk *UnknownRevisionError
	if _, err := g.Get("fff"); !errors.As(err, &unk) || unk.Ref != "fff" {
		t.Errorf("want *UnknownRevisionError, got %v", err)
	}
	var mh *MultipleHeadsError
	if _, err := g.Resolve("head"); !errors.As(err, &mh) || strings.Join(mh.Heads, " ") != "ffff0000 ee01" {
		t.Errorf("want *MultipleHeadsError, got %v", err)
	}
	if r, err := g.Get("base"); r != nil || err != nil {
		t.Errorf("Get(base) = %v, %v", r, err)
	}
	for ref, want := range map[string]string{"heads": "ffff0000 ee01", "base": "", "feature@heads": "ffff0000", "abcd5": "abcd5678"} {
		revs, err := g.Resolve(ref)
		if err != nil || ids(revs) != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", ref, ids(revs), err, want)
		}
	}
	if _, err := g.Resolve("+1"); err == nil {
		t.Error("Resolve(+1) should refuse a relative target")
	}
}

func TestLabelInheritance(t *testing.T) {
	// Labels spread to descendants and down to the branch point (Alembic's
	// _add_branches), not past it.
	g := mustNew(t, rv("a", ""), rv("b", "a"), rv("c1", "b", labels("one")), rv("d1", "c1"),
		rv("c2", "b"), rv("d2", "c2", labels("two")), rv("e2", "d2"))
	for id, want := range map[string]string{"a": "", "b": "", "c1": "one", "d1": "one", "c2": "two", "d2": "two", "e2": "two"} {
		if got := strings.Join(g.BranchLabels(id), " "); got != want {
			t.Errorf("labels of %s = %q, want %q", id, got, want)
		}
	}
	// On a single line with a labelled base, everything is on the branch.
	g = mustNew(t, rv("a", "", labels("lib")), rv("b", "a"), rv("c", "b"))
	if got := strings.Join(g.BranchLabels("c"), " "); got != "lib" {
		t.Errorf("labels of c = %q", got)
	}
}

func TestGraphQueries(t *testing.T) {
	g := branched(t)
	if got := ids(g.Heads()); got != "d1 d2" {
		t.Errorf("Heads = %q", got)
	}
	if got := ids(g.Bases()); got != "a" {
		t.Errorf("Bases = %q", got)
	}
	if !g.IsBranchPoint("b") || g.IsBranchPoint("c1") || g.IsMergePoint("b") {
		t.Error("branch/merge point")
	}
	if got := strings.Join(g.Children("b"), " "); got != "c1 c2" {
		t.Errorf("Children(b) = %q", got)
	}
	if got := ids(g.Walk()); got != "d1 c1 d2 c2 b a" {
		t.Errorf("Walk = %q", got)
	}
	anc := g.Ancestors("c1", "d2")
	if len(anc) != 5 || !anc["a"] || !anc["c2"] || anc["d1"] {
		t.Errorf("Ancestors = %v", anc)
	}
	if g.Revision("c2") == nil || g.Revision("zz") != nil || len(g.Revisions()) != 6 {
		t.Error("Revision/Revisions")
	}
	m := mustNew(t, rv("a", ""), rv("b1", "a"), rv("b2", "a"), rv("m", "b1 b2"))
	if !m.IsMergePoint("m") || ids(m.Walk()) != "m b1 b2 a" {
		t.Errorf("merge walk = %q", ids(m.Walk()))
	}
}

func TestHistory(t *testing.T) {
	g := mustNew(t, rv("a", ""), rv("b", "a"), rv("c", "b"), rv("d", "c"), rv("e", "d"))
	cases := []struct {
		current, rng, want, err string
	}{
		{rng: "", want: "e d c b a"},
		{rng: "b:d", want: "d c b"},
		{rng: ":c", want: "c b a"},
		{rng: "c:", want: "e d c"},
		{rng: "-3:", want: "e d c b"},
		{current: "c", rng: "current:", want: "e d c"},
		{current: "c", rng: ":current", want: "c b a"},
		{current: "", rng: ":current", want: "e d c b a"},
		{rng: "d:b", err: "Requested range d:b does not refer to ancestor/descendant revisions along the same branch"},
		{rng: "abc", err: "History range requires [start]:[end], [start]:, or :[end]"},
	}
	for _, c := range cases {
		revs, err := g.History(strings.Fields(c.current), c.rng)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("History(%q) error %v, want %q", c.rng, err, c.err)
			}
			continue
		}
		if err != nil || ids(revs) != c.want {
			t.Errorf("History(%q, %q) = %q, %v; want %q", c.current, c.rng, ids(revs), err, c.want)
		}
	}
}

func TestDirectionString(t *testing.T) {
	if Up.String() != "upgrade" || Down.String() != "downgrade" || Stamp.String() != "stamp" {
		t.Error("Direction.String")
	}
}

func TestStepFromTo(t *testing.T) {
	g := mustNew(t, rv("a", ""), rv("b1", "a"), rv("b2", "a"), rv("m", "b1 b2"))
	steps, err := g.Upgrade([]string{"b1", "b2"}, "m")
	if err != nil || len(steps) != 1 {
		t.Fatal(steps, err)
	}
	if s := steps[0]; strings.Join(s.From, ",") != "b1,b2" || strings.Join(s.To, ",") != "m" || s.Direction != Up {
		t.Errorf("step %+v", s)
	}
	steps, err = g.Downgrade([]string{"m"}, "base")
	if err != nil || len(steps) != 4 {
		t.Fatal(steps, err)
	}
	if s := steps[0]; strings.Join(s.From, ",") != "m" || strings.Join(s.To, ",") != "b1,b2" || s.Direction != Down {
		t.Errorf("step %+v", s)
	}
	if s := steps[3]; len(s.To) != 0 || s.Revision.ID != "a" {
		t.Errorf("last step %+v", s)
	}
}

func TestDependsOnLabelAndPrefix(t *testing.T) {
	g := mustNew(t, rv("aaaa1111", "", labels("lib")), rv("bbbb2222", ""),
		rv("cccc3333", "bbbb2222", deps("lib", "bbbb")))
	// The label and the prefix both resolve; bbbb2222, named twice (as
	// parent and as dependency), appears once.
	if got := strings.Join(g.DownRevisions("cccc3333"), " "); got != "bbbb2222 aaaa1111" {
		t.Errorf("DownRevisions = %q", got)
	}
	if got := strings.Join(g.Dependents("aaaa1111"), " "); got != "cccc3333" {
		t.Errorf("Dependents = %q", got)
	}
	if _, err := New([]*Revision{rv("aaaa1111", ""), rv("aaaa2222", ""), rv("c", "", deps("aaaa"))}); err == nil ||
		!strings.Contains(err.Error(), "Multiple revisions start with 'aaaa'") {
		t.Errorf("ambiguous dependency: %v", err)
	}
}
