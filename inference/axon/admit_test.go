package axon_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
)

// slowResult is what a slow client saw: the axon's status (0 if none) after how long.
type slowResult struct {
	status int
	after  time.Duration
	err    error
}

// slowRequest sends POST /v1/infer from local IP from over a raw connection: headers signed by s
// (nil: unsigned, i.e. an attacker without a key; a signer stands for headers copied from a
// validator's traffic) at once, then the body one byte every 500 ms. It returns when the axon
// answers or after 3 s, and leaves no connection or goroutine behind.
func (e *env) slowRequest(s *auth.Signer, from string) slowResult {
	body := []byte(`{"prompt":"The weather in the","candidates":[" valley"]}`)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: time.Second}
	conn, err := d.Dial("tcp", e.srv.Addr())
	if err != nil {
		return slowResult{err: err}
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	req, err := http.NewRequest(http.MethodPost, e.srv.URL()+protocol.InferPath, nil)
	if err != nil {
		return slowResult{err: err}
	}
	if s != nil {
		if _, err := s.SignRequest(req, body, e.miner.Address(), time.Now()); err != nil {
			return slowResult{err: err}
		}
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n",
		protocol.InferPath, e.srv.Addr(), len(body))
	_ = req.Header.Write(&head)
	head.WriteString("\r\n")
	start := time.Now()
	if _, err := conn.Write(head.Bytes()); err != nil {
		return slowResult{err: err}
	}

	stop := make(chan struct{})
	var trickle sync.WaitGroup
	trickle.Add(1)
	go func() {
		defer trickle.Done()
		for i := range body {
			if _, err := conn.Write(body[i : i+1]); err != nil {
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	defer trickle.Wait()
	defer close(stop)
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return slowResult{after: time.Since(start), err: err}
	}
	resp.Body.Close()
	return slowResult{status: resp.StatusCode, after: time.Since(start)}
}

// metric returns the value of the sample named series (with labels, as exposed) or "".
func (e *env) metric(t *testing.T, series string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL()+protocol.MetricsPath, nil)
	for _, line := range strings.Split(string(e.do(t, req).body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// waitMetric polls until series has value want, for at most 2 s.
func (e *env) waitMetric(t *testing.T, series, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for e.metric(t, series) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q, want %q", series, e.metric(t, series), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// validatorClient returns a real validator client sending from local IP from.
func (e *env) validatorClient(t *testing.T, from string) *dendrite.Client {
	t.Helper()
	transport := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}).DialContext}
	t.Cleanup(transport.CloseIdleConnections)
	c, err := dendrite.New(dendrite.Config{Signer: e.validator, HTTPClient: &http.Client{Transport: transport}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) minerEntry() metagraph.Miner {
	return metagraph.Miner{UID: 1, Hotkey: e.miner.Address(), Endpoint: e.srv.URL()}
}

// Issue 12 item 4: slow bodies used to take the task slots before being read or authenticated, and
// valid validator requests got 503.
func TestSlowBodiesHoldNoTaskSlot(t *testing.T) {
	const bodyTimeout = 2 * time.Second // the valid requests must finish while the attack lasts
	e := start(t, model.Train(corpus.Train(), 2), func(c *axon.Config) {
		c.BodyTimeout = bodyTimeout
		c.MaxReadsPerIP = 64 // every slow body gets read at once: more of them than task slots
	})
	const slowSigned, slowUnsigned, valid = 12, 12, 32

	var attack sync.WaitGroup
	results := make([]slowResult, slowSigned+slowUnsigned)
	for i := range results {
		s := e.validator
		if i >= slowSigned {
			s = nil
		}
		attack.Add(1)
		go func() {
			defer attack.Done()
			results[i] = e.slowRequest(s, "127.0.0.1")
		}()
	}
	defer attack.Wait()
	e.waitMetric(t, "taoworker_axon_reads_in_flight", fmt.Sprint(slowSigned))

	client := e.validatorClient(t, "127.0.0.1")
	task := protocol.InferRequest{Prompt: "The weather in the", Candidates: []string{" valley", "xq"}}
	// The valid requests come from 8 senders: fewer than the task slots (16), so they never need
	// more slots than the axon has when the slow bodies hold none, however slowly a loaded
	// machine runs them; more than the 4 slots the 12 slow signed bodies would leave if they held
	// slots, so that regression still gives 503s.
	const senders = 8
	errs := make([]error, valid)
	var validators sync.WaitGroup
	for w := range senders {
		validators.Add(1)
		go func() {
			defer validators.Done()
			for i := w; i < valid; i += senders {
				_, errs[i] = client.Infer(context.Background(), e.minerEntry(), task)
			}
		}()
	}
	validators.Wait()
	if got := e.metric(t, "taoworker_axon_reads_in_flight"); got != fmt.Sprint(slowSigned) {
		t.Fatalf("the attack was over (%s slow bodies left) before the valid requests finished", got)
	}
	ok := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("valid request %d: %v", i, err)
			continue
		}
		ok++
	}
	t.Logf("valid requests answered under %d slow bodies: %d/%d", slowSigned+slowUnsigned, ok, valid)

	attack.Wait()
	for i, r := range results {
		want, early, late := http.StatusRequestTimeout, bodyTimeout, bodyTimeout+time.Second
		if i >= slowSigned {
			want, early, late = http.StatusUnauthorized, 0, bodyTimeout/2 // refused from its headers
		}
		if r.err != nil || r.status != want || r.after < early || r.after > late {
			t.Errorf("slow client %d: status %d after %s (%v), want %d within [%s, %s]", i, r.status, r.after, r.err, want, early, late)
		}
	}
	for series, want := range map[string]string{
		`taoworker_axon_rejected_total{reason="slow_body"}`:          fmt.Sprint(slowSigned),
		`taoworker_axon_requests_total{code="408",path="/v1/infer"}`: fmt.Sprint(slowSigned),
		`taoworker_axon_requests_total{code="200",path="/v1/infer"}`: fmt.Sprint(valid),
		`taoworker_axon_reads_in_flight`:                             "0",
		`taoworker_axon_tasks_in_flight`:                             "0",
	} {
		if got := e.metric(t, series); got != want {
			t.Errorf("%s = %q, want %q", series, got, want)
		}
	}
}

func TestReadsLimitedPerIP(t *testing.T) {
	const bodyTimeout = 300 * time.Millisecond
	e := start(t, model.Train(corpus.Train(), 2), func(c *axon.Config) {
		c.BodyTimeout = bodyTimeout
		c.MaxReadsPerIP = 2
	})
	const attacker = "127.0.0.2" // another loopback address: another client
	if ln, err := net.Listen("tcp", attacker+":0"); err != nil {
		t.Skipf("no second loopback address: %v", err)
	} else {
		ln.Close()
	}

	// Two slow bodies from the attacker's IP fill its quota...
	var attack sync.WaitGroup
	held := make([]slowResult, 2)
	for i := range held {
		attack.Add(1)
		go func() {
			defer attack.Done()
			held[i] = e.slowRequest(e.validator, attacker)
		}()
	}
	defer attack.Wait()
	e.waitMetric(t, "taoworker_axon_reads_in_flight", "2")

	// ...so a third is refused at once, while another IP is served.
	if r := e.slowRequest(e.validator, attacker); r.err != nil || r.status != http.StatusTooManyRequests || r.after >= bodyTimeout {
		t.Fatalf("over the limit: status %d after %s (%v), want 429 at once", r.status, r.after, r.err)
	}
	task := protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}}
	if _, err := e.validatorClient(t, "127.0.0.1").Infer(context.Background(), e.minerEntry(), task); err != nil {
		t.Fatalf("other IP while the attacker is at its limit: %v", err)
	}

	attack.Wait()
	for i, r := range held {
		if r.err != nil || r.status != http.StatusRequestTimeout {
			t.Fatalf("slow client %d: status %d after %s (%v), want 408", i, r.status, r.after, r.err)
		}
	}
	// The quota is given back when the slow bodies are cut off.
	if _, err := e.validatorClient(t, attacker).Infer(context.Background(), e.minerEntry(), task); err != nil {
		t.Fatalf("attacker's IP after its reads ended: %v", err)
	}
	for series, want := range map[string]string{
		`taoworker_axon_rejected_total{reason="ip_limit"}`:  "1",
		`taoworker_axon_rejected_total{reason="slow_body"}`: "2",
		`taoworker_axon_reads_in_flight`:                    "0",
	} {
		if got := e.metric(t, series); got != want {
			t.Errorf("%s = %q, want %q", series, got, want)
		}
	}
}
