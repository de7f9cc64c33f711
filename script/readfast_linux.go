package script

import (
	"io/fs"
	"syscall"
)

// dirReader returns a function reading files of the folder root straight
// from the kernel, or nil when root cannot be opened (the portable path
// then reports the error).
//
// Why: LoadDir's cost is almost all system calls. os.ReadFile spends about
// seven per file (openat, fcntl, fstat, fstat, read, read, close); openat
// relative to an open folder, read and close are enough for scripts, which
// is what makes `retort heads` on 10,000 scripts fast.
func dirReader(root string) (read func(name string, buf []byte) ([]byte, error), closeDir func()) {
	dfd, err := syscall.Open(root, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil // let the portable path report it
	}
	read = func(name string, buf []byte) ([]byte, error) {
		fd, err := syscall.Openat(dfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		defer syscall.Close(fd)
		buf = buf[:0]
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return nil, &fs.PathError{Op: "read", Path: name, Err: err}
			}
			if n == 0 {
				return buf, nil
			}
			full := len(buf)+n == cap(buf)
			buf = buf[:len(buf)+n]
			if !full {
				// A read of a regular file on Linux comes back short only at
				// its end, so the read that would return 0 is skipped: one
				// system call in four, for every script.
				return buf, nil
			}
		}
	}
	return read, func() { syscall.Close(dfd) }
}
