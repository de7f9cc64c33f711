package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// rv declares a revision: rv("c", "a b") revises a and b.
func rv(id, revises string, opts ...func(*Revision)) *Revision {
	r := &Revision{ID: id, Revises: strings.Fields(revises), File: "versions/" + id + ".sql", Line: 2}
	for _, o := range opts {
		o(r)
	}
	return r
}

func labels(l ...string) func(*Revision) { return func(r *Revision) { r.BranchLabels = l } }
func deps(d ...string) func(*Revision)   { return func(r *Revision) { r.DependsOn = d } }

func mustNew(t testing.TB, revs ...*Revision) *Graph {
	t.Helper()
	g, err := New(revs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// fmtStep renders a step compactly: "up:b ~a>b", "up:m -b1 ~b2>m",
// "down:m +b1 ~m>b2", "down:a -a", "stamp:x +x".
func fmtStep(s Step) string {
	dir := map[Direction]string{Up: "up", Down: "down", Stamp: "stamp"}[s.Direction]
	id := "base"
	if s.Revision != nil {
		id = s.Revision.ID
	}
	out := dir + ":" + id
	for _, d := range s.Delete {
		out += " -" + d
	}
	for _, i := range s.Insert {
		out += " +" + i
	}
	if s.UpdateFrom != "" {
		out += " ~" + s.UpdateFrom + ">" + s.UpdateTo
	}
	return out
}

func fmtSteps(steps []Step) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmtStep(s)
	}
	return strings.Join(parts, ", ")
}

// applyRows applies the steps' version-table changes to rows, failing on
// a change that doesn't fit (deleting or updating a missing row, inserting
// a present one), and returns the sorted result.
func applyRows(t testing.TB, rows []string, steps []Step) []string {
	t.Helper()
	set := map[string]bool{}
	for _, r := range rows {
		set[r] = true
	}
	for _, s := range steps {
		for _, d := range s.Delete {
			if !set[d] {
				t.Fatalf("step %s deletes absent row %s", fmtStep(s), d)
			}
			delete(set, d)
		}
		for _, i := range s.Insert {
			if set[i] {
				t.Fatalf("step %s inserts present row %s", fmtStep(s), i)
			}
			set[i] = true
		}
		if s.UpdateFrom != "" {
			if !set[s.UpdateFrom] || set[s.UpdateTo] {
				t.Fatalf("step %s: bad update with rows %v", fmtStep(s), set)
			}
			delete(set, s.UpdateFrom)
			set[s.UpdateTo] = true
		}
	}
	out := []string{}
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func ids(revs []*Revision) string {
	s := make([]string, len(revs))
	for i, r := range revs {
		s[i] = r.ID
	}
	return strings.Join(s, " ")
}

// planCase is one upgrade/downgrade/stamp expectation.
type planCase struct {
	name    string
	op      string // "up", "down"
	current string
	target  string
	steps   string // fmtSteps of the plan
	rows    string // sorted rows after it
	err     string // substring of the error, when one is expected
}

func runPlans(t *testing.T, g *Graph, cases []planCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := strings.Fields(c.current)
			var steps []Step
			var err error
			switch c.op {
			case "up":
				steps, err = g.Upgrade(cur, c.target)
			case "down":
				steps, err = g.Downgrade(cur, c.target)
			case "stamp":
				steps, err = g.Stamp(cur, strings.Fields(c.target), false)
			case "purge":
				steps, err = g.Stamp(cur, strings.Fields(c.target), true)
				cur = nil
			default:
				t.Fatalf("bad op %q", c.op)
			}
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("%s %s from [%s]: error %v, want %q (steps %s)", c.op, c.target, c.current, err, c.err, fmtSteps(steps))
				}
				return
			}
			if err != nil {
				t.Fatalf("%s %s from [%s]: %v", c.op, c.target, c.current, err)
			}
			if got := fmtSteps(steps); got != c.steps {
				t.Errorf("%s %s from [%s]:\n got steps %s\nwant steps %s", c.op, c.target, c.current, got, c.steps)
			}
			if got := strings.Join(applyRows(t, cur, steps), " "); got != c.rows {
				t.Errorf("%s %s from [%s]: rows %q, want %q", c.op, c.target, c.current, got, c.rows)
			}
		})
	}
}

var _ = fmt.Sprint
