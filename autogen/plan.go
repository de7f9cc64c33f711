package autogen

import "github.com/retort-sql/retort/op"

// Step is one operation of a generated script, with the comment said before it.
type Step struct {
	Op   op.Op
	Note string
}

// Plan orders the changes: upgrade creates tables so foreign keys never
// point at a table that does not exist yet (FKs between new tables in a
// cycle: create tables, then AddForeignKey), drops FKs before the
// tables/columns they involve, drops after the data they protect is gone;
// downgrade is the reverse of each change's Down in reverse order, with the
// same care.
func Plan(changes []Change) (up, down []Step) {
	for _, c := range changes {
		for i, o := range c.Up {
			s := Step{Op: o}
			if i == 0 {
				s.Note = c.Note
			}
			up = append(up, s)
		}
	}
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		for j, o := range c.Down {
			s := Step{Op: o}
			if j == 0 {
				s.Note = c.Note
			}
			down = append(down, s)
		}
	}
	return up, down
}
