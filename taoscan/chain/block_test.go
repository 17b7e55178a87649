package chain

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// typedEvent encodes ev as the node does, plus the attribute baseapp adds to finalize-block events.
func typedEvent(t *testing.T, ev interface{ ProtoMessage() }, mode string) abci.Event {
	t.Helper()
	e, err := sdk.TypedEventToEvent(ev.(sdk.Msg))
	if err != nil {
		t.Fatal(err)
	}
	out := abci.Event(e)
	if mode != "" {
		out.Attributes = append(out.Attributes, abci.EventAttribute{Key: "mode", Value: mode})
	}
	return out
}

func addr(seed string) sdk.AccAddress {
	return sdk.AccAddress(secp256k1.GenPrivKeyFromSecret([]byte(seed)).PubKey().Address())
}

// TestDecodeBlock feeds a block with a real signed-format MsgSend tx, an undecodable failed tx
// and the typed events of emission, an epoch, an offence and a stake move, and checks every row.
func TestDecodeBlock(t *testing.T) {
	c, err := New("tcp://127.0.0.1:1", "127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	from, to := addr("from"), addr("to")

	cfg := app.MakeEncodingConfig()
	banktypes.RegisterInterfaces(cfg.InterfaceRegistry)
	b := cfg.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(&banktypes.MsgSend{FromAddress: from.String(), ToAddress: to.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin("rao", 5))}); err != nil {
		t.Fatal(err)
	}
	b.SetFeeAmount(sdk.NewCoins(sdk.NewInt64Coin("rao", 1234)))
	b.SetGasLimit(200000)
	b.SetMemo("hello")
	txBytes, err := cfg.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	garbage := []byte("not a tx")

	proposer := []byte(strings.Repeat("\x01", 20))
	blockHash := []byte(strings.Repeat("\xab", 32))
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	blk := &coretypes.ResultBlock{
		BlockID: cmttypes.BlockID{Hash: blockHash},
		Block: &cmttypes.Block{
			Header: cmttypes.Header{Height: 42, Time: when, ProposerAddress: proposer},
			Data:   cmttypes.Data{Txs: cmttypes.Txs{txBytes, garbage}},
		},
	}
	hotkey := addr("hot").String()
	res := &coretypes.ResultBlockResults{
		Height: 42,
		TxsResults: []*abci.ExecTxResult{
			{Code: 0, GasWanted: 200000, GasUsed: 70000, Log: "ignored on success", Events: []abci.Event{
				{Type: "transfer", Attributes: []abci.EventAttribute{{Key: "recipient", Value: to.String()}, {Key: "sender", Value: from.String()}, {Key: "amount", Value: "5rao"}, {Key: "msg_index", Value: "0"}}},
				typedEvent(t, &subnettypes.EventStakeMoved{Coldkey: from.String(), FromHotkey: hotkey, FromNetuid: 3, ToHotkey: hotkey, ToNetuid: 4, Amount: math.NewInt(9)}, ""),
			}},
			{Code: 5, Codespace: "sdk", GasWanted: 10, GasUsed: 3, Log: "insufficient funds", Events: []abci.Event{
				typedEvent(t, &subnettypes.EventStakeAdded{Coldkey: from.String(), Hotkey: hotkey, Netuid: 9, Amount: math.NewInt(1), Shares: math.NewInt(1)}, ""),
			}},
		},
		FinalizeBlockEvents: []abci.Event{
			typedEvent(t, &taotypes.EventEmission{Height: 42, Minted: math.NewInt(1000), Security: math.ZeroInt(), Unminted: math.ZeroInt(), Halvings: 2, Issuance: math.NewInt(777000),
				Subnets: []taotypes.PendingEmission{{Netuid: 8, Amount: math.NewInt(5)}}}, "BeginBlock"),
			typedEvent(t, &intelligencetypes.EventEpoch{Netuid: 1, Height: 42, Epoch: 7, Emission: math.NewInt(100), OwnerEmission: math.NewInt(18), MinerEmission: math.NewInt(41), ValidatorEmission: math.NewInt(30), TakeEmission: math.NewInt(11), Neurons: 4}, "EndBlock"),
			typedEvent(t, &slashingtypes.EventOffence{Offence: slashingtypes.Offence{Id: 3, Kind: slashingtypes.OffenceKind_OFFENCE_KIND_LIVENESS, Netuid: 2, Hotkey: hotkey, Epoch: 6, Height: 42,
				EvidenceHash: []byte{0xde, 0xad}, Slashed: math.NewInt(50), Reward: math.NewInt(10), Burned: math.NewInt(40)}}, "EndBlock"),
		},
	}

	dec, err := c.decode(blk, res)
	if err != nil {
		t.Fatal(err)
	}
	d := dec.data
	bl := d.Block
	if bl.Height != 42 || bl.Hash != strings.ToUpper(hex.EncodeToString(blockHash)) || !bl.Time.Equal(when) || bl.Time.Location() != time.UTC || bl.NumTxs != 2 {
		t.Fatalf("block header: %+v", bl)
	}
	if !strings.HasPrefix(bl.Proposer, "taovalcons1") || bl.Proposer != sdk.ConsAddress(proposer).String() {
		t.Fatalf("proposer %q", bl.Proposer)
	}
	if !dec.emitted || bl.Minted != "1000" || bl.Issuance != "777000" || bl.Halvings != 2 {
		t.Fatalf("emission: %+v", bl)
	}

	if len(d.Txs) != 2 {
		t.Fatalf("txs: %+v", d.Txs)
	}
	ok := d.Txs[0]
	wantHash := strings.ToUpper(hex.EncodeToString(cmttypes.Tx(txBytes).Hash()))
	if ok.Hash != wantHash || ok.Height != 42 || ok.Index != 0 || ok.Code != 0 || ok.Log != "" {
		t.Fatalf("tx 0: %+v", ok)
	}
	if ok.Signer != from.String() || len(ok.Messages) != 1 || ok.Messages[0] != "/cosmos.bank.v1beta1.MsgSend" ||
		ok.Fee != "1234rao" || ok.GasWanted != 200000 || ok.GasUsed != 70000 || ok.Memo != "hello" {
		t.Fatalf("tx 0 fields: %+v", ok)
	}
	want := map[string]bool{from.String(): true, to.String(): true, hotkey: true}
	if len(ok.Addresses) != len(want) {
		t.Fatalf("tx 0 addresses %v, want %v", ok.Addresses, want)
	}
	for _, a := range ok.Addresses {
		if !want[a] {
			t.Fatalf("tx 0 address %s not expected (%v)", a, ok.Addresses)
		}
	}
	bad := d.Txs[1]
	if bad.Index != 1 || bad.Code != 5 || bad.Codespace != "sdk" || bad.Log != "insufficient funds" || len(bad.Messages) != 0 || bad.Signer != "" || bad.GasUsed != 3 {
		t.Fatalf("tx 1: %+v", bad)
	}

	if len(d.Epochs) != 1 {
		t.Fatalf("epochs: %+v", d.Epochs)
	}
	if e := d.Epochs[0]; e.Netuid != 1 || e.Epoch != 7 || e.Height != 42 || e.Emission != "100" || e.OwnerEmission != "18" ||
		e.MinerEmission != "41" || e.ValidatorEmission != "30" || e.TakeEmission != "11" || e.Neurons != 4 {
		t.Fatalf("epoch: %+v", e)
	}
	if len(d.Offences) != 1 {
		t.Fatalf("offences: %+v", d.Offences)
	}
	if o := d.Offences[0]; o.ID != 3 || o.Kind != "OFFENCE_KIND_LIVENESS" || o.Netuid != 2 || o.Hotkey != hotkey || o.Epoch != 6 ||
		o.EvidenceHash != "dead" || o.Slashed != "50" || o.Reward != "10" || o.Burned != "40" {
		t.Fatalf("offence: %+v", o)
	}
	// Touched: the epoch's, the offence's and both sides of the move; not the failed tx's
	// subnet 9 nor subnet 8 from the emission's pending list.
	wantTouched := map[uint16]bool{1: true, 2: true, 3: true, 4: true}
	if len(dec.touched) != len(wantTouched) {
		t.Fatalf("touched %v, want %v", dec.touched, wantTouched)
	}
	for n := range wantTouched {
		if !dec.touched[n] {
			t.Fatalf("touched %v, want %v", dec.touched, wantTouched)
		}
	}
}

