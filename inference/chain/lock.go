package chain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockedError is returned by LockSigner when another process signs for the same hotkey and subnet.
type LockedError struct {
	// Hotkey and Netuid identify the signer.
	Hotkey string
	// Netuid is the subnet.
	Netuid uint16
	// Path is the lock file held by the other process.
	Path string
	// PID is the other process, as it wrote itself into the lock file (0 if unknown).
	PID int
}

// Error implements error.
func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("chain: hotkey %s on subnet %d is already signing evaluations in %s (lock %s held); "+
		"two validators on one hotkey and subnet could sign conflicting evaluations, so this one does not start",
		e.Hotkey, e.Netuid, holder, e.Path)
}

// SignerLock is held by the one process that signs evaluations for a (hotkey, netuid). It is an
// exclusive flock on two files: one in the journal directory (so that two workers sharing a home
// collide) and one in a machine-wide directory (so that two workers with different homes on one
// machine collide too). Workers for different subnets, or different hotkeys, never collide. The
// kernel drops the locks when the process ends, however it ends.
type SignerLock struct {
	files []*os.File
}

// LockPath returns the machine-wide lock file of (hotkey, netuid) in dir; empty dir means
// os.TempDir().
func LockPath(dir, hotkey string, netuid uint16) string {
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, fmt.Sprintf("taoworker-%s-%d.lock", hotkey, netuid))
}

// LockSigner takes the signer lock of j's hotkey and subnet: the file "lock" in j.Dir and
// LockPath(machineDir, ...). It fails with a *LockedError naming the holder when another process
// has either.
func LockSigner(j Journal, machineDir string) (*SignerLock, error) {
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return nil, err
	}
	l := &SignerLock{}
	for _, path := range []string{filepath.Join(j.Dir, "lock"), LockPath(machineDir, j.Hotkey, j.Netuid)} {
		f, err := lockFile(path)
		if err != nil {
			l.Release()
			var locked *LockedError
			if errors.As(err, &locked) {
				locked.Hotkey, locked.Netuid = j.Hotkey, j.Netuid
			}
			return nil, err
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

// Release drops the locks (the lock files stay, so that a later holder locks the same inode).
func (l *SignerLock) Release() {
	for _, f := range l.files {
		_ = unlockFile(f)
		_ = f.Close()
	}
	l.files = nil
}

// lockFile opens path and takes an exclusive non-blocking lock on it, then writes the process id
// into it for the error message of the next contender.
func lockFile(path string) (*os.File, error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("chain: signer lock %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errLocked) {
			return nil, &LockedError{Path: path, PID: lockHolder(path)}
		}
		return nil, fmt.Errorf("chain: signer lock %s: %w", path, err)
	}
	// Another user's lock file is readable only: it locks all the same, without the pid.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// lockHolder reads the process id the holder of path wrote into it (0 if unreadable).
func lockHolder(path string) int {
	bz, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(bz)))
	return pid
}
