//go:build unix

package chain

import (
	"errors"
	"os"
	"syscall"
)

// errLocked is tryLock's answer when another open file holds the lock.
var errLocked = errors.New("locked by another process")

// openLockFile opens (creating, world-readable) a lock file without following a symlink planted in
// a shared directory; a file another user created is opened read-only, which flock accepts.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, os.ErrPermission) {
		return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	}
	return f, err
}

func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