// TestDecodeBlockWithoutEmission: a block with no EventEmission mints "0" and leaves the
// issuance to be read from the node.
func TestDecodeBlockWithoutEmission(t *testing.T) {
	c, err := New("tcp://127.0.0.1:1", "127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	blk := &coretypes.ResultBlock{Block: &cmttypes.Block{Header: cmttypes.Header{Height: 5}}}
	dec, err := c.decode(blk, &coretypes.ResultBlockResults{Height: 5})
	if err != nil {
		t.Fatal(err)
	}
	if dec.emitted || dec.data.Block.Minted != "0" || dec.data.Block.Issuance != "" || len(dec.touched) != 0 {
		t.Fatalf("got %+v", dec)
	}
	// A tx count that does not match the results is refused rather than misattributed.
	blk.Block.Data.Txs = cmttypes.Txs{[]byte("x")}
	if _, err := c.decode(blk, &coretypes.ResultBlockResults{Height: 5}); err == nil {
		t.Fatal("1 tx with 0 results decoded without error")
	}
}

func TestMetagraphRows(t *testing.T) {
	rows := metagraphRows(3, []subnettypes.MetagraphEntry{
		{Uid: 0, Hotkey: "h", Coldkey: "c", Stake: math.NewInt(12345678901234), Incentive: 65535, Dividends: 7, Emission: math.NewInt(99),
			Axon: subnettypes.AxonInfo{Host: "127.0.0.1", Port: 8091}, Active: true, ValidatorPermit: true, LastUpdate: 10, RegisteredAt: 2},
		{Uid: 1, Stake: math.ZeroInt(), Emission: math.ZeroInt(), Axon: subnettypes.AxonInfo{Host: "::1", Port: 1}},
		{Uid: 2, Stake: math.ZeroInt(), Emission: math.ZeroInt()},
	})
	if len(rows) != 3 || rows[0].Netuid != 3 || rows[0].Stake != "12345678901234" || rows[0].Incentive != 65535 || rows[0].Dividends != 7 ||
		rows[0].Emission != "99" || rows[0].Axon != "127.0.0.1:8091" || !rows[0].Active || !rows[0].ValidatorPermit || rows[0].LastUpdate != 10 || rows[0].RegisteredAt != 2 {
		t.Fatalf("row 0: %+v", rows[0])
	}
	if rows[1].Axon != "[::1]:1" || rows[2].Axon != "" {
		t.Fatalf("axons %q %q", rows[1].Axon, rows[2].Axon)
	}
}
