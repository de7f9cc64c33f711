package autogen

import (
	"cmp"
	"slices"
	"strings"

	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Step is one operation of a generated script, with the comment said before it.
type Step struct {
	Op   op.Op
	Note string

	place placement // where the change pinned it, if it did
}

// Plan orders the changes: upgrade creates tables so foreign keys never
// point at a table that does not exist yet (FKs between new tables in a
// cycle: create tables, then AddForeignKey), drops FKs before the
// tables/columns they involve, drops after the data they protect is gone;
// downgrade is the reverse of each change's Down in reverse order, with the
// same care.
//
// Both directions go through one scheduler, which sorts operations into
// phases by what they do, keeping the changes' order within a phase:
//
//  1. drop foreign keys (nothing may point at what is about to go, and
//     MySQL keeps an index behind each);
//  2. drop checks and primary keys, and the unique constraints and
//     indexes whose names an added one takes;
//  3. create tables, referred tables before referring ones; foreign keys
//     that close a cycle among the new tables are left out and added in 5;
//  4. add columns, then alter them, then add primary keys, unique
//     constraints, indexes, checks and comments;
//  5. add foreign keys, once every table, column and key they refer to
//     exists;
//  6. drop the other indexes and unique constraints, once their
//     replacements exist (MySQL refuses to drop the index a foreign key
//     relies on while no other serves it), then drop columns;
//  7. drop tables, referring tables before the tables they refer to.
func Plan(changes []Change) (up, down []Step) {
	var ups, downs []Step
	for _, c := range changes {
		ups = append(ups, steps(c.Up, c.Note, c.place)...)
	}
	for i := len(changes) - 1; i >= 0; i-- {
		downs = append(downs, steps(changes[i].Down, changes[i].Note, changes[i].place)...)
	}
	return schedule(ups), schedule(downs)
}

// steps are a change's operations; the note goes before the first.
func steps(ops []op.Op, note string, place map[op.Op]placement) []Step {
	out := make([]Step, len(ops))
	for i, o := range ops {
		out[i].Op = o
		out[i].place = place[o]
		if i == 0 {
			out[i].Note = note
		}
	}
	return out
}

// phase is where an operation runs (see Plan), and its rank inside.
func phase(o op.Op) (int, int) {
	switch o := o.(type) {
	case *op.DropConstraint:
		if o.Kind == op.ForeignKey {
			return 1, 0
		}
		if o.Kind == op.PrimaryKey {
			return 2, 1 // after the indexes and uniques that may lean on it
		}
		return 2, 0
	case *op.DropIndex:
		return 2, 0
	case *op.CreateTable:
		return 3, 0
	case *op.AddColumn:
		return 4, 0
	case *op.AlterColumn:
		return 4, 1
	case *op.AddPrimaryKey:
		return 4, 2
	case *op.AddUnique:
		return 4, 3
	case *op.CreateIndex:
		return 4, 4
	case *op.AddCheck:
		return 4, 5
	case *op.SetTableComment:
		return 4, 6
	case *op.AddForeignKey:
		return 5, 0
	case *op.DropColumn:
		return 6, 0
	case *op.DropTable:
		return 7, 0
	}
	return 4, 7 // anything else (Execute, BulkInsert, RenameTable): with the other changes
}

func schedule(in []Step) []Step {
	reused := addedNames(in)
	where := func(s Step) (int, int) {
		switch s.place {
		case placeEarly:
			return 2, -1 // ahead of the drops it guards
		case placeLate:
			return 6, -1
		}
		if name, ok := droppedIndexName(s.Op); ok && !reused[strings.ToLower(name)] {
			return 6, -1 // before the columns go
		}
		return phase(s.Op)
	}
	byPhase := make([][]Step, 8)
	for _, s := range in {
		p, _ := where(s)
		byPhase[p] = append(byPhase[p], s)
	}
	for p := range byPhase {
		slices.SortStableFunc(byPhase[p], func(a, b Step) int {
			_, ra := where(a)
			_, rb := where(b)
			return cmp.Compare(ra, rb)
		})
	}
	creates, deferred := orderCreates(byPhase[3])
	byPhase[3] = creates
	byPhase[5] = append(deferred, byPhase[5]...)
	byPhase[7] = orderDrops(byPhase[7])
	var out []Step
	for _, p := range byPhase {
		out = append(out, p...)
	}
	return out
}

// droppedIndexName is the name of the index or unique constraint o drops,
// if o drops one.
func droppedIndexName(o op.Op) (string, bool) {
	switch o := o.(type) {
	case *op.DropIndex:
		return o.Name, true
	case *op.DropConstraint:
		if o.Kind == op.Unique {
			return o.Name, true
		}
	}
	return "", false
}

// addedNames are the lowercased names of the indexes and unique
// constraints the steps create: a dropped one of the same name must go
// first. Index names are compared across tables, as PostgreSQL's share
// one namespace per schema.
func addedNames(in []Step) map[string]bool {
	names := map[string]bool{}
	add := func(n string) {
		if n != "" {
			names[strings.ToLower(n)] = true
		}
	}
	for _, s := range in {
		switch o := s.Op.(type) {
		case *op.CreateIndex:
			if o.Index != nil {
				add(o.Index.Name)
			}
		case *op.AddUnique:
			if o.Constraint != nil {
				add(o.Constraint.Name)
			}
		case *op.CreateTable:
			if o.Table != nil {
				for _, ix := range o.Table.Indexes {
					add(ix.Name)
				}
				for _, u := range o.Table.Uniques {
					add(u.Name)
				}
			}
		}
	}
	return names
}

// orderCreates puts each new table after the new tables its foreign keys
// refer to. Where the references go round in a cycle, the first table of
// the cycle by name is created without its foreign keys to tables not yet
// created, which come back as AddForeignKey steps.
func orderCreates(creates []Step) (ordered, deferred []Step) {
	pending := map[string]*Step{}
	var names []string
	for i := range creates {
		t := creates[i].Op.(*op.CreateTable).Table
		key := strings.ToLower(t.Name)
		pending[key] = &creates[i]
		names = append(names, key)
	}
	// refs are the new tables a table refers to, itself left out: a
	// self-reference is created with the table.
	refs := func(t *schema.Table) []string {
		var out []string
		for _, fk := range t.ForeignKeys {
			r := strings.ToLower(fk.RefTable)
			if r != strings.ToLower(t.Name) && pending[r] != nil {
				out = append(out, r)
			}
		}
		return out
	}
	for len(pending) > 0 {
		progressed := false
		for _, key := range names {
			s := pending[key]
			if s == nil || len(refs(s.Op.(*op.CreateTable).Table)) > 0 {
				continue
			}
			ordered = append(ordered, *s)
			delete(pending, key)
			progressed = true
		}
		if progressed {
			continue
		}
		// A cycle: break it at the first pending table by name.
		for _, key := range names {
			s := pending[key]
			if s == nil {
				continue
			}
			t := s.Op.(*op.CreateTable).Table.Clone()
			var keep []*schema.ForeignKeyConstraint
			for _, fk := range t.ForeignKeys {
				r := strings.ToLower(fk.RefTable)
				if r != key && pending[r] != nil {
					deferred = append(deferred, Step{Op: &op.AddForeignKey{Table: t.Name, Constraint: fk}})
					continue
				}
				keep = append(keep, fk)
			}
			t.ForeignKeys = keep
			ordered = append(ordered, Step{Op: &op.CreateTable{Table: t}, Note: s.Note})
			delete(pending, key)
			break
		}
	}
	return ordered, deferred
}

// orderDrops drops a table only after the dropped tables that refer to
// it. Where references among dropped tables go round in a cycle, the
// foreign keys that close it are dropped first.
func orderDrops(drops []Step) []Step {
	pending := map[string]*Step{}
	var names []string
	for i := range drops {
		key := strings.ToLower(drops[i].Op.(*op.DropTable).Name)
		pending[key] = &drops[i]
		names = append(names, key)
	}
	fks := func(s *Step) []*schema.ForeignKeyConstraint {
		if t := s.Op.(*op.DropTable).Table; t != nil {
			return t.ForeignKeys
		}
		return nil
	}
	// referred reports whether another pending table refers to key.
	referred := func(key string) bool {
		for other, s := range pending {
			if other == key {
				continue
			}
			for _, fk := range fks(s) {
				if strings.ToLower(fk.RefTable) == key {
					return true
				}
			}
		}
		return false
	}
	var out, pre []Step
	dropped := map[string]map[string]bool{} // constraints already dropped, per table
	for len(pending) > 0 {
		progressed := false
		for _, key := range names {
			if pending[key] == nil || referred(key) {
				continue
			}
			out = append(out, *pending[key])
			delete(pending, key)
			progressed = true
		}
		if progressed {
			continue
		}
		// A cycle: drop the foreign keys that refer to the first pending
		// table by name, then it can go.
		for _, key := range names {
			if pending[key] == nil {
				continue
			}
			for _, other := range names {
				s := pending[other]
				if other == key || s == nil {
					continue
				}
				table := s.Op.(*op.DropTable).Name
				for _, fk := range fks(s) {
					if strings.ToLower(fk.RefTable) == key && fk.Name != "" && !dropped[other][fk.Name] {
						if dropped[other] == nil {
							dropped[other] = map[string]bool{}
						}
						dropped[other][fk.Name] = true
						pre = append(pre, Step{Op: &op.DropConstraint{Table: table, Name: fk.Name, Kind: op.ForeignKey}})
					}
				}
			}
			out = append(out, *pending[key])
			delete(pending, key)
			break
		}
	}
	return append(pre, out...)
}
