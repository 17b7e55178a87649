package netlab_test

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/netlab"
)

// echo serves line echo on ln until it is closed.
func echo(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadBytes('\n')
				if err != nil {
					return
				}
				if _, err := c.Write(line); err != nil {
					return
				}
			}
		}()
	}
}

// roundTrips sends n lines over c and returns the mean round-trip time.
func roundTrips(t *testing.T, c net.Conn, n int) time.Duration {
	t.Helper()
	r := bufio.NewReader(c)
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := fmt.Fprintf(c, "ping %d\n", i); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ReadBytes('\n'); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start) / time.Duration(n)
}

// TestLab checks the lab's own promises on two nodes: they reach each other and the test process
// reaches both; a partition cuts node-to-node traffic but not the test's; Degrade delays each packet
// between nodes by delay ± jitter (a round trip crosses the bridge twice) and drops the given share.
func TestLab(t *testing.T) {
	if err := netlab.Available(); err != nil {
		t.Skipf("network namespaces are not available on this machine: %v", err)
	}
	lab := netlab.New(t, 2)
	ln, err := lab.Listen(1, 7000)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go echo(ln)
	target := lab.IP(1) + ":7000"

	c, err := lab.Dial(0, target, 2*time.Second)
	if err != nil {
		t.Fatalf("node0 → node1: %v", err)
	}
	base := roundTrips(t, c, 20)
	t.Logf("round trip node0 → node1: %s", base)
	if base > 50*time.Millisecond {
		t.Fatalf("undisturbed round trip %s, want < 50ms", base)
	}

	lab.Degrade(netlab.Impairment{Delay: 200 * time.Millisecond, Jitter: 50 * time.Millisecond})
	slow := roundTrips(t, c, 5)
	st := lab.Restore()
	t.Logf("round trip with 200ms ± 50ms per crossing: %s (%d packets delayed)", slow, st.Delayed)
	if slow < 300*time.Millisecond || slow > 1500*time.Millisecond {
		t.Fatalf("degraded round trip %s, want 300ms..1.5s (two crossings of 150..250ms)", slow)
	}
	if st.Delayed < 10 || st.Dropped != 0 {
		t.Fatalf("queue stats %+v: want ≥ 10 delayed, 0 dropped", st)
	}

	lab.Degrade(netlab.Impairment{Delay: time.Millisecond, LossPercent: 5})
	roundTrips(t, c, 300)
	st = lab.Restore()
	total := st.Delayed + st.Dropped
	t.Logf("5%% loss: %d of %d packets dropped", st.Dropped, total)
	if total < 600 || st.Dropped*100 < total*2 || st.Dropped*100 > total*9 {
		t.Fatalf("queue stats %+v: want ≥ 600 packets with 2%%..9%% dropped", st)
	}
	c.Close()

	lab.Partition([]int{0}, []int{1})
	if c, err := lab.Dial(0, target, time.Second); err == nil {
		c.Close()
		t.Fatal("node0 reached node1 across a partition")
	}
	hc, err := net.DialTimeout("tcp", target, 2*time.Second)
	if err != nil {
		t.Fatalf("the test process lost node1 during the partition: %v", err)
	}
	hc.Close()
	lab.Heal()
	c, err = lab.Dial(0, target, 2*time.Second)
	if err != nil {
		t.Fatalf("node0 → node1 after healing: %v", err)
	}
	c.Close()
}
