package main_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/e2e"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

type metaNeuron struct {
	UID             int    `json:"uid"`
	Hotkey          string `json:"hotkey"`
	Incentive       int    `json:"incentive"`
	ValidatorPermit bool   `json:"validator_permit"`
	Axon            struct {
		Port int `json:"port"`
	} `json:"axon"`
}

// TestWorkersRankMinersOnChain runs the real binaries: a localnet with the demo subnet (tempo 10),
// three `taoworker miner` processes serving n-gram models of orders 1, 3 and 5, and one
// `taoworker validator`. After the validator has submitted evaluations in at least two epochs and
// another epoch has run, the on-chain incentive ranks the miners by model quality. Every process
// must then stop cleanly on SIGINT.
func TestWorkersRankMinersOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	start := time.Now()
	n := e2e.NewLocalnet(t)
	n.Start()
	t.Setenv("DEMO_VALIDATOR", "1") // demo.sh: tempo 10, validator-hot with a permit, hotkeys without TAO
	out := n.RunScript("demo.sh")
	if !strings.Contains(out, "validator-hot") {
		t.Fatalf("demo.sh did not set up the validator:\n%s", out)
	}
	t.Logf("localnet + demo.sh ready after %s", time.Since(start).Round(time.Second))
	bin := e2e.Binary(t, "taoworker")
	grpcAddr := fmt.Sprintf("127.0.0.1:%d", n.GRPC)
	common := []string{"--grpc", grpcAddr, "--chain-id", n.ChainID, "--keyring-dir", n.Home,
		"--keyring-backend", "test", "--netuid", "1", "--log-format", "json"}

	// A hotkey that is neither registered nor funded cannot pay for serving its axon: the miner
	// says so at start, with the fix, and exits non-zero instead of retrying forever.
	n.CLI("keys", "add", "stranger-hot", "--keyring-backend", "test")
	stranger := exec.Command(bin, append(append([]string{"miner"}, common...), "--hotkey", "stranger-hot", "--order", "1",
		"--listen", fmt.Sprintf("127.0.0.1:%d", e2e.FreePort(t)), "--home", filepath.Join(t.TempDir(), "stranger"))...)
	if out, err := stranger.CombinedOutput(); err == nil || !strings.Contains(string(out), "not registered on subnet 1") ||
		!strings.Contains(string(out), "register-neuron") {
		t.Fatalf("unregistered, unfunded miner: err %v, want an exit naming the fix:\n%s", err, out)
	}

	// The demo's miner hotkeys hold no TAO: their coldkeys pay for their axons.
	orders := map[string]int{"miner1-hot": 1, "miner2-hot": 3, "miner3-hot": 5}
	ports := map[string]int{}
	var miners []*e2e.Worker
	for _, hk := range []string{"miner1-hot", "miner2-hot", "miner3-hot"} {
		ports[hk] = e2e.FreePort(t)
		args := append([]string{"miner"}, common...)
		args = append(args, "--hotkey", hk, "--order", strconv.Itoa(orders[hk]),
			"--listen", fmt.Sprintf("127.0.0.1:%d", ports[hk]), "--metagraph-refresh", "2s",
			"--home", filepath.Join(t.TempDir(), hk))
		miners = append(miners, e2e.StartWorker(t, bin, hk, args...))
	}
	metrics := e2e.FreePort(t)
	vargs := append([]string{"validator"}, common...)
	vargs = append(vargs, "--hotkey", "validator-hot", "--tasks-per-miner", "256", "--timeout", "2s", "--epoch-budget", "6s",
		"--metrics-listen", fmt.Sprintf("127.0.0.1:%d", metrics), "--home", filepath.Join(t.TempDir(), "validator"))
	val := e2e.StartWorker(t, bin, "validator", vargs...)

	// Wait (bounded) for evaluations in ≥ 2 epochs, then for one more epoch to run on them.
	deadline := time.Now().Add(4 * time.Minute)
	for val.CountLines("evaluation submitted") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("validator submitted %d evaluations within 4 minutes", val.CountLines("evaluation submitted"))
		}
		for _, w := range append(miners, val) {
			if w.Exited() {
				t.Fatalf("%s exited", w.Name)
			}
		}
		time.Sleep(time.Second)
	}
	var info struct {
		NextEpochHeight string `json:"next_epoch_height"`
	}
	n.QueryJSON(&info, "intelligence", "epoch-info", "1")
	next, err := strconv.ParseInt(info.NextEpochHeight, 10, 64)
	if err != nil {
		t.Fatalf("next_epoch_height %q: %v", info.NextEpochHeight, err)
	}
	n.WaitHeight(next+1, 60*time.Second)
	t.Logf("2 epochs evaluated after %s", time.Since(start).Round(time.Second))

	var meta struct {
		Neurons []metaNeuron `json:"neurons"`
	}
	n.QueryJSON(&meta, "subnet", "metagraph", "1")
	incentive := map[int]int{}
	for _, nr := range meta.Neurons {
		for hk, o := range orders {
			if nr.Hotkey == n.Address(hk) {
				incentive[o] = nr.Incentive
				if nr.Axon.Port != ports[hk] {
					t.Errorf("%s axon port %d on chain, serving on %d", hk, nr.Axon.Port, ports[hk])
				}
			}
		}
		if nr.Hotkey == n.Address("validator-hot") && !nr.ValidatorPermit {
			t.Errorf("validator-hot lost its permit")
		}
	}
	t.Logf("on-chain incentive by n-gram order: o1 %d, o3 %d, o5 %d", incentive[1], incentive[3], incentive[5])
	if !(incentive[5] > incentive[3] && incentive[3] > incentive[1]) {
		t.Fatalf("incentive not ranked by quality: o1 %d o3 %d o5 %d", incentive[1], incentive[3], incentive[5])
	}

	// Metrics endpoints answer with the worker's series.
	mustContain(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics), "taoworker_validator_submissions_total")
	mustContain(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics), "taoworker_validator_miner_score_ema{uid=")
	mustContain(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", ports["miner3-hot"]), `taoworker_axon_requests_total{code="200",path="/v1/infer"}`)
	mustContain(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", ports["miner3-hot"]), "ok")

	// Graceful shutdown: every worker exits 0 on SIGINT.
	for _, w := range append(miners, val) {
		if err := w.Stop(); err != nil {
			t.Errorf("%s: %v", w.Name, err)
		}
	}

	t.Run("ChainClient", func(t *testing.T) { testChainClient(t, n) })
	t.Logf("total %s", time.Since(start).Round(time.Second))
}

func mustContain(t *testing.T, url, want string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		t.Fatalf("GET %s: %s, body lacks %q", url, resp.Status, want)
	}
}

