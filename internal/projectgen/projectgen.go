// Package projectgen writes retort projects with many revisions, for
// benchmarks and for tests that need a long or branched history.
package projectgen

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write creates dir/retort.ini and dir/migrations/versions with n
// revisions named 001, 002, ... (zero-padded to the width of n), each
// creating one table t<id>. With branches = 0 they form one chain; with
// branches = B the chain is cut into B blocks, each a branch point, two
// parallel lines and the merge that joins them.
func Write(dir string, n, branches int) error {
	versions := filepath.Join(dir, "migrations", "versions")
	if err := os.MkdirAll(versions, 0o755); err != nil {
		return err
	}
	ini := "[retort]\nscript_location = migrations\nrevision_ids = sequential\n[database]\nconnection = sqlite:///%(here)s/bench.db\n"
	if err := os.WriteFile(filepath.Join(dir, "retort.ini"), []byte(ini), 0o644); err != nil {
		return err
	}
	w := writer{dir: versions, width: len(fmt.Sprint(n))}
	if branches == 0 {
		prev := []int{}
		for i := 1; i <= n; i++ {
			if err := w.write(i, prev); err != nil {
				return err
			}
			prev = []int{i}
		}
		return nil
	}
	// Each block is a branch point, two lines of equal length, and the
	// merge that joins them; the blocks follow one another.
	block := n / branches
	line := (block - 2) / 2
	if line < 1 {
		return fmt.Errorf("%d revisions are too few for %d branches", n, branches)
	}
	id := 0
	prev := []int{}
	next := func(parents []int) (int, error) {
		id++
		return id, w.write(id, parents)
	}
	for b := 0; b < branches; b++ {
		point, err := next(prev)
		if err != nil {
			return err
		}
		var tips []int
		for l := 0; l < 2; l++ {
			tip := point
			for k := 0; k < line; k++ {
				if tip, err = next([]int{tip}); err != nil {
					return err
				}
			}
			tips = append(tips, tip)
		}
		merge, err := next(tips)
		if err != nil {
			return err
		}
		prev = []int{merge}
	}
	for id < n {
		last, err := next(prev)
		if err != nil {
			return err
		}
		prev = []int{last}
	}
	return nil
}

type writer struct {
	dir   string
	width int
}

func (w writer) id(i int) string { return fmt.Sprintf("%0*d", w.width, i) }

func (w writer) write(i int, parents []int) error {
	revises := ""
	for k, p := range parents {
		if k > 0 {
			revises += " "
		}
		revises += w.id(p)
	}
	text := fmt.Sprintf(`-- retort:revision %[1]s
-- retort:revises %[2]s
-- retort:message create table t%[1]s
-- retort:created 2026-11-22 10:00:00Z

-- retort:upgrade
CREATE TABLE t%[1]s (id INTEGER PRIMARY KEY, name VARCHAR(64));

-- retort:downgrade
DROP TABLE t%[1]s;
`, w.id(i), revises)
	return os.WriteFile(filepath.Join(w.dir, fmt.Sprintf("%s_create_table_t%s.sql", w.id(i), w.id(i))), []byte(text), 0o644)
}
