package chain_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/apptest"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// serveChain serves the in-process chain's gRPC queries on an in-memory listener, as taod does.
func serveChain(t *testing.T, c *apptest.Chain) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	grpcCodec := codec.NewProtoCodec(c.App.InterfaceRegistry()).GRPCCodec()
	srv := grpc.NewServer(grpc.ForceServerCodec(grpcCodec))
	c.App.RegisterGRPCServer(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///taochain",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(grpcCodec)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestCheckHotkeyFees: an unregistered, unfunded hotkey is told to register or fund itself; a
// registered one passes on its coldkey's funds; with the coldkey empty it is told to fund the
// coldkey; with its own funds it passes again.
func TestCheckHotkeyFees(t *testing.T) {
	c := apptest.NewChain(t, 3, app.TAO(100_000))
	owner, coldkey, other := c.Accounts[0], c.Accounts[1], c.Accounts[2]
	conn := serveChain(t, c)
	ctx := context.Background()
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "fees", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	hot := secp256k1.GenPrivKeyFromSecret([]byte("fees-check-hotkey"))
	hotAddr := sdk.AccAddress(hot.PubKey().Address())

	err := chain.CheckHotkeyFees(ctx, conn, hotAddr.String(), 1)
	if err == nil || !strings.Contains(err.Error(), "is not registered on subnet 1") || !strings.Contains(err.Error(), "taod tx subnet register-neuron 1") {
		t.Fatalf("unregistered hotkey: %v", err)
	}

	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, 1, coldkey.Address.String()))
	if err != nil {
		t.Fatal(err)
	}
	if res := c.DeliverMsgs(coldkey, &subnettypes.MsgRegisterNeuron{
		Coldkey: coldkey.Address.String(), Netuid: 1, HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	}); res.Code != 0 {
		t.Fatalf("register neuron: %s", res.Log)
	}
	if err := chain.CheckHotkeyFees(ctx, conn, hotAddr.String(), 1); err != nil {
		t.Fatalf("registered hotkey with a funded coldkey: %v", err)
	}

	left := sdkmath.NewInt(5000)
	all := c.App.BankKeeper.GetBalance(c.Context(), coldkey.Address, app.BaseDenom).Amount
	if res := c.DeliverMsgs(coldkey, banktypes.NewMsgSend(coldkey.Address, other.Address, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, all.Sub(left).SubRaw(2000))))); res.Code != 0 {
		t.Fatalf("empty the coldkey: %s", res.Log)
	}
	err = chain.CheckHotkeyFees(ctx, conn, hotAddr.String(), 1)
	if err == nil || !strings.Contains(err.Error(), "coldkey "+coldkey.Address.String()+" owning hotkey "+hotAddr.String()+" has 5000rao and the hotkey 0rao") ||
		!strings.Contains(err.Error(), "taod tx bank send <funded-key> "+coldkey.Address.String()) {
		t.Fatalf("coldkey without funds: %v", err)
	}

	if res := c.DeliverMsgs(other, banktypes.NewMsgSend(other.Address, hotAddr, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, chain.HotkeyFeeReserve)))); res.Code != 0 {
		t.Fatalf("fund the hotkey: %s", res.Log)
	}
	if err := chain.CheckHotkeyFees(ctx, conn, hotAddr.String(), 1); err != nil {
		t.Fatalf("funded hotkey: %v", err)
	}
}
