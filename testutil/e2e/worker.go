package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Worker is one running taoworker process (miner or validator) with its log in the test's temp dir.
type Worker struct {
	T       testing.TB
	Name    string
	LogPath string
	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{}
	err     error
	stopped bool
}

// StartWorker runs `bin args...` in the background, logging to <tempdir>/<name>.log; the process
// is stopped (SIGINT, then kill after 20 s) when the test ends.
func StartWorker(t testing.TB, bin, name string, args ...string) *Worker {
	t.Helper()
	w := &Worker{T: t, Name: name, LogPath: filepath.Join(t.TempDir(), name+".log"), done: make(chan struct{})}
	f, err := os.Create(w.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	w.logFile = f
	w.cmd = exec.Command(bin, args...)
	w.cmd.Stdout, w.cmd.Stderr = f, f
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.err = w.cmd.Wait(); close(w.done) }()
	t.Cleanup(func() {
		if err := w.Stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("%s log tail:\n%s", name, Tail(w.Log(), 3000))
		}
	})
	return w
}

// Stop sends SIGINT and waits up to 20 s for the process to exit, then kills it. It returns an
// error when the process did not exit cleanly (non-zero status or killed); later calls return nil.
func (w *Worker) Stop() error {
	if w.stopped {
		return nil
	}
	w.stopped = true
	defer w.logFile.Close()
	select {
	case <-w.done:
		return exitErr(w.err, "exited early")
	default:
	}
	_ = w.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-w.done:
		return exitErr(w.err, "after SIGINT")
	case <-time.After(20 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
		return errors.New("did not stop within 20 s of SIGINT; killed")
	}
}

func exitErr(err error, when string) error {
	if err != nil {
		return errors.New(when + ": " + err.Error())
	}
	return nil
}

// Exited reports whether the process has ended.
func (w *Worker) Exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Log returns the process output so far.
func (w *Worker) Log() string {
	bz, _ := os.ReadFile(w.LogPath)
	return string(bz)
}

// CountLines returns how many log lines contain substr.
func (w *Worker) CountLines(substr string) int {
	n := 0
	for _, l := range strings.Split(w.Log(), "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

// PID returns the process id of the worker.
func (w *Worker) PID() int { return w.cmd.Process.Pid }

// Waiter polls conditions of an end-to-end test until a shared deadline, failing the test if any
// of its workers exits meanwhile.
type Waiter struct {
	T        testing.TB
	Start    time.Time
	Deadline time.Time
	// Workers must all stay up while the test waits; append to it as workers start.
	Workers *[]*Worker
}

// For polls cond every second until it holds; what names the condition in the failure.
func (w Waiter) For(what string, cond func() bool) {
	w.T.Helper()
	for !cond() {
		if time.Now().After(w.Deadline) {
			w.T.Fatalf("timed out after %s waiting for %s", time.Since(w.Start).Round(time.Second), what)
		}
		for _, wk := range *w.Workers {
			if wk.Exited() {
				w.T.Fatalf("%s exited while waiting for %s", wk.Name, what)
			}
		}
		time.Sleep(time.Second)
	}
}
