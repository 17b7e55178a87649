package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/types"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	ibctm "github.com/cosmos/ibc-go/v10/modules/light-clients/07-tendermint"

	"github.com/taochain/taochain/app/openapi"
	"github.com/taochain/taochain/internal/telemetry"
	"github.com/taochain/taochain/x/slashing"
)

// DefaultNodeHome is the default home directory of taod (~/.taochain).
var DefaultNodeHome string

var _ servertypes.Application = (*App)(nil)

// App is the taochain application. Its keepers (embedded Keepers, keepers.go) are exported so
// tests and tooling can reach state.
type App struct {
	*baseapp.BaseApp
	Keepers

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry

	keys map[string]*storetypes.KVStoreKey
	// tmLightClientModule is the 07-tendermint light client, routed in IBC core and listed as a
	// module; initIBC builds it.
	tmLightClientModule ibctm.LightClientModule

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	configurator       module.Configurator
	// sm drives the SDK simulator (app/sim_test.go) over every module that supports it.
	sm *module.SimulationManager
}

func init() {
	userHomeDir, err := os.UserHomeDir()
	if err != nil {
		userHomeDir = "."
	}
	DefaultNodeHome = filepath.Join(userHomeDir, ".taochain")
}

// New builds the taochain application over db. loadLatest loads the last committed state. The
// wiring lives beside it: store keys and keepers in keepers.go, the module list and orders in
// modules.go, upgrades in upgrades.go (see README.md).
func New(
	logger log.Logger,
	db dbm.DB,
	traceStore io.Writer,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) *App {
	enc := MakeEncodingConfig()
	interfaceRegistry, appCodec, legacyAmino, txConfig := enc.InterfaceRegistry, enc.Codec, enc.Amino, enc.TxConfig

	bApp := baseapp.NewBaseApp(Name, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetCommitMultiStoreTracer(traceStore)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := newStoreKeys()
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		panic(err)
	}

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
	}
	app.initKeepers(appOpts, logger)

	app.ModuleManager = module.NewManager(appModules(app)...)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, basicModuleOverrides())
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)

	app.ModuleManager.SetOrderPreBlockers(orderPreBlockers()...)
	app.ModuleManager.SetOrderBeginBlockers(orderBeginBlockers()...)
	app.ModuleManager.SetOrderEndBlockers(orderEndBlockers()...)
	app.ModuleManager.SetOrderInitGenesis(orderInitGenesis()...)
	app.ModuleManager.SetOrderExportGenesis(orderInitGenesis()...)

	app.configurator = module.NewConfigurator(appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}
	app.setupUpgradeHandlers()
	app.setupUpgradeStoreLoaders()

	app.sm = module.NewSimulationManagerFromAppModules(app.ModuleManager.Modules, simulationModuleOverrides(app))
	app.sm.RegisterStoreDecoders()

	// Reflection and the autocli service let clients discover every module's services.
	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)

	app.MountKVStores(keys)

	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)
	app.setAnteHandler(app.txConfig)
	app.setPostHandler()

	protoFiles, err := proto.MergedRegistry()
	if err != nil {
		panic(err)
	}
	if err := msgservice.ValidateProtoAnnotations(protoFiles); err != nil {
		// Annotation problems in third-party protos are reported, not fatal, like the SDK's simapp.
		fmt.Fprintln(os.Stderr, err.Error())
	}

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("loading latest version: %w", err))
		}
	}
	return app
}

func (app *App) setAnteHandler(txConfig client.TxConfig) {
	anteHandler, err := NewAnteHandler(HandlerOptions{
		HandlerOptions: ante.HandlerOptions{
			AccountKeeper:   app.AccountKeeper,
			BankKeeper:      app.BankKeeper,
			SignModeHandler: txConfig.SignModeHandler(),
			SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
		},
		IBCKeeper:        app.IBCKeeper,
		HotkeyFeeSponsor: app.SubnetKeeper,
	})
	if err != nil {
		panic(err)
	}
	app.SetAnteHandler(anteHandler)
}

func (app *App) setPostHandler() {
	postHandler, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		panic(err)
	}
	app.SetPostHandler(postHandler)
}

// Name returns the application name.
func (app *App) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the upgrade and auth pre-blockers.
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs every module's BeginBlock in the configured order.
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// MetricEndBlockDuration is the key of the summary of the whole EndBlock's wall time (every
// module's EndBlock, epochs included), in milliseconds: the figure issue 18 bounds (p99 ≤ 100 ms).
var MetricEndBlockDuration = []string{"app", "end_block", "duration"}

// LogEndBlock is the message of the debug line EndBlocker logs after every block (module
// "baseapp", fields height and ms): an operator sees per-block EndBlock times with
// `--log_level '*:info,baseapp:debug'`, and the busy-localnet benchmark reads them.
const LogEndBlock = "end block"

// EndBlocker runs every module's EndBlock in the configured order and records how long they took
// together, as a metric and a debug log line (neither is read by the state machine).
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	start := telemetry.Start()
	defer func() {
		telemetry.Since(ctx, MetricEndBlockDuration, start)
		ctx.Logger().Debug(LogEndBlock, "height", ctx.BlockHeight(), "ms", telemetry.MillisSince(start))
	}()
	return app.ModuleManager.EndBlock(ctx)
}

// Configurator returns the module configurator used for services and migrations.
func (app *App) Configurator() module.Configurator { return app.configurator }

// InitChainer initialises every module's state from the genesis app state.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("decoding genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state at a past height (used by export).
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// LegacyAmino returns the amino codec (still needed for ledger signing and legacy JSON).
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the protobuf codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *App) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the transaction config.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// DefaultGenesis returns taochain's default genesis: SDK defaults with rao as the denom everywhere.
func (app *App) DefaultGenesis() map[string]json.RawMessage {
	return NewDefaultGenesisState(app.appCodec, app.BasicModuleManager)
}

// GetKey returns the KV store key of a module (for tests).
func (app *App) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

// SimulationManager returns the simulation manager of the SDK simulator (randomized genesis,
// message factories, store decoders).
func (app *App) SimulationManager() *module.SimulationManager { return app.sm }

// RegisterAPIRoutes registers the gRPC-gateway REST routes of every module and, with
// `api.swagger = true`, taochain's OpenAPI spec and Swagger UI at /swagger/ (app/openapi).
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	if !apiConfig.Swagger {
		return
	}
	if err := openapi.Register(apiSvr.Router); err != nil {
		panic(err)
	}
}

// RegisterTxService registers the tx gRPC service (simulate, broadcast, get tx).
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC query service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

// RegisterNodeService registers the node gRPC service (config, status).
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg)
}

// AutoCliOpts returns the autocli options that build `taod tx` and `taod query` from every module's
// services and AutoCLIOptions.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		named, ok := m.(module.HasName)
		if !ok {
			continue
		}
		if am, ok := named.(appmodule.AppModule); ok {
			modules[named.Name()] = am
		}
	}
	// x/slashing serves two services (SDK and intelligence) under one `slashing` command; autocli
	// needs an entry per service, so it adds one that shares the command.
	if sl, ok := app.ModuleManager.Modules[slashingtypes.ModuleName].(slashing.AppModule); ok {
		for name, m := range sl.AutoCLIModules() {
			modules[name] = m
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix()),
		ValidatorAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		ConsensusAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()),
	}
}
