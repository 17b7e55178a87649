package simulation_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/x/subnet/simulation"
	"github.com/taochain/taochain/x/subnet/types"
)

// TestRandomizedGenState checks, over many seeds, that the randomized genesis is valid, that its
// neurons' hotkeys are simulation accounts, and that exactly the locked and staked rao moved from
// the accounts' bank balances to the x/subnet module account (supply unchanged).
func TestRandomizedGenState(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	sawSubnet, sawPool := false, false
	for seed := int64(0); seed < 60; seed++ {
		r := rand.New(rand.NewSource(seed))
		accs := simtypes.RandomAccounts(r, 20)
		const denom = "rao"
		initial := sdkmath.NewInt(1_000_000_000_000)
		bank := banktypes.GenesisState{Params: banktypes.DefaultParams()}
		for _, a := range accs {
			bank.Balances = append(bank.Balances, banktypes.Balance{Address: a.Address.String(), Coins: sdk.NewCoins(sdk.NewCoin(denom, initial))})
		}
		simState := &module.SimulationState{
			AppParams: make(simtypes.AppParams), Cdc: cdc, Rand: r, Accounts: accs, BondDenom: denom,
			GenState: map[string]json.RawMessage{banktypes.ModuleName: cdc.MustMarshalJSON(&bank)},
		}
		simulation.RandomizedGenState(simState)

		var gs types.GenesisState
		cdc.MustUnmarshalJSON(simState.GenState[types.ModuleName], &gs)
		require.NoError(t, gs.Validate(), "seed %d", seed)
		owned := map[string]bool{}
		for _, a := range accs {
			owned[a.Address.String()] = true
		}
		for _, n := range gs.Neurons {
			require.True(t, owned[n.Hotkey], "seed %d: hotkey %s is not a simulation account", seed, n.Hotkey)
		}
		held := sdkmath.ZeroInt()
		for _, s := range gs.Subnets {
			held = held.Add(s.Locked)
			sawSubnet = true
		}
		for _, p := range gs.Pools {
			held = held.Add(p.TotalStake)
			sawPool = true
		}

		var after banktypes.GenesisState
		cdc.MustUnmarshalJSON(simState.GenState[banktypes.ModuleName], &after)
		total, module := sdkmath.ZeroInt(), sdkmath.ZeroInt()
		for _, b := range after.Balances {
			total = total.Add(b.Coins.AmountOf(denom))
			if b.Address == authtypes.NewModuleAddress(types.ModuleName).String() {
				module = b.Coins.AmountOf(denom)
			}
		}
		require.True(t, total.Equal(initial.MulRaw(int64(len(accs)))), "seed %d: supply changed to %s", seed, total)
		require.True(t, module.Equal(held), "seed %d: module account holds %s, locks + pools are %s", seed, module, held)
	}
	require.True(t, sawSubnet && sawPool, "no seed generated a subnet with stake")
}

// TestRandomParamsValid checks that randomized params and hyperparameters are always valid.
func TestRandomParamsValid(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		p := simulation.RandomParams(r)
		require.NoError(t, p.Validate())
		hp := simulation.RandomHyperparams(r, p.MinHyperparams, p.MaxHyperparams)
		require.NoError(t, hp.Validate())
		require.NoError(t, hp.ValidateWithin(p.MinHyperparams, p.MaxHyperparams))
	}
}
