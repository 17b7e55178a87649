// Package netlab builds a private network of Linux network namespaces for end-to-end tests: every
// node gets its own namespace (its own network stack, address and ports) joined by a veth pair to a
// bridge in a switch namespace, and the test process reaches every node through one more veth into
// the same bridge. Faults are applied in the switch namespace, to traffic between nodes only (the
// test's own traffic is never touched):
//
//   - Partition drops every packet between nodes of different groups (iptables DROP on the
//     bridge's forward path; br_netfilter is enabled in the switch namespace only).
//   - Degrade holds every packet between two nodes for a delay ± jitter and drops a percentage of
//     them. The kernels these tests run on are built without the netem qdisc (and without fq, so
//     BPF departure times are out too), so the packets go through iptables' NFQUEUE target to a
//     queue in the test process, which gives each its verdict after its own delay: the same effect
//     as `tc qdisc add ... netem delay D J loss L` on the bridge, at packet level.
//
// Everything needs root, iproute2 and iptables; Available says what is missing.
package netlab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostOctet is the last octet of the test process's address on the lab network.
const hostOctet = 254

// Lab is one private network of N node namespaces behind one bridge.
type Lab struct {
	t      testing.TB
	id     string // short random tag in every name, so parallel labs never collide
	subnet string // e.g. "10.213.7": node i is <subnet>.<i+1>, the test process <subnet>.254
	nodes  int

	mu    sync.Mutex
	queue *queue
	seed  int64
}

