package slashing

import (
	"encoding/json"
	"fmt"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	sdkslashing "github.com/cosmos/cosmos-sdk/x/slashing"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/slashing/keeper"
	"github.com/taochain/taochain/x/slashing/types"
)

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.AppModuleSimulation = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}

	_ appmodule.AppModule       = AppModule{}
	_ appmodule.HasBeginBlocker = AppModule{}
)

// AppModule is x/slashing: the SDK slashing AppModule (embedded: name, BeginBlock downtime
// handling, migrations, consensus version, simulation) decorated with the intelligence offences'
// services, codec registrations, REST routes and genesis.
type AppModule struct {
	sdkslashing.AppModule

	cdc    codec.Codec
	keeper keeper.Keeper
	cli    *cliCommands
}

// NewAppModule returns x/slashing. k embeds the SDK keeper the SDK module runs on; ak, bk and sk
// are what the SDK module needs.
func NewAppModule(cdc codec.Codec, k keeper.Keeper, ak slashingtypes.AccountKeeper, bk slashingtypes.BankKeeper,
	sk slashingtypes.StakingKeeper, registry codectypes.InterfaceRegistry,
) AppModule {
	return AppModule{
		AppModule: sdkslashing.NewAppModule(cdc, k.Keeper, ak, bk, sk, nil, registry),
		cdc:       cdc,
		keeper:    k,
		cli:       &cliCommands{},
	}
}

// RegisterLegacyAminoCodec registers the SDK slashing and the intelligence slashing Amino types.
func (am AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	am.AppModule.RegisterLegacyAminoCodec(cdc)
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the SDK slashing and the intelligence slashing messages.
func (am AppModule) RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	am.AppModule.RegisterInterfaces(registry)
	types.RegisterInterfaces(registry)
}

// RegisterGRPCGatewayRoutes registers the SDK routes (/cosmos/slashing/v1beta1/...) and the
// intelligence routes (/taochain/slashing/v1/...).
func (am AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	am.AppModule.RegisterGRPCGatewayRoutes(clientCtx, mux)
	modulekit.Gateway(types.NewQueryClient, types.RegisterQueryHandlerClient)(clientCtx, mux)
}

// RegisterServices registers the SDK slashing services and migrations and the intelligence
// slashing Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	am.AppModule.RegisterServices(cfg)
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
}

// splitGenesis separates app_state.slashing into the SDK slashing genesis (every field but
// "poi") and the intelligence genesis ("poi"; the default when absent, e.g. in a genesis written
// by SDK tooling).
func splitGenesis(cdc codec.JSONCodec, bz json.RawMessage) (json.RawMessage, *types.GenesisState, error) {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(bz, &fields); err != nil {
		return nil, nil, fmt.Errorf("%s genesis is not a JSON object: %w", types.ModuleName, err)
	}
	poi := types.DefaultGenesisState()
	if raw, ok := fields[types.GenesisField]; ok {
		poi = &types.GenesisState{}
		if err := cdc.UnmarshalJSON(raw, poi); err != nil {
			return nil, nil, fmt.Errorf("%s genesis field %q: %w", types.ModuleName, types.GenesisField, err)
		}
		delete(fields, types.GenesisField)
	}
	sdkPart, err := json.Marshal(fields) // encoding/json sorts map keys: deterministic
	if err != nil {
		return nil, nil, err
	}
	return sdkPart, poi, nil
}

// joinGenesis adds the intelligence genesis as field "poi" to the SDK slashing genesis.
func joinGenesis(cdc codec.JSONCodec, sdkPart json.RawMessage, poi *types.GenesisState) json.RawMessage {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(sdkPart, &fields); err != nil {
		panic(fmt.Errorf("SDK %s genesis is not a JSON object: %w", types.ModuleName, err))
	}
	fields[types.GenesisField] = cdc.MustMarshalJSON(poi)
	bz, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	return bz
}

// DefaultGenesis returns the SDK slashing defaults with the default intelligence state in "poi".
func (am AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return joinGenesis(cdc, am.AppModule.DefaultGenesis(cdc), types.DefaultGenesisState())
}

// ValidateGenesis validates both parts of the slashing genesis.
func (am AppModule) ValidateGenesis(cdc codec.JSONCodec, config client.TxEncodingConfig, bz json.RawMessage) error {
	sdkPart, poi, err := splitGenesis(cdc, bz)
	if err != nil {
		return err
	}
	if err := am.AppModule.ValidateGenesis(cdc, config, sdkPart); err != nil {
		return err
	}
	return poi.Validate()
}

// InitGenesis loads both parts of the slashing genesis.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, data json.RawMessage) {
	sdkPart, poi, err := splitGenesis(cdc, data)
	if err != nil {
		panic(err)
	}
	am.AppModule.InitGenesis(ctx, cdc, sdkPart)
	if err := am.keeper.InitPoIGenesis(ctx, poi); err != nil {
		panic(fmt.Errorf("failed to init %s intelligence genesis: %w", types.ModuleName, err))
	}
}

// ExportGenesis exports both parts of the slashing genesis.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	poi, err := am.keeper.ExportPoIGenesis(ctx)
	if err != nil {
		panic(fmt.Errorf("failed to export %s intelligence genesis: %w", types.ModuleName, err))
	}
	return joinGenesis(cdc, am.AppModule.ExportGenesis(ctx, cdc), poi)
}
