package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

func validGenesis() *types.GenesisState {
	return types.NewGenesisState(types.DefaultParams(),
		[]types.PendingEmission{{Netuid: 1, Amount: math.NewInt(30)}, {Netuid: 4, Amount: math.NewInt(70)}},
		types.EmissionTotals{
			Minted: math.NewInt(160), Security: math.NewInt(20), Pending: math.NewInt(100),
			Released: math.NewInt(15), PaidOut: math.NewInt(25),
		})
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate())
	require.NoError(t, validGenesis().Validate())

	tests := []struct {
		name    string
		mutate  func(gs *types.GenesisState)
		wantErr error
	}{
		{"bad params", func(gs *types.GenesisState) { gs.Params.MintDenom = "" }, types.ErrInvalidParams},
		{"netuid too large", func(gs *types.GenesisState) { gs.PendingEmissions[1].Netuid = 70_000 }, types.ErrInvalidGenesis},
		{"duplicate netuid", func(gs *types.GenesisState) { gs.PendingEmissions[1].Netuid = 1 }, types.ErrInvalidGenesis},
		{"unsorted", func(gs *types.GenesisState) {
			gs.PendingEmissions[0], gs.PendingEmissions[1] = gs.PendingEmissions[1], gs.PendingEmissions[0]
		}, types.ErrInvalidGenesis},
		{"zero amount", func(gs *types.GenesisState) {
			gs.PendingEmissions[0].Amount = math.ZeroInt()
			gs.Totals.Pending = math.NewInt(70)
			gs.Totals.Minted = math.NewInt(130)
		}, types.ErrInvalidGenesis},
		{"pending total mismatch", func(gs *types.GenesisState) {
			gs.Totals.Pending = math.NewInt(99)
			gs.Totals.Minted = math.NewInt(159)
		}, types.ErrInvalidGenesis},
		{"minted mismatch", func(gs *types.GenesisState) { gs.Totals.Minted = math.NewInt(161) }, types.ErrInvalidGenesis},
		{"negative total", func(gs *types.GenesisState) {
			gs.Totals.PaidOut = math.NewInt(-1)
			gs.Totals.Minted = math.NewInt(134)
		}, types.ErrInvalidGenesis},
		{"nil total", func(gs *types.GenesisState) { gs.Totals.Released = math.Int{} }, types.ErrInvalidGenesis},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := validGenesis()
			tc.mutate(gs)
			require.ErrorIs(t, gs.Validate(), tc.wantErr)
		})
	}
}
