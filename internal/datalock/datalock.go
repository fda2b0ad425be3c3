// Package datalock keeps a second server off a data dir: two processes
// writing one SQLite file and one avatar dir would undo each other's
// clean-ups and draw codes the other does not accept.
package datalock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Lock is a held lock on a data dir.
type Lock struct{ f *os.File }

// ErrLocked: another process holds the data dir.
var ErrLocked = errors.New("data dir in use")

// Acquire takes the lock file kmusers.lock in dir, without waiting. The
// lock is the kernel's (flock): it goes with the process, even on a crash.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, "kmusers.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(b))
		if pid == "" {
			pid = "another process"
		} else {
			pid = "process " + pid
		}
		return nil, fmt.Errorf("%w: %s is served by %s (lock file %s); stop it first or use another --data", ErrLocked, dir, pid, path)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// Release lets another process take the data dir.
func (l *Lock) Release() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
