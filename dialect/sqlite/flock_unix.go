//go:build unix

package sqlite

import (
	"errors"
	"os"
	"syscall"
)

// tryFlock takes an exclusive flock without waiting. flock locks are
// independent of the fcntl locks SQLite takes, so this never interferes
// with SQLite's own locking.
func tryFlock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		default:
			return false, err
		}
	}
}

func unflock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
