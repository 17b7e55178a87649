package netlab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The kernel's userspace packet queue (nfnetlink_queue): iptables' NFQUEUE target hands each
// matching packet to the socket bound to its queue number, and the packet waits in the kernel until
// the socket sends a verdict (accept or drop) for its id. Verdicts may come in any order, so every
// packet can be held for its own delay. Constants from linux/netfilter/nfnetlink_queue.h.
const (
	nfnlSubsysQueue = 3
	nfqnlMsgPacket  = 0
	nfqnlMsgVerdict = 1
	nfqnlMsgConfig  = 2

	nfqaCfgCmd      = 1
	nfqaCfgParams   = 2
	nfqaCfgMaxLen   = 3
	nfqaPacketHdr   = 1
	nfqaVerdictHdr  = 2
	nfqnlCfgCmdBind = 1
	nfqnlCopyMeta   = 1

	nfDrop   = 0
	nfAccept = 1

	queueMaxLen = 1 << 16
)

// Impairment is what a degraded link does to each packet: hold it for Delay ± Jitter (uniform, as
// netem's "delay D J") and drop LossPercent of them.
type Impairment struct {
	Delay       time.Duration
	Jitter      time.Duration
	LossPercent int
}

// QueueStats counts what the queue did.
type QueueStats struct {
	Delayed, Dropped, Overflows int64
}

// queue is one bound nfnetlink_queue socket applying an Impairment.
type queue struct {
	fd   int
	num  uint16
	imp  Impairment
	send sync.Mutex // one writer on the socket at a time; also guards rng and seq
	rng  *rand.Rand
	seq  uint32

	delayed, dropped, overflows atomic.Int64
	inflight                    sync.WaitGroup
	closed                      atomic.Bool
	readerDone                  chan struct{}
}

// openQueue binds queue num inside the network namespace at nsPath and starts applying imp to
// every packet it receives. The socket is created on a thread moved into that namespace; the thread
// is never returned to the Go scheduler (its goroutine ends locked, so the runtime discards it).
func openQueue(nsPath string, num uint16, imp Impairment, seed int64) (*queue, error) {
	type result struct {
		fd  int
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := socketIn(nsPath)
		ch <- result{fd, err}
	}()
	r := <-ch
	if r.err != nil {
		return nil, r.err
	}
	q := &queue{fd: r.fd, num: num, imp: imp, rng: rand.New(rand.NewSource(seed)), readerDone: make(chan struct{})}
	_ = unix.SetsockoptInt(q.fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
	// A closed socket does not wake a thread blocked in recvfrom: the reader wakes every 200 ms to
	// see whether the queue is being closed.
	tv := unix.NsecToTimeval(int64(200 * time.Millisecond))
	if err := unix.SetsockoptTimeval(q.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		_ = unix.Close(q.fd)
		return nil, fmt.Errorf("nfqueue receive timeout: %w", err)
	}
	maxLen := make([]byte, 4)
	binary.BigEndian.PutUint32(maxLen, queueMaxLen)
	params := make([]byte, 5) // copy_range (be32) 0, copy_mode: metadata only
	params[4] = nfqnlCopyMeta
	for _, a := range [][]byte{
		attr(nfqaCfgCmd, []byte{nfqnlCfgCmdBind, 0, 0, unix.AF_INET}),
		attr(nfqaCfgParams, params),
		attr(nfqaCfgMaxLen, maxLen),
	} {
		if err := q.request(nfqnlMsgConfig, a); err != nil {
			_ = unix.Close(q.fd)
			return nil, fmt.Errorf("configuring nfqueue %d: %w", num, err)
		}
	}
	go q.read()
	return q, nil
}

func socketIn(nsPath string) (int, error) {
	if err := enter(nsPath); err != nil {
		return -1, err
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
	if err != nil {
		return -1, fmt.Errorf("netfilter netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("binding netlink socket: %w", err)
	}
	return fd, nil
}

// attr encodes one netlink attribute, padded to 4 bytes.
func attr(typ uint16, payload []byte) []byte {
	l := 4 + len(payload)
	b := make([]byte, (l+3)&^3)
	binary.NativeEndian.PutUint16(b[0:], uint16(l))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[4:], payload)
	return b
}

// message encodes an nfnetlink message of the queue subsystem for this queue.
func (q *queue) message(msgType uint16, flags uint16, attrs []byte) []byte {
	q.seq++
	b := make([]byte, unix.NLMSG_HDRLEN+4+len(attrs))
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], nfnlSubsysQueue<<8|msgType)
	binary.NativeEndian.PutUint16(b[6:], unix.NLM_F_REQUEST|flags)
	binary.NativeEndian.PutUint32(b[8:], q.seq)
	b[16] = unix.AF_UNSPEC // nfgenmsg: family, version 0, queue number (big endian)
	binary.BigEndian.PutUint16(b[18:], q.num)
	copy(b[20:], attrs)
	return b
}

