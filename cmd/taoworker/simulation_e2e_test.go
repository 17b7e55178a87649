package main_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/e2e"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestRefusedSimulationCarriesItsCode sends, through inference/chain against the real node, a
// transaction the chain accepts and one it refuses (dissolving a subnet that does not exist). The
// accepted one lands with the gas its simulation measured; the refused one comes back from the
// simulation at once, not retried and not broadcast, as a *chain.SimulationError holding x/subnet's
// codespace and the code of ErrSubnetNotFound, which errors.Is matches by those and not by text.
func TestRefusedSimulationCarriesItsCode(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	n.Start()
	n.WaitHeight(2, 60*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	kr, err := chain.OpenKeyring(n.Home, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &e2e.Output{}
	c, err := chain.Dial(ctx, chain.Config{GRPCAddr: fmt.Sprintf("127.0.0.1:%d", n.GRPC), Keyring: kr,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	bob, alice := n.Address("bob"), n.Address("alice")

	pay := banktypes.NewMsgSend(sdk.MustAccAddressFromBech32(bob), sdk.MustAccAddressFromBech32(alice),
		sdk.NewCoins(sdk.NewCoin("rao", sdkmath.NewInt(1000))))
	if st, err := c.Send(ctx, "bob", pay); err != nil || !st.Found || st.Code != 0 {
		t.Fatalf("accepted tx: %+v, %v", st, err)
	}
	_, seq, err := c.Account(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.Send(ctx, "bob", &subnettypes.MsgDissolveSubnet{Owner: bob, Netuid: 4242})
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
	if strings.Contains(logs.String(), "retrying") {
		t.Fatalf("a refused simulation was retried:\n%s", logs.String())
	}
	if _, after, err := c.Account(ctx, bob); err != nil || after != seq {
		t.Fatalf("bob's sequence %d after the refusal, was %d (err %v): the refused tx was broadcast", after, seq, err)
	}
}
