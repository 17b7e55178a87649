// Package benchclock measures benchmarks on a shared machine: the CPU time of the process
// (user + system, every thread, garbage collection included) leaves out the time spent waiting
// for a core, which wall time mostly measures when neighbours are busy.
package benchclock

import (
	"syscall"
	"testing"
	"time"
)

// ProcessCPU is the CPU time the process has used so far; tb fails if it cannot be read.
func ProcessCPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
