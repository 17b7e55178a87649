// Package subnet is the taochain x/subnet module: subnets, neurons (uids, hotkeys, axons),
// registration burns, and subnet stake with delegation. See README.md.
package subnet

import (
	"context"
	"encoding/json"

	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// ConsensusVersion is the state version of the module; bump with a migration.
const ConsensusVersion = 4

var (
	_ module.AppModuleBasic   = AppModule{}
	_ module.HasGenesis       = AppModule{}
	_ module.HasServices      = AppModule{}
	_ module.HasInvariants    = AppModule{}
	_ appmodule.AppModule     = AppModule{}
	_ appmodule.HasEndBlocker = AppModule{}
)

// AppModule wires x/subnet into the module manager. modulekit.Base gives it the methods that only
// name the module (Name, ConsensusVersion, codec and REST route registration) from identity.
type AppModule struct {
	modulekit.Base[identity]

	keeper keeper.Keeper
}

// identity is x/subnet as modulekit.Base serves it.
type identity struct{}

// Identity implements modulekit.Identifier.
func (identity) Identity() modulekit.Identity {
	return modulekit.Identity{
		Name: types.ModuleName, ConsensusVersion: ConsensusVersion,
		RegisterLegacyAminoCodec: types.RegisterLegacyAminoCodec, RegisterInterfaces: types.RegisterInterfaces,
		RegisterGRPCGatewayRoutes: modulekit.Gateway(types.NewQueryClient, types.RegisterQueryHandlerClient),
	}
}

// NewAppModule returns the x/subnet module around k.
func NewAppModule(k keeper.Keeper) AppModule { return AppModule{keeper: k} }

// RegisterServices registers the Msg and Query services and the store migrations.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
	m := keeper.NewMigrator(am.keeper)
	modulekit.RegisterMigration(cfg, types.ModuleName, 1, m.Migrate1to2)
	modulekit.RegisterMigration(cfg, types.ModuleName, 2, m.Migrate2to3)
	modulekit.RegisterMigration(cfg, types.ModuleName, 3, m.Migrate3to4)
}

// RegisterInvariants registers the module-balance invariant.
func (am AppModule) RegisterInvariants(ir sdk.InvariantRegistry) {
	keeper.RegisterInvariants(ir, am.keeper)
}

// DefaultGenesis returns the default genesis JSON.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis validates genesis JSON.
func (AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	return modulekit.ValidateGenesis[types.GenesisState](cdc, types.ModuleName, bz)
}

// InitGenesis writes genesis state; an invalid genesis panics as the SDK requires.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	modulekit.InitGenesis(ctx, cdc, types.ModuleName, bz, func(ctx context.Context, gs *types.GenesisState) error {
		return am.keeper.InitGenesis(ctx, *gs)
	})
}

// ExportGenesis exports the module state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	return modulekit.ExportGenesis(ctx, cdc, types.ModuleName, am.keeper.ExportGenesis)
}

// EndBlock pays out matured unbonding and returns stake of dissolved subnets (bounded per block).
func (am AppModule) EndBlock(ctx context.Context) error { return am.keeper.EndBlocker(ctx) }
