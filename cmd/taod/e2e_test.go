package main_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestLocalnetBankSend runs the real taod: localnet.sh prepares a 1-validator chain on free
// 127.0.0.1 ports, the node produces blocks, and a TAO transfer made with `taod tx bank send` shows
// up in `taod q bank balances`.
func TestLocalnetBankSend(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)

	out := string(n.CLI("version", "--long"))
	if !strings.Contains(out, "name: taochain") || !strings.Contains(out, "commit: ") {
		t.Fatalf("taod version --long does not name the app and commit:\n%s", out)
	}

	n.Start()
	n.WaitHeight(3, 90*time.Second)

	alice, bob := n.Address("alice"), n.Address("bob")
	before := balance(t, n, bob)

	res := n.Tx("alice", "bank", "send", alice, bob, "1500000000rao")
	if res.Code != 0 {
		t.Fatalf("bank send failed: code %d: %s", res.Code, res.RawLog)
	}
	if got, want := balance(t, n, bob), before+1_500_000_000; got != want {
		t.Fatalf("bob balance = %d rao, want %d", got, want)
	}

	n.Stop()
	if !n.Exited() {
		t.Fatal("node still running after Stop")
	}
}

func balance(t *testing.T, n *e2e.Node, addr string) int64 {
	t.Helper()
	var res struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	n.QueryJSON(&res, "bank", "balance", addr, "rao")
	v, err := strconv.ParseInt(res.Balance.Amount, 10, 64)
	if err != nil {
		t.Fatalf("balance amount %q of %s: %v", res.Balance.Amount, addr, err)
	}
	return v
}
