package graph

import (
	"fmt"
	"testing"
)

// linearRevs is a 10,000-revision chain, as files would give it.
func linearRevs(n int) []*Revision {
	revs := make([]*Revision, n)
	for i := range revs {
		r := &Revision{ID: fmt.Sprintf("%012x", i+1), File: fmt.Sprintf("versions/%05d.sql", i), Line: 2}
		if i > 0 {
			r.Revises = []string{revs[i-1].ID}
		}
		revs[i] = r
	}
	return revs
}

// branchedRevs is n revisions where the trunk forks into two lines every
// 20 revisions and merges them back: 500 branches and 500 merges at 10k.
func branchedRevs(n int) []*Revision {
	revs := make([]*Revision, 0, n)
	id := func() string { return fmt.Sprintf("%012x", len(revs)+1) }
	add := func(revises ...string) string {
		r := &Revision{ID: id(), Revises: revises}
		revs = append(revs, r)
		return r.ID
	}
	tip := add()
	for len(revs)+20 <= n {
		left, right := tip, tip
		for k := 0; k < 9; k++ {
			left = add(left)
			right = add(right)
		}
		tip = add(left, right)
	}
	for len(revs) < n {
		tip = add(tip)
	}
	return revs
}

func BenchmarkNewLinear10k(b *testing.B) {
	revs := linearRevs(10000)
	b.ReportAllocs()
	for b.Loop() {
		g, err := New(revs)
		if err != nil || len(g.Heads()) != 1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewBranched10k(b *testing.B) {
	revs := branchedRevs(10000)
	b.ReportAllocs()
	for b.Loop() {
		g, err := New(revs)
		if err != nil || len(g.Heads()) != 1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpgradePlanLinear10k(b *testing.B) {
	g, err := New(linearRevs(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		steps, err := g.Upgrade(nil, "head")
		if err != nil || len(steps) != 10000 {
			b.Fatal(len(steps), err)
		}
	}
}

func BenchmarkUpgradePlanBranched10k(b *testing.B) {
	g, err := New(branchedRevs(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		steps, err := g.Upgrade(nil, "heads")
		if err != nil || len(steps) != 10000 {
			b.Fatal(len(steps), err)
		}
	}
}

func BenchmarkWalkBranched10k(b *testing.B) {
	g, err := New(branchedRevs(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(g.Walk()) != 10000 {
			b.Fatal("short walk")
		}
	}
}

func TestBranchedFixture(t *testing.T) {
	g := mustNew(t, branchedRevs(10000)...)
	if len(g.Heads()) != 1 || len(g.Bases()) != 1 {
		t.Fatalf("heads %d bases %d", len(g.Heads()), len(g.Bases()))
	}
	merges := 0
	for _, r := range g.Revisions() {
		if g.IsMergePoint(r.ID) {
			merges++
		}
	}
	if merges < 490 {
		t.Errorf("only %d merges", merges)
	}
	steps, err := g.Upgrade(nil, "heads")
	if err != nil {
		t.Fatal(err)
	}
	if rows := applyRows(t, nil, steps); len(rows) != 1 || rows[0] != g.Heads()[0].ID {
		t.Errorf("rows after upgrade: %v", rows)
	}
	down, err := g.Downgrade([]string{g.Heads()[0].ID}, "base")
	if err != nil || len(applyRows(t, []string{g.Heads()[0].ID}, down)) != 0 {
		t.Fatal(err)
	}
}
