//go:build !unix

package chain

import (
	"errors"
	"os"
	"runtime"
)

// errLocked is tryLock's answer when another open file holds the lock.
var errLocked = errors.New("locked by another process")

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

// tryLock refuses: without flock the worker cannot prove it is the only signer of its hotkey.
func tryLock(*os.File) error {
	return errors.New("no signer lock on " + runtime.GOOS + "; run the validator on a unix system")
}

func unlockFile(*os.File) error { return nil }
