package main_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/e2e"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// sharedTempo is the tempo of both subnets: an epoch spans tempo+1 = 11 blocks on the staggered
// schedule (height+netuid+1) % 11 == 0, so subnets whose netuids differ by 11 close their epochs
// in the same block.
const sharedTempo = 10

// publicEvaluation is a MsgSubmitEvaluation found in a block, with its transaction's result.
type publicEvaluation struct {
	signed    inteltypes.SignedEvaluation
	height    int64
	code      uint32
	codespace string
	log       string
}

// TestSharedHotkeyOnTwoSubnetsNeverEquivocates runs the incident of issue 12: one validator hotkey
// validates two subnets whose epochs close in the same block (netuids 1 and 12, tempo 10), with two
// `taoworker validator` processes sharing one home, each beside an n-gram miner. After several
// epochs: no evaluation of the hotkey failed with a stale nonce, the chain holds exactly one
// evaluation per (subnet, epoch), every evaluation ever public for one (subnet, epoch) is the same
// payload, and an equivocation report built from what is public (or, there being no conflicting
// pair, from a stored evaluation and a copy the test re-signs with another nonce and task
// commitment) is refused: no offence, no stake lost. A second validator on the same hotkey and
// subnet, from the same home or another, refuses to start and names the lock and its holder.
func TestSharedHotkeyOnTwoSubnetsNeverEquivocates(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	start := time.Now()
	n := e2e.NewLocalnet(t)
	// Subnet locks of 1 TAO (twelve subnets in one transaction double it eleven times) and tempo 10
	// from registration on.
	n.PatchGenesis(func(app map[string]any) {
		params := app["subnet"].(map[string]any)["params"].(map[string]any)
		params["min_lock"] = "1000000000"
		params["default_hyperparams"].(map[string]any)["tempo"] = strconv.Itoa(sharedTempo)
	})
	n.Start()
	n.WaitHeight(2, 60*time.Second)
	bin := e2e.Binary(t, "taoworker")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	kr, err := chain.OpenKeyring(n.Home, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(ctx, chain.Config{GRPCAddr: fmt.Sprintf("127.0.0.1:%d", n.GRPC), Keyring: kr, MaxRetries: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(from string, msgs ...sdk.Msg) {
		t.Helper()
		if _, err := c.Send(ctx, from, msgs...); err != nil {
			t.Fatalf("tx from %s: %v", from, err)
		}
	}

	// Subnets 1..12: 1 and 12 close their epochs in the same block.
	owner := n.Address("subnet-owner")
	var regs []sdk.Msg
	for i := 1; i <= sharedTempo+2; i++ {
		regs = append(regs, &subnettypes.MsgRegisterSubnet{Owner: owner, Name: fmt.Sprintf("shared-%d", i), MaxLock: sdkmath.NewInt(5_000_000_000_000)})
	}
	send("subnet-owner", regs...)
	netuids := []uint16{1, 1 + sharedTempo + 1}
	var closing []int64
	for _, netuid := range netuids {
		info, err := c.EpochInfo(ctx, netuid)
		if err != nil {
			t.Fatalf("epoch-info %d: %v", netuid, err)
		}
		if info.Tempo != sharedTempo {
			t.Fatalf("subnet %d has tempo %d, want %d", netuid, info.Tempo, sharedTempo)
		}
		closing = append(closing, info.NextEpochHeight)
	}
	if closing[0] != closing[1] {
		t.Fatalf("subnets %v close their epochs at heights %v: not in the same block", netuids, closing)
	}

	// One validator hotkey on both subnets, one miner on each.
	for _, k := range []string{"shared-val", "miner-a", "miner-b"} {
		n.CLI("keys", "add", k, "--keyring-backend", "test", "--output", "json")
	}
	miners := map[uint16]string{netuids[0]: "miner-a", netuids[1]: "miner-b"}
	register := func(from string, netuid uint16, hotkey string) {
		t.Helper()
		if r := n.Tx(from, "subnet", "register", strconv.Itoa(int(netuid)), hotkey, "100000000000"); r.Code != 0 {
			t.Fatalf("register %s on %d: code %d: %s", hotkey, netuid, r.Code, r.RawLog)
		}
	}
	register("alice", netuids[0], "miner-a")
	register("bob", netuids[1], "miner-b")
	register("validator", netuids[0], "shared-val")
	register("validator", netuids[1], "shared-val")
	vaddr := n.Address("shared-val")
	validatorAcc := sdk.MustAccAddressFromBech32(n.Address("validator"))
	var fund []sdk.Msg
	for _, k := range []string{"shared-val", "miner-a", "miner-b"} {
		fund = append(fund, banktypes.NewMsgSend(validatorAcc, sdk.MustAccAddressFromBech32(n.Address(k)),
			sdk.NewCoins(sdk.NewCoin("rao", sdkmath.NewInt(10_000_000_000)))))
	}
	send("validator", fund...)
	var stakes []sdk.Msg
	for _, netuid := range netuids {
		stakes = append(stakes, &subnettypes.MsgAddStake{Coldkey: validatorAcc.String(), Hotkey: vaddr, Netuid: uint32(netuid),
			Amount: sdkmath.NewInt(5_000_000_000_000)})
	}
	send("validator", stakes...)
	t.Logf("localnet, subnets %v (tempo %d, epochs close together at %d), hotkey %s staked on both after %s",
		netuids, sharedTempo, closing[0], vaddr, time.Since(start).Round(time.Second))

	// The machine-wide signer locks go to a directory of this test.
	lockDir := t.TempDir()
	t.Setenv("TMPDIR", lockDir)
	common := func(netuid uint16) []string {
		return []string{"--grpc", fmt.Sprintf("127.0.0.1:%d", n.GRPC), "--chain-id", n.ChainID, "--keyring-dir", n.Home,
			"--keyring-backend", "test", "--netuid", strconv.Itoa(int(netuid)), "--log-format", "json"}
	}
	var workers []*e2e.Worker
	for _, netuid := range netuids {
		args := append([]string{"miner"}, common(netuid)...)
		args = append(args, "--hotkey", miners[netuid], "--order", "5", "--listen", fmt.Sprintf("127.0.0.1:%d", e2e.FreePort(t)),
			"--metagraph-refresh", "2s", "--home", filepath.Join(t.TempDir(), miners[netuid]))
		workers = append(workers, e2e.StartWorker(t, bin, miners[netuid], args...))
	}
	vhome := filepath.Join(t.TempDir(), "validator")
	validatorArgs := func(netuid uint16, home string) []string {
		args := append([]string{"validator"}, common(netuid)...)
		// Fast polls and short rounds: both validators sign within a block or two of the common
		// epoch boundary, before either evaluation lands (the race of issue 12). They share the
		// hotkey as fee payer, so their transactions land in consecutive blocks.
		return append(args, "--hotkey", "shared-val", "--tasks-per-miner", "32", "--timeout", "2s", "--epoch-budget", "2s",
			"--poll", "200ms", "--metrics-listen", "", "--home", home)
	}
	vals := map[uint16]*e2e.Worker{}
	for _, netuid := range netuids {
		vals[netuid] = e2e.StartWorker(t, bin, fmt.Sprintf("validator-%d", netuid), validatorArgs(netuid, vhome)...)
		workers = append(workers, vals[netuid])
	}

	waitFor := e2e.Waiter{T: t, Start: start, Deadline: time.Now().Add(3 * time.Minute), Workers: &workers}.For
	waitFor("both validators running", func() bool {
		return vals[netuids[0]].CountLines("validator running") == 1 && vals[netuids[1]].CountLines("validator running") == 1
	})

	// A second validator on the same hotkey and subnet refuses to start: from the same home (the
	// journal's lock) and from another home (the machine's lock).
	first := vals[netuids[0]]
	other := filepath.Join(t.TempDir(), "validator-2")
	for _, tc := range []struct{ name, home, lock string }{
		{"same home", vhome, filepath.Join(chain.NewJournal(vhome, vaddr, netuids[0]).Dir, "lock")},
		{"other home", other, chain.LockPath(lockDir, vaddr, netuids[0])},
	} {
		rctx, rcancel := context.WithTimeout(ctx, time.Minute)
		out, err := exec.CommandContext(rctx, bin, validatorArgs(netuids[0], tc.home)...).CombinedOutput()
		rcancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 {
			t.Fatalf("%s: second validator on %s subnet %d: %v\n%s", tc.name, vaddr, netuids[0], err, out)
		}
		for _, want := range []string{vaddr, fmt.Sprintf("subnet %d", netuids[0]), fmt.Sprintf("process %d", first.PID()), tc.lock} {
			if !strings.Contains(string(out), want) {
				t.Fatalf("%s: refusal lacks %q:\n%s", tc.name, want, out)
			}
		}
		t.Logf("%s: %s", tc.name, strings.TrimSpace(string(out)))
	}

	// Several epochs on both subnets.
	const epochs = 3
	waitFor(fmt.Sprintf("%d evaluations on each subnet", epochs), func() bool {
		for _, v := range vals {
			if v.CountLines("evaluation submitted") < epochs {
				return false
			}
		}
		return true
	})
	for _, w := range workers {
		if err := w.Stop(); err != nil {
			t.Errorf("%s: %v", w.Name, err)
		}
	}
	t.Logf("%d epochs evaluated on both subnets after %s", epochs, time.Since(start).Round(time.Second))
	for _, v := range vals {
		for _, bad := range []string{"ANOTHER SIGNER", "stale nonce", "epoch round failed"} {
			if c := v.CountLines(bad); c != 0 {
				t.Errorf("%s logged %q %d times", v.Name, bad, c)
			}
		}
	}

	// Every evaluation of the hotkey in a block, successful or not.
	found := sharedEvaluations(t, n, vaddr)
	byEpoch := map[[2]uint64][]publicEvaluation{}
	for _, e := range found {
		ev := e.signed.Evaluation
		key := [2]uint64{uint64(ev.Netuid), ev.Epoch}
		byEpoch[key] = append(byEpoch[key], e)
		if e.codespace == inteltypes.ModuleName && e.code == inteltypes.ErrStaleNonce.ABCICode() {
			t.Errorf("evaluation for subnet %d epoch %d (nonce %d) failed with a stale nonce at height %d: %s", ev.Netuid, ev.Epoch, ev.Nonce, e.height, e.log)
		} else if e.code != 0 {
			t.Logf("evaluation for subnet %d epoch %d failed at height %d: %s/%d %s", ev.Netuid, ev.Epoch, e.height, e.codespace, e.code, e.log)
		}
	}
	perSubnet := map[uint32]int{}
	var pairs [][2]inteltypes.SignedEvaluation
	for key, evs := range byEpoch {
		netuid, epoch := uint16(key[0]), key[1]
		ok := 0
		for i, e := range evs {
			if e.code == 0 {
				ok++
			}
			for _, o := range evs[i+1:] {
				if !bytes.Equal(e.signed.Evaluation.SignBytes(), o.signed.Evaluation.SignBytes()) {
					t.Errorf("subnet %d epoch %d: two different evaluations public (nonces %d and %d)", netuid, epoch, e.signed.Evaluation.Nonce, o.signed.Evaluation.Nonce)
					pairs = append(pairs, [2]inteltypes.SignedEvaluation{e.signed, o.signed})
				}
			}
		}
		if ok != 1 {
			t.Errorf("subnet %d epoch %d: %d successful evaluations, want exactly 1", netuid, epoch, ok)
			continue
		}
		stored, has, err := c.Evaluation(ctx, netuid, epoch, vaddr)
		if err != nil || !has || !stored.SameStatement(evs[0].signed.Evaluation) {
			t.Errorf("subnet %d epoch %d: stored evaluation (found %v, err %v) is not the one in the block", netuid, epoch, has, err)
		}
		perSubnet[uint32(netuid)]++
	}
	t.Logf("%d evaluation txs of %s: epochs per subnet %v", len(found), vaddr, perSubnet)
	// Nonces are per subnet: each subnet's accepted nonces grow from 1 whatever the other does.
	for _, netuid := range netuids {
		var nonces []uint64
		var heights []int64
		for _, e := range found {
			if e.code == 0 && e.signed.Evaluation.Netuid == uint32(netuid) {
				nonces = append(nonces, e.signed.Evaluation.Nonce)
				heights = append(heights, e.height)
			}
		}
		t.Logf("subnet %d: accepted nonces %v at heights %v", netuid, nonces, heights)
		if len(nonces) == 0 || nonces[0] != 1 || !slices.IsSorted(nonces) || len(slices.Compact(slices.Clone(nonces))) != len(nonces) {
			t.Errorf("subnet %d: accepted nonces %v, want 1, 2, ... (per subnet)", netuid, nonces)
		}
	}
	for _, netuid := range netuids {
		if perSubnet[uint32(netuid)] < epochs {
			t.Errorf("subnet %d: %d epochs with an evaluation on chain, want ≥ %d", netuid, perSubnet[uint32(netuid)], epochs)
		}
	}

	// Equivocation reports from what is public, or else from the last accepted evaluation of each
	// subnet (from its block: the chain stores only its hashes) and re-signed copies that differ
	// only in nonce (and task commitment).
	hot, err := chain.HotkeyPrivKey(kr, "shared-val")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) == 0 {
		for _, netuid := range netuids {
			var last uint64
			for key := range byEpoch {
				if key[0] == uint64(netuid) {
					last = max(last, key[1])
				}
			}
			var accepted inteltypes.SignedEvaluation
			for _, e := range byEpoch[[2]uint64{uint64(netuid), last}] {
				if e.code == 0 {
					accepted = e.signed
				}
			}
			for _, newCommitment := range []bool{false, true} {
				cp := accepted.Evaluation
				cp.Uids, cp.Scores = slices.Clone(cp.Uids), slices.Clone(cp.Scores)
				cp.Nonce += 1000
				cp.TaskCommitment = slices.Clone(cp.TaskCommitment)
				if newCommitment {
					cp.TaskCommitment[0] ^= 0xff
				}
				sig, err := hot.Sign(cp.SignBytes())
				if err != nil {
					t.Fatal(err)
				}
				pairs = append(pairs, [2]inteltypes.SignedEvaluation{accepted, {Evaluation: cp, Signature: sig}})
			}
		}
	}
	stakeBefore := hotkeyStakes(ctx, t, c, netuids, vaddr)
	alice := n.Address("alice")
	for _, p := range pairs {
		ev := p[0].Evaluation
		_, err := c.Send(ctx, "alice", &slashingtypes.MsgReportEquivocation{Reporter: alice, First: p[0], Second: p[1]})
		switch {
		case err == nil:
			t.Errorf("report of subnet %d epoch %d (nonces %d/%d) accepted: the hotkey was slashed", ev.Netuid, ev.Epoch, ev.Nonce, p[1].Evaluation.Nonce)
		case !errors.Is(err, slashingtypes.ErrInvalidEvidence):
			t.Errorf("report of subnet %d epoch %d refused, but not as invalid evidence: %v", ev.Netuid, ev.Epoch, err)
		default:
			t.Logf("report of subnet %d epoch %d (nonces %d/%d) refused: %v", ev.Netuid, ev.Epoch, ev.Nonce, p[1].Evaluation.Nonce, err)
		}
	}
	stakeAfter := hotkeyStakes(ctx, t, c, netuids, vaddr)
	for i, netuid := range netuids {
		if stakeAfter[i].LT(stakeBefore[i]) {
			t.Errorf("subnet %d: stake of %s fell from %s to %s", netuid, vaddr, stakeBefore[i], stakeAfter[i])
		}
	}
	var offences struct {
		Offences []map[string]any `json:"offences"`
	}
	n.QueryJSON(&offences, "slashing", "offences")
	if len(offences.Offences) != 0 {
		t.Errorf("offences recorded: %v", offences.Offences)
	}
	t.Logf("total %s", time.Since(start).Round(time.Second))
}

// sharedEvaluations returns every MsgSubmitEvaluation of hotkey in the node's blocks, in order,
// with the result of its transaction.
func sharedEvaluations(t *testing.T, n *e2e.Node, hotkey string) []publicEvaluation {
	t.Helper()
	txs, err := n.SearchTxs("tx.height>0")
	if err != nil {
		t.Fatal(err)
	}
	want := "/" + gogoproto.MessageName(&inteltypes.MsgSubmitEvaluation{})
	var out []publicEvaluation
	for _, tx := range txs {
		var raw txtypes.TxRaw
		var body txtypes.TxBody
		if err := raw.Unmarshal(tx.Tx); err != nil {
			t.Fatalf("tx %s: %v", tx.Hash, err)
		}
		if err := body.Unmarshal(raw.BodyBytes); err != nil {
			t.Fatalf("tx %s body: %v", tx.Hash, err)
		}
		for _, m := range body.Messages {
			if m.TypeUrl != want {
				continue
			}
			var msg inteltypes.MsgSubmitEvaluation
			if err := msg.Unmarshal(m.Value); err != nil {
				t.Fatalf("tx %s: %v", tx.Hash, err)
			}
			if msg.Evaluation.ValidatorHotkey == hotkey {
				out = append(out, publicEvaluation{signed: inteltypes.SignedEvaluation{Evaluation: msg.Evaluation, Signature: msg.Signature},
					height: tx.Height, code: tx.Code, codespace: tx.Codespace, log: tx.Log})
			}
		}
	}
	return out
}

// hotkeyStakes returns the stake of hotkey on each subnet, from the metagraph.
func hotkeyStakes(ctx context.Context, t *testing.T, c *chain.Client, netuids []uint16, hotkey string) []sdkmath.Int {
	t.Helper()
	var out []sdkmath.Int
	for _, netuid := range netuids {
		mg, err := c.Metagraph(ctx, netuid)
		if err != nil {
			t.Fatal(err)
		}
		stake := sdkmath.ZeroInt()
		for _, nr := range mg.Neurons {
			if nr.Hotkey == hotkey {
				stake = nr.Stake
			}
		}
		if !stake.IsPositive() {
			t.Fatalf("subnet %d: %s has no stake", netuid, hotkey)
		}
		out = append(out, stake)
	}
	return out
}
