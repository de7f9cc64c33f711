//go:build !unix

package sqlite

import "os"

// Without flock nothing orders two runs before SQLite does: the run still
// holds SQLite's write lock from its first migration to its end (see
// holdWriteLock), so runs cannot interleave, but a second run is not told
// who holds the lock and fails with "database is locked" after the busy
// timeout instead of waiting for lock_timeout.
func tryFlock(*os.File) (bool, error) { return true, nil }
func unflock(*os.File) error          { return nil }
