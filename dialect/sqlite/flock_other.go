//go:build !unix

package sqlite

import "os"

// Without flock the run relies on SQLite's per-transaction write lock
// alone: every migration is still atomic, but two runs may interleave.
func tryFlock(*os.File) (bool, error) { return true, nil }
func unflock(*os.File) error          { return nil }
