package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestCLIFrictions runs the real taod on a localnet prepared by scripts/localnet.sh and checks the
// first-hour CLI behaviour of issue 14: fee defaults from client.toml, tao amounts, exit codes of
// rejected and failed txs, --wait, the wallet overview, zero fields and the metagraph table, and the
// offline coldkey flow of docs/wallets.md.
func TestCLIFrictions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	clientToml, err := os.ReadFile(filepath.Join(n.Home, "config", "client.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`gas-prices = "0.001rao"`, "gas-adjustment = 1.5"} {
		if !strings.Contains(string(clientToml), want) {
			t.Fatalf("localnet.sh did not write %s into client.toml:\n%s", want, clientToml)
		}
	}
	n.Start()
	n.WaitHeight(3, 90*time.Second)
	alice, bob := n.Address("alice"), n.Address("bob")

	// No --gas-prices, --chain-id or --node: client.toml supplies them. 1.5tao is converted to rao.
	before := bankBalance(t, n, bob)
	out, err := n.TryCLI("tx", "bank", "send", "alice", bob, "1.5tao", "--gas", "auto", "-y", "--wait", "-o", "json")
	if err != nil {
		t.Fatalf("send 1.5tao with client.toml fee defaults: %v", err)
	}
	if res := decodeTx(t, out); res.Code != 0 || res.Height == "0" {
		t.Fatalf("--wait printed %+v, want the block result of a successful tx", res)
	}
	if got := bankBalance(t, n, bob); got != before+1_500_000_000 {
		t.Fatalf("bob has %d rao after receiving 1.5tao, want %d", got, before+1_500_000_000)
	}

	// CheckTx rejects a fee below the node's minimum: the command must fail and say why.
	_, err = n.TryCLI("tx", "bank", "send", "alice", bob, "1rao", "--fees", "1rao", "-y", "-o", "json")
	if err == nil || !strings.Contains(err.Error(), "rejected by CheckTx") || !strings.Contains(err.Error(), "insufficient fee") {
		t.Fatalf("a tx rejected in CheckTx: error %v, want a non-zero exit naming the rejection", err)
	}

	// A tx that passes CheckTx and fails in the block: exit 0 without --wait, non-zero with it.
	out, err = n.TryCLI("tx", "bank", "send", "alice", bob, "1000000tao", "--gas", "200000", "-y", "-o", "json")
	if err != nil {
		t.Fatalf("broadcast without --wait must succeed once CheckTx accepted the tx: %v", err)
	}
	hash := decodeTx(t, out).TxHash
	_, err = n.TryCLI("q", "wait-tx", hash, "-o", "json", "--timeout", "30s")
	if err == nil || !strings.Contains(err.Error(), "insufficient funds") {
		t.Fatalf("q wait-tx of a tx that failed in its block: error %v, want a non-zero exit with the log", err)
	}
	_, err = n.TryCLI("tx", "bank", "send", "alice", bob, "1000000tao", "--gas", "200000", "-y", "--wait", "-o", "json")
	if err == nil || !strings.Contains(err.Error(), "failed in block") || !strings.Contains(err.Error(), "insufficient funds") {
		t.Fatalf("--wait on a tx failing in its block: error %v, want a non-zero exit with the log", err)
	}

	// Split custody as docs/wallets.md describes it: the subnet-owner coldkey generates and signs
	// offline, a hot machine broadcasts. The hotkey stays in the same test keyring here.
	n.CLI("keys", "add", "e2e-hot", "--keyring-backend", "test")
	hot := n.Address("e2e-hot")
	owner := n.Address("subnet-owner")
	n.CLI("tx", "subnet", "register-subnet", "e2e", "1000tao", "--from", "subnet-owner", "--gas", "auto", "-y", "--wait", "-o", "json")
	unsigned := filepath.Join(t.TempDir(), "register.json")
	out = n.CLI("tx", "subnet", "register", "1", "e2e-hot", "100tao", "--from", owner, "--gas", "400000", "--generate-only")
	writeFile(t, unsigned, out)
	var acct struct {
		Account struct {
			Value struct {
				AccountNumber string `json:"account_number"`
				Sequence      string `json:"sequence"`
			} `json:"value"`
		} `json:"account"`
	}
	n.QueryJSON(&acct, "auth", "account", owner)
	signed := filepath.Join(t.TempDir(), "register.signed.json")
	out = n.CLI("tx", "sign", unsigned, "--from", "subnet-owner", "--offline",
		"--account-number", acct.Account.Value.AccountNumber, "--sequence", orZero(acct.Account.Value.Sequence))
	writeFile(t, signed, out)
	n.CLI("tx", "broadcast", signed, "--wait", "-o", "json")

	// Stake in tao, take as a percentage, then the wallet overview shows all of it.
	n.CLI("tx", "subnet", "add-stake", hot, "1", "2.5tao", "--from", "subnet-owner", "--gas", "auto", "-y", "--wait", "-o", "json")
	n.CLI("tx", "subnet", "remove-stake", hot, "1", "0.5tao", "--from", "subnet-owner", "--gas", "auto", "-y", "--wait", "-o", "json")
	var hk struct {
		Hotkey struct {
			Take json.Number `json:"take"`
		} `json:"hotkey"`
	}
	n.CLI("tx", "subnet", "set-take", hot, "5%", "--from", "subnet-owner", "--gas", "auto", "-y", "--wait", "-o", "json")
	n.QueryJSON(&hk, "subnet", "hotkey", hot)
	if hk.Hotkey.Take != "3276" {
		t.Fatalf("take after set-take 5%% is %s, want 3276 (floor of 5%% of 65535)", hk.Hotkey.Take)
	}
	var w struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
		TotalStake string `json:"total_stake"`
		Stakes     []struct {
			Hotkey string `json:"hotkey"`
			Netuid json.Number
			Amount string `json:"amount"`
		} `json:"stakes"`
		TotalUnbonding string `json:"total_unbonding"`
		Unbonding      []struct {
			Amount string `json:"amount"`
		} `json:"unbonding"`
		OwnedHotkeys []struct {
			Hotkey string `json:"hotkey"`
		} `json:"owned_hotkeys"`
		StakesTruncated *bool `json:"stakes_truncated"`
	}
	n.QueryJSON(&w, "subnet", "wallet", owner)
	if w.TotalStake != "2000000000" || len(w.Stakes) != 1 || w.Stakes[0].Hotkey != hot {
		t.Fatalf("wallet stake: total %s, positions %+v; want 2 TAO on %s", w.TotalStake, w.Stakes, hot)
	}
	if w.TotalUnbonding != "500000000" || len(w.Unbonding) != 1 {
		t.Fatalf("wallet unbonding: total %s, entries %+v; want 0.5 TAO", w.TotalUnbonding, w.Unbonding)
	}
	if len(w.OwnedHotkeys) != 1 || w.OwnedHotkeys[0].Hotkey != hot || w.Balance.Amount == "" || w.StakesTruncated == nil {
		t.Fatalf("wallet: owned %+v, balance %q, stakes_truncated present %v", w.OwnedHotkeys, w.Balance.Amount, w.StakesTruncated != nil)
	}

	// The metagraph keeps zero fields (uid 0, zero scores) and renders as the taoworker table.
	var mg struct {
		Neurons []map[string]any `json:"neurons"`
	}
	n.QueryJSON(&mg, "subnet", "metagraph", "1")
	if len(mg.Neurons) != 1 {
		t.Fatalf("metagraph has %d neurons, want 1", len(mg.Neurons))
	}
	for _, field := range []string{"uid", "rank", "incentive", "validator_permit", "last_update"} {
		if _, ok := mg.Neurons[0][field]; !ok {
			t.Errorf("metagraph neuron lacks zero field %q: %v", field, mg.Neurons[0])
		}
	}
	table := string(n.CLI("q", "subnet", "metagraph", "1", "--table"))
	for _, want := range []string{"subnet 1 · epoch", "uid", "stake TAO", "earned TAO", "2.0000"} {
		if !strings.Contains(table, want) {
			t.Errorf("metagraph --table lacks %q:\n%s", want, table)
		}
	}
	_ = alice
}

type txResult struct {
	Code   uint32 `json:"code"`
	TxHash string `json:"txhash"`
	Height string `json:"height"`
	RawLog string `json:"raw_log"`
}

func decodeTx(t *testing.T, out []byte) txResult {
	t.Helper()
	var r txResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("decoding tx result %q: %v", out, err)
	}
	return r
}

func bankBalance(t *testing.T, n *e2e.Node, addr string) int64 {
	t.Helper()
	var res struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	n.QueryJSON(&res, "bank", "balance", addr, "rao")
	v, err := strconv.ParseInt(res.Balance.Amount, 10, 64)
	if err != nil {
		t.Fatalf("balance %q: %v", res.Balance.Amount, err)
	}
	return v
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
