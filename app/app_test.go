package app_test

import (
	"encoding/json"
	"testing"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
)

func TestDefaultGenesisUsesRao(t *testing.T) {
	c := apptest.NewChain(t, 1, app.TAO(1))
	ctx := c.Context()

	params, err := c.App.StakingKeeper.GetParams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if params.BondDenom != app.BaseDenom {
		t.Fatalf("bond denom = %q, want %q", params.BondDenom, app.BaseDenom)
	}
	md, ok := c.App.BankKeeper.GetDenomMetaData(ctx, app.BaseDenom)
	if !ok || md.Display != app.DisplayDenom || md.DenomUnits[1].Exponent != app.DisplayExponent {
		t.Fatalf("rao metadata missing or wrong: %+v", md)
	}
	if got := c.Accounts[0].Address.String(); got[:4] != "tao1" {
		t.Fatalf("account address %s does not use the tao prefix", got)
	}
	if c.App.LastBlockHeight() != 1 {
		t.Fatalf("height after first block = %d", c.App.LastBlockHeight())
	}
}

func TestBankSendThroughTheApp(t *testing.T) {
	c := apptest.NewChain(t, 2, app.TAO(1000))
	alice, bob := c.Accounts[0], c.Accounts[1]
	amount := app.TAO(3)

	res := c.DeliverMsgs(alice, banktypes.NewMsgSend(alice.Address, bob.Address, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, amount))))
	if res.Code != 0 {
		t.Fatalf("bank send failed: code %d: %s", res.Code, res.Log)
	}
	ctx := c.Context()
	if got := c.App.BankKeeper.GetBalance(ctx, bob.Address, app.BaseDenom).Amount; !got.Equal(app.TAO(1003)) {
		t.Fatalf("bob balance = %s, want %s", got, app.TAO(1003))
	}
	// Alice paid the amount plus the 2000 rao fee.
	wantAlice := app.TAO(997).Sub(sdkmath.NewInt(2000))
	if got := c.App.BankKeeper.GetBalance(ctx, alice.Address, app.BaseDenom).Amount; !got.Equal(wantAlice) {
		t.Fatalf("alice balance = %s, want %s", got, wantAlice)
	}

	// A send above the balance is rejected and moves nothing.
	res = c.DeliverMsgs(bob, banktypes.NewMsgSend(bob.Address, alice.Address, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, app.TAO(5000)))))
	if res.Code == 0 {
		t.Fatal("overdrawn send succeeded")
	}
	if got := c.App.BankKeeper.GetBalance(c.Context(), bob.Address, app.BaseDenom).Amount; !got.Equal(app.TAO(1003).Sub(sdkmath.NewInt(2000))) {
		t.Fatalf("bob balance after failed send = %s", got)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	c := apptest.NewChain(t, 2, app.TAO(10))
	c.NextBlock()
	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(exported.Validators) != 1 {
		t.Fatalf("exported %d validators, want 1", len(exported.Validators))
	}
	var state app.GenesisState
	if err := json.Unmarshal(exported.AppState, &state); err != nil {
		t.Fatal(err)
	}
	var staking stakingtypes.GenesisState
	c.App.AppCodec().MustUnmarshalJSON(state[stakingtypes.ModuleName], &staking)
	if staking.Params.BondDenom != app.BaseDenom || len(staking.Validators) != 1 {
		t.Fatalf("exported staking genesis: %+v", staking.Params)
	}
	if _, err := c.App.ExportAppStateAndValidators(true, nil, nil); err != nil {
		t.Fatalf("zero-height export: %v", err)
	}
}

// `taod init` builds genesis from module basics: GenesisBasics must give it taochain's defaults
// (TAO deposits, rao metadata) and still validate with the modules' own rules.
func TestGenesisBasicsCarryTaochainDefaults(t *testing.T) {
	c := apptest.NewChain(t, 1, app.TAO(1))
	cdc := c.App.AppCodec()
	basics := app.GenesisBasics(cdc, c.App.BasicModuleManager)
	gen := basics.DefaultGenesis(cdc)

	var gov govv1.GenesisState
	cdc.MustUnmarshalJSON(gen[govtypes.ModuleName], &gov)
	if want := sdk.NewCoins(sdk.NewCoin(app.BaseDenom, app.TAO(10))); !sdk.Coins(gov.Params.MinDeposit).Equal(want) {
		t.Fatalf("gov min deposit = %s, want %s", sdk.Coins(gov.Params.MinDeposit), want)
	}
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(gen[banktypes.ModuleName], &bank)
	if len(bank.DenomMetadata) != 1 || bank.DenomMetadata[0].Base != app.BaseDenom {
		t.Fatalf("bank metadata = %+v, want the rao/TAO entry", bank.DenomMetadata)
	}
	if err := basics.ValidateGenesis(cdc, c.App.TxConfig(), gen); err != nil {
		t.Fatalf("default genesis does not validate: %v", err)
	}
	// Validation is the module's own: a broken gov genesis is still refused.
	gov.Params.MinDeposit = nil
	gen[govtypes.ModuleName] = cdc.MustMarshalJSON(&gov)
	if err := basics.ValidateGenesis(cdc, c.App.TxConfig(), gen); err == nil {
		t.Fatal("a gov genesis without a min deposit validated")
	}
}