// request sends a config message and waits for the kernel's acknowledgement. It is used before
// the reader starts, when no packet can be queued yet (no rule points at the queue).
func (q *queue) request(msgType uint16, attrs []byte) error {
	msg := q.message(msgType, unix.NLM_F_ACK, attrs)
	if err := unix.Sendto(q.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(q.fd, buf, 0)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type == unix.NLMSG_ERROR && len(m.Data) >= 4 {
			if code := int32(binary.NativeEndian.Uint32(m.Data)); code != 0 {
				return syscall.Errno(-code)
			}
			return nil
		}
	}
	return errors.New("no acknowledgement from the kernel")
}

func (q *queue) verdict(id uint32, v uint32) {
	payload := make([]byte, 8)
	binary.BigEndian.PutUint32(payload[0:], v)
	binary.BigEndian.PutUint32(payload[4:], id)
	q.send.Lock()
	defer q.send.Unlock()
	if q.closed.Load() {
		return
	}
	_ = unix.Sendto(q.fd, q.message(nfqnlMsgVerdict, 0, attr(nfqaVerdictHdr, payload)), 0,
		&unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// read receives queued packets until the socket is closed and schedules a verdict for each.
func (q *queue) read() {
	defer close(q.readerDone)
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(q.fd, buf, 0)
		if q.closed.Load() {
			return
		}
		if err == unix.ENOBUFS { // the socket buffer overflowed: those packets wait for the kernel's drop
			q.overflows.Add(1)
			continue
		}
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			continue
		}
		for _, m := range msgs {
			if m.Header.Type != nfnlSubsysQueue<<8|nfqnlMsgPacket || len(m.Data) < 4 {
				continue
			}
			if id, ok := packetID(m.Data[4:]); ok {
				q.handle(id)
			}
		}
	}
}

func packetID(attrs []byte) (uint32, bool) {
	for len(attrs) >= 4 {
		l := int(binary.NativeEndian.Uint16(attrs[0:]))
		typ := binary.NativeEndian.Uint16(attrs[2:]) & 0x3fff
		if l < 4 || l > len(attrs) {
			return 0, false
		}
		if typ == nfqaPacketHdr && l >= 8 {
			return binary.BigEndian.Uint32(attrs[4:]), true
		}
		attrs = attrs[(l+3)&^3:]
	}
	return 0, false
}

func (q *queue) handle(id uint32) {
	q.send.Lock()
	drop := q.rng.Intn(100) < q.imp.LossPercent
	d := q.imp.Delay
	if q.imp.Jitter > 0 {
		d += time.Duration(q.rng.Int63n(int64(2*q.imp.Jitter)+1)) - q.imp.Jitter
	}
	q.send.Unlock()
	if drop {
		q.dropped.Add(1)
		q.verdict(id, nfDrop)
		return
	}
	q.delayed.Add(1)
	q.inflight.Add(1)
	time.AfterFunc(d, func() {
		defer q.inflight.Done()
		q.verdict(id, nfAccept)
	})
}

// close waits until every held packet has had its verdict (bounded by the longest delay) and
// unbinds the queue; packets still queued in the kernel then are dropped by it. Call it after the rule that feeds the queue is gone.
func (q *queue) close() QueueStats {
	waited := make(chan struct{})
	go func() { q.inflight.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(q.imp.Delay + q.imp.Jitter + 5*time.Second):
	}
	q.send.Lock()
	q.closed.Store(true)
	q.send.Unlock()
	<-q.readerDone // within one receive timeout
	_ = unix.Close(q.fd)
	return QueueStats{Delayed: q.delayed.Load(), Dropped: q.dropped.Load(), Overflows: q.overflows.Load()}
}

// enter moves the calling (locked) thread into the network namespace at nsPath.
func enter(nsPath string) error {
	ns, err := unix.Open(nsPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", nsPath, err)
	}
	defer unix.Close(ns)
	if err := unix.Setns(ns, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering %s: %w", nsPath, err)
	}
	return nil
}