// Available reports why this machine cannot build a lab, or nil: the tests need root (network
// namespaces, veth, bridges, iptables), iproute2's `ip` and `iptables`.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("not root: network namespaces, veth pairs and iptables need CAP_NET_ADMIN")
	}
	for _, bin := range []string{"ip", "iptables"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("%s not installed (Debian: apt-get install iproute2 iptables; scripts/install-test-deps.sh does it)", bin)
		}
	}
	tag := "nlprobe" + randomTag(2)
	if out, err := exec.Command("ip", "netns", "add", tag).CombinedOutput(); err != nil {
		return fmt.Errorf("ip netns add refused: %v: %s", err, bytes.TrimSpace(out))
	}
	defer exec.Command("ip", "netns", "del", tag).Run() //nolint:errcheck
	if out, err := exec.Command("ip", "netns", "exec", tag, "iptables", "-L", "FORWARD").CombinedOutput(); err != nil {
		return fmt.Errorf("iptables does not work in a namespace: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

func randomTag(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// New builds a lab of n node namespaces (n ≤ 200) and removes it when the test ends.
func New(t testing.TB, n int) *Lab {
	t.Helper()
	if err := Available(); err != nil {
		t.Fatalf("netlab: %v", err)
	}
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	l := &Lab{t: t, id: randomTag(2), subnet: fmt.Sprintf("10.%d.%d", 200+int(b[0])%50, int(b[1])%250), nodes: n,
		seed: time.Now().UnixNano()}
	t.Cleanup(l.destroy)
	sw := l.sw()
	l.ip("netns", "add", sw)
	l.ip("-n", sw, "link", "set", "lo", "up")
	l.ip("-n", sw, "link", "add", "br0", "type", "bridge")
	l.ip("-n", sw, "link", "set", "br0", "up")
	for i := 0; i < n; i++ {
		ns, a, b := l.NS(i), l.veth(i, "a"), l.veth(i, "b")
		l.ip("netns", "add", ns)
		l.ip("-n", ns, "link", "set", "lo", "up")
		l.ip("link", "add", a, "type", "veth", "peer", "name", b)
		l.ip("link", "set", a, "netns", ns)
		l.ip("-n", ns, "link", "set", a, "name", "eth0")
		l.ip("-n", ns, "addr", "add", l.IP(i)+"/24", "dev", "eth0")
		l.ip("-n", ns, "link", "set", "eth0", "up")
		l.plug(b)
	}
	// The test process's own port on the bridge.
	ha, hb := l.veth(hostOctet, "a"), l.veth(hostOctet, "b")
	l.ip("link", "add", ha, "type", "veth", "peer", "name", hb)
	l.ip("addr", "add", l.HostIP()+"/24", "dev", ha)
	l.ip("link", "set", ha, "up")
	l.plug(hb)
	// Bridged IPv4 frames through iptables (this namespace only); the test's traffic is accepted
	// first, then the partition and link chains see node-to-node traffic.
	l.run("ip", "netns", "exec", sw, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1")
	l.iptables("-N", "lab-part")
	l.iptables("-N", "lab-link")
	l.iptables("-A", "FORWARD", "-s", l.HostIP(), "-j", "ACCEPT")
	l.iptables("-A", "FORWARD", "-d", l.HostIP(), "-j", "ACCEPT")
	l.iptables("-A", "FORWARD", "-j", "lab-part")
	l.iptables("-A", "FORWARD", "-j", "lab-link")
	return l
}

func (l *Lab) sw() string                  { return "nl" + l.id + "-sw" }
func (l *Lab) veth(i int, s string) string { return fmt.Sprintf("nl%s%d%s", l.id, i, s) }

// NS is the name of node i's network namespace.
func (l *Lab) NS(i int) string { return fmt.Sprintf("nl%s-n%d", l.id, i) }

// IP is node i's address.
func (l *Lab) IP(i int) string { return fmt.Sprintf("%s.%d", l.subnet, i+1) }

// HostIP is the test process's address on the lab network.
func (l *Lab) HostIP() string { return fmt.Sprintf("%s.%d", l.subnet, hostOctet) }

// Exec is the command prefix that runs a program inside node i's namespace; `ip netns exec` execs
// the program, so the started process is the program itself (signals reach it directly).
func (l *Lab) Exec(i int) []string { return []string{"ip", "netns", "exec", l.NS(i)} }

func (l *Lab) plug(dev string) {
	l.ip("link", "set", dev, "netns", l.sw())
	l.ip("-n", l.sw(), "link", "set", dev, "master", "br0")
	l.ip("-n", l.sw(), "link", "set", dev, "up")
}

func (l *Lab) ip(args ...string) { l.t.Helper(); l.run("ip", args...) }

func (l *Lab) iptables(args ...string) {
	l.t.Helper()
	l.run("ip", append([]string{"netns", "exec", l.sw(), "iptables", "-w"}, args...)...)
}

func (l *Lab) run(name string, args ...string) {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		l.t.Fatalf("netlab: %s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
}

// Partition drops every packet between nodes that are in different groups; a node in no group is
// cut off from every node. It replaces any previous partition.
func (l *Lab) Partition(groups ...[]int) {
	l.t.Helper()
	group := make([]int, l.nodes)
	for i := range group {
		group[i] = -1 - i // alone
	}
	for g, members := range groups {
		for _, i := range members {
			group[i] = g
		}
	}
	l.iptables("-F", "lab-part")
	for i := 0; i < l.nodes; i++ {
		for j := 0; j < l.nodes; j++ {
			if i != j && group[i] != group[j] {
				l.iptables("-A", "lab-part", "-s", l.IP(i), "-d", l.IP(j), "-j", "DROP")
			}
		}
	}
}

// Heal removes the partition.
func (l *Lab) Heal() { l.t.Helper(); l.iptables("-F", "lab-part") }

// Degrade applies imp to every packet between two nodes until Restore.
func (l *Lab) Degrade(imp Impairment) {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.queue != nil {
		l.t.Fatal("netlab: links are already degraded")
	}
	l.seed++
	q, err := openQueue(filepath.Join("/run/netns", l.sw()), 7, imp, l.seed)
	if err != nil {
		l.t.Fatalf("netlab: %v", err)
	}
	l.queue = q
	l.iptables("-A", "lab-link", "-j", "NFQUEUE", "--queue-num", "7")
}

// Restore ends the degradation and returns what the queue did to the packets.
func (l *Lab) Restore() QueueStats {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.queue == nil {
		return QueueStats{}
	}
	l.iptables("-F", "lab-link")
	st := l.queue.close()
	l.queue = nil
	return st
}

// destroy removes the namespaces (which deletes their veth ends and the bridge) and the test
// process's veth.
func (l *Lab) destroy() {
	l.mu.Lock()
	if l.queue != nil {
		_ = exec.Command("ip", "netns", "exec", l.sw(), "iptables", "-w", "-F", "lab-link").Run()
		l.queue.close()
		l.queue = nil
	}
	l.mu.Unlock()
	_ = exec.Command("ip", "link", "del", l.veth(hostOctet, "a")).Run()
	for i := 0; i < l.nodes; i++ {
		_ = exec.Command("ip", "netns", "del", l.NS(i)).Run()
	}
	_ = exec.Command("ip", "netns", "del", l.sw()).Run()
}

// Listen opens a TCP listener inside node i's namespace (the socket stays in that namespace).
func (l *Lab) Listen(i int, port int) (net.Listener, error) {
	type result struct {
		ln  net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread leaves with the namespace it entered
		if err := enter(filepath.Join("/run/netns", l.NS(i))); err != nil {
			ch <- result{nil, err}
			return
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("%s:%d", l.IP(i), port))
		ch <- result{ln, err}
	}()
	r := <-ch
	return r.ln, r.err
}

// Dial opens a TCP connection from inside node i's namespace.
func (l *Lab) Dial(i int, addr string, timeout time.Duration) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if err := enter(filepath.Join("/run/netns", l.NS(i))); err != nil {
			ch <- result{nil, err}
			return
		}
		c, err := net.DialTimeout("tcp", addr, timeout)
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
