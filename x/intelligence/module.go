package intelligence

import (
	"context"
	"encoding/json"

	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/modulekit"
)

// ConsensusVersion is the x/intelligence state layout version, bumped with each store migration.
const ConsensusVersion = 5

var (
	_ module.AppModuleBasic = AppModule{}
	_ module.HasGenesis     = AppModule{}
	_ module.HasServices    = AppModule{}

	_ appmodule.AppModule     = AppModule{}
	_ appmodule.HasEndBlocker = AppModule{}
)

// AppModule is the x/intelligence application module. modulekit.Base gives it the methods that
// only name the module (Name, ConsensusVersion, codec and REST route registration) from identity.
type AppModule struct {
	modulekit.Base[identity]

	cdc    codec.Codec
	keeper keeper.Keeper
}

// identity is x/intelligence as modulekit.Base serves it.
type identity struct{}

// Identity implements modulekit.Identifier.
func (identity) Identity() modulekit.Identity {
	return modulekit.Identity{
		Name: types.ModuleName, ConsensusVersion: ConsensusVersion,
		RegisterLegacyAminoCodec: types.RegisterLegacyAminoCodec, RegisterInterfaces: types.RegisterInterfaces,
		RegisterGRPCGatewayRoutes: modulekit.Gateway(types.NewQueryClient, types.RegisterQueryHandlerClient),
	}
}

// NewAppModule returns the x/intelligence AppModule.
func NewAppModule(cdc codec.Codec, k keeper.Keeper) AppModule {
	return AppModule{cdc: cdc, keeper: k}
}

// RegisterServices registers the Msg and Query services and the store migrations.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
	m := keeper.NewMigrator(am.keeper)
	modulekit.RegisterMigration(cfg, types.ModuleName, 1, m.Migrate1to2)
	modulekit.RegisterMigration(cfg, types.ModuleName, 2, m.Migrate2to3)
	modulekit.RegisterMigration(cfg, types.ModuleName, 3, m.Migrate3to4)
	modulekit.RegisterMigration(cfg, types.ModuleName, 4, m.Migrate4to5)
}

// DefaultGenesis returns the default genesis state as JSON.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesisState())
}

// ValidateGenesis validates a genesis state given as JSON.
func (AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	return modulekit.ValidateGenesis[types.GenesisState](cdc, types.ModuleName, bz)
}

// InitGenesis initializes the module state from a JSON genesis state.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, data json.RawMessage) {
	modulekit.InitGenesis(ctx, cdc, types.ModuleName, data, am.keeper.InitGenesis)
}

// ExportGenesis exports the module state as JSON.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	return modulekit.ExportGenesis(ctx, cdc, types.ModuleName, am.keeper.ExportGenesis)
}

// EndBlock queues due subnet epochs and runs up to max_epochs_per_block of them.
func (am AppModule) EndBlock(ctx context.Context) error {
	return am.keeper.EndBlocker(ctx)
}
