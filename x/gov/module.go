package gov

import (
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/module"
	sdkgov "github.com/cosmos/cosmos-sdk/x/gov"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/taochain/taochain/x/gov/client/cli"
	"github.com/taochain/taochain/x/gov/keeper"
	"github.com/taochain/taochain/x/gov/types"
	"github.com/taochain/taochain/x/internal/modulekit"
)

var (
	_ module.AppModuleBasic   = AppModuleBasic{}
	_ module.AppModuleBasic   = AppModule{}
	_ module.HasGenesis       = AppModule{}
	_ module.HasServices      = AppModule{}
	_ appmodule.AppModule     = AppModule{}
	_ appmodule.HasEndBlocker = AppModule{}
)

// AppModuleBasic is the SDK gov AppModuleBasic plus the REST routes of taochain.gov.v1.Query.
type AppModuleBasic struct {
	sdkgov.AppModuleBasic
}

// NewAppModuleBasic wraps the SDK gov AppModuleBasic (built with the app's legacy proposal
// handlers, if any).
func NewAppModuleBasic(basic sdkgov.AppModuleBasic) AppModuleBasic {
	return AppModuleBasic{AppModuleBasic: basic}
}

// RegisterGRPCGatewayRoutes registers the SDK gov routes and /taochain/gov/v1/...
func (b AppModuleBasic) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	b.AppModuleBasic.RegisterGRPCGatewayRoutes(clientCtx, mux)
	registerGateway(clientCtx, mux)
}

// GetQueryCmd returns the `query gov` command with taochain's voting-power queries; autocli adds
// the SDK gov queries to it (the SDK gov Query descriptor has EnhanceCustomCommand set).
func (AppModuleBasic) GetQueryCmd() *cobra.Command { return cli.GetQueryCmd() }

// AppModule is the SDK gov AppModule with taochain's query service added. Genesis, EndBlock (which
// tallies with the keeper's custom tally function), Msg services, migrations and the tx CLI are the
// SDK's.
type AppModule struct {
	sdkgov.AppModule
	keeper keeper.Keeper
}

// NewAppModule wraps the SDK gov module. govKeeper must have been built with
// keeper.GovStakingKeeper() as its staking keeper and
// govkeeper.WithCustomCalculateVoteResultsAndVotingPowerFn(k.CalculateVoteResultsAndVotingPower).
func NewAppModule(cdc codec.Codec, govKeeper *govkeeper.Keeper, ak govtypes.AccountKeeper, bk govtypes.BankKeeper,
	ss govtypes.ParamSubspace, k keeper.Keeper,
) AppModule {
	return AppModule{AppModule: sdkgov.NewAppModule(cdc, govKeeper, ak, bk, ss), keeper: k}
}

// RegisterServices registers the SDK gov services and migrations, then taochain.gov.v1.Query.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	am.AppModule.RegisterServices(cfg)
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
}

// RegisterGRPCGatewayRoutes registers the SDK gov routes and /taochain/gov/v1/...
func (am AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	am.AppModule.RegisterGRPCGatewayRoutes(clientCtx, mux)
	registerGateway(clientCtx, mux)
}

// GetQueryCmd returns the `query gov` command with taochain's voting-power queries; autocli adds
// the SDK gov queries to it.
func (AppModule) GetQueryCmd() *cobra.Command { return cli.GetQueryCmd() }

// AutoCLIOptions returns the SDK gov autocli options: the SDK's generated gov queries enhance the
// custom `query gov` command (which holds voting-power), and `tx gov` stays the SDK's.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	opts := am.AppModule.AutoCLIOptions()
	if opts.Query != nil {
		opts.Query.EnhanceCustomCommand = true
	}
	return opts
}

// registerGateway registers the REST routes of taochain.gov.v1.Query (/taochain/gov/v1/...).
var registerGateway = modulekit.Gateway(types.NewQueryClient, types.RegisterQueryHandlerClient)
