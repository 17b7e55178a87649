package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// RSSMiB is the running node process's resident set size in MiB (Linux /proc).
func (n *Node) RSSMiB() (int64, error) {
	if n.cmd == nil || n.cmd.Process == nil {
		return 0, fmt.Errorf("node %s is not running", n.Home)
	}
	return ProcessRSSMiB(n.cmd.Process.Pid)
}

// ProcessRSSMiB is the resident set size in MiB of process pid (Linux /proc).
func ProcessRSSMiB(pid int) (int64, error) {
	bz, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(bz), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb >> 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
