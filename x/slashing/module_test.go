package slashing_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkslashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	"github.com/taochain/taochain/x/slashing"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// TestSDKSlashingStillWorks: the SDK half of x/slashing runs unchanged in the real app. A new
// validator created with MsgCreateValidator gets its signing info from the SDK staking hooks
// once bonded; the SDK Query service answers through the app's router; `unjail` of a validator
// that is not jailed fails with the SDK's own error; BeginBlock counts a missed block; and a
// double-sign reported by CometBFT is slashed, jailed and tombstoned through x/evidence.
func TestSDKSlashingStillWorks(t *testing.T) {
	c := apptest.NewChain(t, 2, app.TAO(1000))
	operator := c.Accounts[1]
	valAddr := sdk.ValAddress(operator.Address)
	consKey := ed25519.GenPrivKeyFromSecret([]byte("slashing-test-validator"))
	pk, err := codectypes.NewAnyWithValue(consKey.PubKey())
	if err != nil {
		t.Fatal(err)
	}
	stake := sdkmath.NewInt(100_000_000_000) // 100 TAO = 100000 power at the default power reduction
	create := &stakingtypes.MsgCreateValidator{
		Description:       stakingtypes.Description{Moniker: "slashing-test"},
		Commission:        stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		MinSelfDelegation: sdkmath.OneInt(),
		ValidatorAddress:  valAddr.String(),
		Pubkey:            pk,
		Value:             sdk.NewCoin(app.BaseDenom, stake),
	}
	if res := c.DeliverMsgs(operator, create); res.Code != 0 {
		t.Fatalf("create validator: %s", res.Log)
	}
	c.NextBlock()
	ctx := c.Context()
	consAddr := sdk.ConsAddress(consKey.PubKey().Address())
	info, err := c.App.SlashingKeeper.GetValidatorSigningInfo(ctx, consAddr)
	if err != nil {
		t.Fatalf("no signing info for the new bonded validator (staking hooks -> slashing): %v", err)
	}
	if info.Address != consAddr.String() || info.MissedBlocksCounter != 0 {
		t.Fatalf("signing info %+v", info)
	}

	// The SDK query service, through the app's router (what `taod q slashing signing-infos` uses).
	route := c.App.GRPCQueryRouter().Route("/cosmos.slashing.v1beta1.Query/SigningInfos")
	if route == nil {
		t.Fatal("the SDK slashing Query service is not registered")
	}
	reqBz, err := (&sdkslashingtypes.QuerySigningInfosRequest{}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := route(ctx, &abci.RequestQuery{Data: reqBz, Path: "/cosmos.slashing.v1beta1.Query/SigningInfos"})
	if err != nil {
		t.Fatal(err)
	}
	var infos sdkslashingtypes.QuerySigningInfosResponse
	if err := infos.Unmarshal(resp.Value); err != nil || len(infos.Info) != 1 || infos.Info[0].Address != consAddr.String() {
		t.Fatalf("signing infos %+v %v", infos, err)
	}

	// `taod tx slashing unjail` of a validator that is not jailed: the SDK's error, in a real tx.
	res := c.DeliverMsgs(operator, &sdkslashingtypes.MsgUnjail{ValidatorAddr: valAddr.String()})
	if res.Codespace != sdkslashingtypes.ModuleName || res.Code != sdkslashingtypes.ErrValidatorNotJailed.ABCICode() {
		t.Fatalf("unjail of a validator that is not jailed: code %d (%s): %s; want the SDK's ErrValidatorNotJailed", res.Code, res.Codespace, res.Log)
	}

	// Downtime: BeginBlock records a block the validator did not sign.
	power := stake.Quo(sdk.DefaultPowerReduction).Int64()
	vote := abci.VoteInfo{Validator: abci.Validator{Address: consAddr, Power: power}, BlockIdFlag: cmtproto.BlockIDFlagAbsent}
	finalize(t, c, abci.RequestFinalizeBlock{DecidedLastCommit: abci.CommitInfo{Votes: []abci.VoteInfo{vote}}})
	info, err = c.App.SlashingKeeper.GetValidatorSigningInfo(c.Context(), consAddr)
	if err != nil || info.MissedBlocksCounter != 1 {
		t.Fatalf("after an absent vote: %+v %v; want 1 missed block", info, err)
	}

	// Double-sign through x/evidence: slashed by the SDK's slash_fraction_double_sign, jailed, tombstoned.
	tokensBefore := validator(t, c, valAddr).Tokens
	finalize(t, c, abci.RequestFinalizeBlock{Misbehavior: []abci.Misbehavior{{
		Type: abci.MisbehaviorType_DUPLICATE_VOTE, Validator: abci.Validator{Address: consAddr, Power: power},
		Height: c.Height - 1, Time: c.Time, TotalVotingPower: power + 1,
	}}})
	v := validator(t, c, valAddr)
	if !v.Jailed || !v.Tokens.LT(tokensBefore) {
		t.Fatalf("after a double-sign: jailed %v, tokens %s -> %s", v.Jailed, tokensBefore, v.Tokens)
	}
	if !c.App.SlashingKeeper.IsTombstoned(c.Context(), consAddr) {
		t.Fatal("double-signer is not tombstoned")
	}
}

func validator(t *testing.T, c *apptest.Chain, addr sdk.ValAddress) stakingtypes.Validator {
	t.Helper()
	v, err := c.App.StakingKeeper.GetValidator(c.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// finalize commits the next block with req's commit info and misbehavior.
func finalize(t *testing.T, c *apptest.Chain, req abci.RequestFinalizeBlock) {
	t.Helper()
	c.Height++
	c.Time = c.Time.Add(6 * time.Second)
	req.Height, req.Time = c.Height, c.Time
	if _, err := c.App.FinalizeBlock(&req); err != nil {
		t.Fatalf("FinalizeBlock at %d: %v", c.Height, err)
	}
	if _, err := c.App.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestGenesisHoldsBothParts(t *testing.T) {
	a := app.New(logNop(), memDB(), nil, true, appOptions(t), baseapp.SetChainID(apptest.ChainID))
	enc := a.AppCodec()
	am, ok := a.ModuleManager.Modules[slashingtypes.ModuleName].(slashing.AppModule)
	if !ok {
		t.Fatalf("module %q is %T, not taochain's x/slashing", slashingtypes.ModuleName, a.ModuleManager.Modules[slashingtypes.ModuleName])
	}
	def := am.DefaultGenesis(enc)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(def, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"params", "signing_infos", "missed_blocks", slashingtypes.GenesisField} {
		if _, ok := fields[f]; !ok {
			t.Fatalf("default slashing genesis lacks %q: %s", f, def)
		}
	}
	if err := am.ValidateGenesis(enc, a.TxConfig(), def); err != nil {
		t.Fatalf("default genesis: %v", err)
	}
	// A genesis written by SDK tooling (no "poi") is valid and gets the default intelligence state.
	delete(fields, slashingtypes.GenesisField)
	sdkOnly, _ := json.Marshal(fields)
	if err := am.ValidateGenesis(enc, a.TxConfig(), sdkOnly); err != nil {
		t.Fatalf("SDK-only genesis: %v", err)
	}
	// Bad intelligence params are caught.
	gs := slashingtypes.DefaultGenesisState()
	gs.Params.JailEpochs = slashingtypes.MaxEpochCount + 1
	fields[slashingtypes.GenesisField] = enc.MustMarshalJSON(gs)
	bad, _ := json.Marshal(fields)
	if err := am.ValidateGenesis(enc, a.TxConfig(), bad); !errors.Is(err, slashingtypes.ErrInvalidParams) {
		t.Fatalf("bad poi params: %v, want ErrInvalidParams", err)
	}
}

// TestCLIHasBothServices builds `query` and `tx` from the app's autocli options: the SDK and the
// intelligence commands sit side by side under `slashing`.
func TestCLIHasBothServices(t *testing.T) {
	a := app.New(logNop(), memDB(), nil, true, appOptions(t), baseapp.SetChainID(apptest.ChainID))
	root := &cobra.Command{Use: "taod"}
	root.AddCommand(&cobra.Command{Use: "query"}, &cobra.Command{Use: "tx"})
	opts := a.AutoCliOpts()
	opts.ClientCtx = clientCtx(a)
	if err := opts.EnhanceRootCommand(root); err != nil {
		t.Fatal(err)
	}
	for _, path := range [][]string{
		{"query", "slashing", "signing-infos"}, {"query", "slashing", "signing-info"}, {"query", "slashing", "params"},
		{"query", "slashing", "offences"}, {"query", "slashing", "offence"}, {"query", "slashing", "offences-by-hotkey"},
		{"query", "slashing", "offences-by-netuid"}, {"query", "slashing", "poi-params"}, {"query", "slashing", "jails"},
		{"tx", "slashing", "unjail"}, {"tx", "slashing", "report-equivocation"}, {"tx", "slashing", "update-poi-params-proposal"},
	} {
		cmd, _, err := root.Find(path)
		if err != nil || cmd.Name() != path[2] {
			t.Fatalf("command %v not found (got %q, %v)", path, cmd.Name(), err)
		}
	}
	n := 0
	for _, c := range root.Commands()[0].Commands() {
		if c.Name() == "slashing" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d `query slashing` commands, want 1", n)
	}
}