// testChainClient drives inference/chain in-process against the running node: concurrent senders
// from one key (ErrWrongSequence → refetch), a tx refused in simulation, and the pending-submission state machine on real
// transactions: rebroadcast of the same bytes, rebuild after the sequence moved, done when the
// hash is on chain.
func testChainClient(t *testing.T, n *e2e.Node) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	kr, err := chain.OpenKeyring(n.Home, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &e2e.Output{}
	dial := func() *chain.Client {
		c, err := chain.Dial(ctx, chain.Config{GRPCAddr: fmt.Sprintf("127.0.0.1:%d", n.GRPC), Keyring: kr, MaxRetries: 8,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	c1, c2 := dial(), dial()
	if c1.ChainID() != n.ChainID {
		t.Fatalf("chain id %q from the node, want %q", c1.ChainID(), n.ChainID)
	}
	bob, alice := n.Address("bob"), n.Address("alice")
	send := func(amount int64) sdk.Msg {
		return banktypes.NewMsgSend(sdk.MustAccAddressFromBech32(bob), sdk.MustAccAddressFromBech32(alice),
			sdk.NewCoins(sdk.NewCoin("rao", sdkmath.NewInt(amount))))
	}

	// Two clients with their own sequence tracking send from bob at once: one of them is rejected
	// with ErrWrongSequence in CheckTx, refetches and lands anyway.
	_, seq0, err := c1.Account(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		c := c1
		if i%2 == 1 {
			c = c2
		}
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = c.Send(ctx, "bob", send(int64(1000+i))) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent send %d: %v", i, err)
		}
	}
	if _, seq, _ := c1.Account(ctx, bob); seq != seq0+4 {
		t.Fatalf("bob's sequence %d after 4 sends from %d", seq, seq0)
	}
	retries := strings.Count(logs.String(), "incorrect account sequence")
	t.Logf("%d retries after ErrWrongSequence", retries)
	if retries == 0 {
		t.Fatalf("concurrent senders never hit ErrWrongSequence; logs:\n%s", logs.String())
	}
	checkRefusedSimulation(ctx, t, c1, logs, "bob", bob)

	hot, err := chain.HotkeyPrivKey(kr, "validator-hot")
	if err != nil {
		t.Fatal(err)
	}
	journal := chain.NewJournal(t.TempDir(), n.Address("validator-hot"), 1)
	store := journal.Pending()
	sub, err := chain.NewEvaluationSubmitter(c1, hot, "bob", journal, nil)
	if err != nil {
		t.Fatal(err)
	}
	save := func(tx chain.SignedTx) {
		t.Helper()
		if err := store.Save(chain.Pending{Netuid: 1, Epoch: 1, Signer: tx.Signer, Sequence: tx.Sequence, TxHash: tx.Hash, TxBytes: tx.Bytes}); err != nil {
			t.Fatal(err)
		}
	}

	// Crash after saving, before broadcasting: the sequence is free, the same bytes are sent.
	a, err := c1.Sign(ctx, "bob", send(7))
	if err != nil {
		t.Fatal(err)
	}
	save(a)
	if _, found, onChain, err := sub.ResolvePending(ctx); err != nil || !found || !onChain {
		t.Fatalf("rebroadcast: found %v on chain %v err %v", found, onChain, err)
	}
	if st, err := c1.GetTx(ctx, a.Hash); err != nil || !st.Found || st.Code != 0 {
		t.Fatalf("rebroadcast tx %s: %+v %v", a.Hash, st, err)
	}
	if _, found, _, _ := sub.ResolvePending(ctx); found {
		t.Fatal("resolved submission left in the store")
	}

	// Already included (crash after broadcast): done, nothing sent again.
	save(a)
	_, seqBefore, _ := c1.Account(ctx, bob)
	if _, _, onChain, err := sub.ResolvePending(ctx); err != nil || !onChain {
		t.Fatalf("included: on chain %v err %v", onChain, err)
	}
	if _, seq, _ := c1.Account(ctx, bob); seq != seqBefore {
		t.Fatalf("an included submission was sent again (sequence %d → %d)", seqBefore, seq)
	}

	// Sequence consumed by another transaction meanwhile: rebuild, the stale bytes never land.
	b, err := c1.Sign(ctx, "bob", send(8))
	if err != nil {
		t.Fatal(err)
	}
	save(b)
	if _, err := c2.Send(ctx, "bob", send(9)); err != nil {
		t.Fatal(err)
	}
	if _, found, onChain, err := sub.ResolvePending(ctx); err != nil || !found || onChain {
		t.Fatalf("moved sequence: found %v on chain %v err %v", found, onChain, err)
	}
	if st, _ := c1.GetTx(ctx, b.Hash); st.Found {
		t.Fatalf("stale transaction %s was included", b.Hash)
	}
}

// checkRefusedSimulation sends a transaction the chain refuses (dissolving a subnet that does not
// exist): it comes back from the simulation at once, not retried and not broadcast, as a
// *chain.SimulationError holding x/subnet's codespace and the code of ErrSubnetNotFound, which
// errors.Is matches by those and not by text.
func checkRefusedSimulation(ctx context.Context, t *testing.T, c *chain.Client, logs *e2e.Output, key, from string) {
	t.Helper()
	_, seq, err := c.Account(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	logged := len(logs.String())
	_, err = c.Send(ctx, key, &subnettypes.MsgDissolveSubnet{Owner: from, Netuid: 4242})
	var simErr *chain.SimulationError
	if !errors.As(err, &simErr) {
		t.Fatalf("refused tx: %v, want a *chain.SimulationError", err)
	}
	t.Logf("refused: %v", err)
	if simErr.Codespace != subnettypes.ModuleName || simErr.Code != subnettypes.ErrSubnetNotFound.ABCICode() {
		t.Fatalf("refusal carries %s/%d, want %s/%d", simErr.Codespace, simErr.Code,
			subnettypes.ModuleName, subnettypes.ErrSubnetNotFound.ABCICode())
	}
	if !errors.Is(err, subnettypes.ErrSubnetNotFound) || errors.Is(err, subnettypes.ErrNotSubnetOwner) {
		t.Fatalf("%v: errors.Is matched the wrong registered error", err)
	}
	if after := logs.String()[logged:]; strings.Contains(after, "retrying") {
		t.Fatalf("a refused simulation was retried:\n%s", after)
	}
	if _, after, err := c.Account(ctx, from); err != nil || after != seq {
		t.Fatalf("%s's sequence %d after the refusal, was %d (err %v): the refused tx was broadcast", from, after, seq, err)
	}
}
