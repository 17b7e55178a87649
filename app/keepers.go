package app

import (
	"github.com/spf13/cast"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"
	evidencekeeper "cosmossdk.io/x/evidence/keeper"
	evidencetypes "cosmossdk.io/x/evidence/types"
	upgradekeeper "cosmossdk.io/x/upgrade/keeper"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	txmodule "github.com/cosmos/cosmos-sdk/x/auth/tx/config"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	consensusparamkeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/cosmos/ibc-go/v10/modules/apps/transfer"
	ibctransferkeeper "github.com/cosmos/ibc-go/v10/modules/apps/transfer/keeper"
	ibctransfertypes "github.com/cosmos/ibc-go/v10/modules/apps/transfer/types"
	transferv2 "github.com/cosmos/ibc-go/v10/modules/apps/transfer/v2"
	porttypes "github.com/cosmos/ibc-go/v10/modules/core/05-port/types"
	ibcapi "github.com/cosmos/ibc-go/v10/modules/core/api"
	ibcexported "github.com/cosmos/ibc-go/v10/modules/core/exported"
	ibckeeper "github.com/cosmos/ibc-go/v10/modules/core/keeper"
	ibctm "github.com/cosmos/ibc-go/v10/modules/light-clients/07-tendermint"

	taogovkeeper "github.com/taochain/taochain/x/gov/keeper"
	"github.com/taochain/taochain/x/intelligence/ibcapp"
	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	poislashingkeeper "github.com/taochain/taochain/x/slashing/keeper"
	poislashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taokeeper "github.com/taochain/taochain/x/tao/keeper"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// Keepers are the keepers of every module, embedded in App so that app.BankKeeper and the like
// reach them. They are exported so tests and tooling can read and write state.
type Keepers struct {
	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        poislashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             govkeeper.Keeper
	TaoGovKeeper          taogovkeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	ConsensusParamsKeeper consensusparamkeeper.Keeper
	IBCKeeper             *ibckeeper.Keeper
	TransferKeeper        ibctransferkeeper.Keeper
	TaoKeeper             taokeeper.Keeper
	SubnetKeeper          subnetkeeper.Keeper
	IntelligenceKeeper    intelligencekeeper.Keeper
}

// newStoreKeys returns a KV store key for every module that keeps state. A store key added here
// on a live chain must also be listed in the StoreUpgrades.Added of the upgrade that introduces
// it (app/upgrades.go), or nodes fail to load the new store at that height.
func newStoreKeys() map[string]*storetypes.KVStoreKey {
	return storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, distrtypes.StoreKey,
		slashingtypes.StoreKey, govtypes.StoreKey, evidencetypes.StoreKey, upgradetypes.StoreKey,
		consensusparamtypes.StoreKey, ibcexported.StoreKey, ibctransfertypes.StoreKey,
		taotypes.StoreKey, subnettypes.StoreKey, intelligencetypes.StoreKey, poislashingtypes.StoreKey,
	)
}

// initKeepers builds every keeper over app.keys, wires the hooks between them and the IBC routers,
// and sets app.txConfig to the tx config that renders coin metadata (it needs the bank keeper).
// A keeper is built after the keepers it is given, so the order below is the dependency order.
func (app *App) initKeepers(appOpts servertypes.AppOptions, logger log.Logger) {
	appCodec, keys := app.appCodec, app.keys
	authority := authtypes.NewModuleAddress(govtypes.ModuleName).String()

	app.ConsensusParamsKeeper = consensusparamkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[consensusparamtypes.StoreKey]), authority, runtime.EventService{})
	app.SetParamStore(app.ConsensusParamsKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(appCodec, runtime.NewKVStoreService(keys[authtypes.StoreKey]),
		authtypes.ProtoBaseAccount, maccPerms, authcodec.NewBech32Codec(Bech32Prefix), Bech32Prefix, authority)

	app.BankKeeper = bankkeeper.NewBaseKeeper(appCodec, runtime.NewKVStoreService(keys[banktypes.StoreKey]),
		app.AccountKeeper, BlockedAddresses(), authority, logger)

	// Sign mode textual needs the bank keeper to render coin metadata, so the tx config is rebuilt here.
	txConfig, err := authtx.NewTxConfigWithOptions(appCodec, authtx.ConfigOptions{
		EnabledSignModes:           authtx.DefaultSignModes,
		TextualCoinMetadataQueryFn: txmodule.NewBankKeeperCoinMetadataQueryFn(app.BankKeeper),
	})
	if err != nil {
		panic(err)
	}
	app.txConfig = txConfig

	app.StakingKeeper = stakingkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[stakingtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, authority,
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()))

	app.DistrKeeper = distrkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[distrtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.StakingKeeper, authtypes.FeeCollectorName, authority)

	// The SDK slashing keeper; x/slashing (app.SlashingKeeper, below) embeds it. Staking hooks and
	// x/evidence use it directly, exactly as in the SDK.
	sdkSlashingKeeper := slashingkeeper.NewKeeper(appCodec, app.legacyAmino,
		runtime.NewKVStoreService(keys[slashingtypes.StoreKey]), app.StakingKeeper, authority)

	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(app.DistrKeeper.Hooks(), sdkSlashingKeeper.Hooks()))

	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights,
		runtime.NewKVStoreService(keys[upgradetypes.StoreKey]), appCodec, homePath, app.BaseApp, authority)

	evidenceKeeper := evidencekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[evidencetypes.StoreKey]),
		app.StakingKeeper, sdkSlashingKeeper, app.AccountKeeper.AddressCodec(), runtime.ProvideCometInfoService())
	app.EvidenceKeeper = *evidenceKeeper

	// taochain: subnets and subnet stake, and the emission that pays them.
	app.SubnetKeeper = subnetkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[subnettypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, authority, BaseDenom)
	app.TaoKeeper = taokeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[taotypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.SubnetKeeper, authtypes.FeeCollectorName, authority)
	// Proof of Intelligence: weights and signed evaluations in, Yuma epochs and payouts out.
	app.IntelligenceKeeper = intelligencekeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[intelligencetypes.StoreKey]), app.SubnetKeeper, app.TaoKeeper, authority)
	// x/slashing: the SDK consensus slashing keeper decorated with the intelligence offences
	// (equivocation reports, validator liveness, useless miners), checked at each subnet epoch.
	app.SlashingKeeper = poislashingkeeper.NewKeeper(sdkSlashingKeeper, appCodec,
		runtime.NewKVStoreService(keys[poislashingtypes.StoreKey]), app.SubnetKeeper, app.IntelligenceKeeper,
		app.BankKeeper, app.AccountKeeper, authority)
	app.IntelligenceKeeper.SetEpochHooks(app.SlashingKeeper.EpochHooks())
	app.SubnetKeeper.SetHooks(subnettypes.MultiSubnetHooks{app.IntelligenceKeeper.Hooks(), app.SlashingKeeper.SubnetHooks()})

	// Governance by TAO holders: the SDK gov keeper with taochain's tally (bonded stake + the voter's
	// subnet stake) and a staking view whose total bonded tokens include subnet stake (the quorum base).
	app.TaoGovKeeper = taogovkeeper.NewKeeper(app.StakingKeeper, app.SubnetKeeper, app.AccountKeeper.AddressCodec())
	govKeeper := govkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[govtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.TaoGovKeeper.GovStakingKeeper(), app.DistrKeeper, app.MsgServiceRouter(),
		govtypes.DefaultConfig(), authority,
		govkeeper.WithCustomCalculateVoteResultsAndVotingPowerFn(app.TaoGovKeeper.CalculateVoteResultsAndVotingPower))
	// v1beta1 text proposals (MsgExecLegacyContent) need a legacy router, as in the SDK's simapp;
	// without one the gov msg server dereferences nil and the proposal tx panics.
	govKeeper.SetLegacyRouter(govv1beta1.NewRouter().AddRoute(govtypes.RouterKey, govv1beta1.ProposalHandler))
	app.GovKeeper = *govKeeper.SetHooks(govtypes.NewMultiGovHooks())

	app.initIBC(authority)
}

// initIBC builds IBC core with the 07-tendermint light client and ICS-20 transfer (classic and IBC
// v2 routes), and routes taochain's intelligence oracle port. It keeps the light client module in
// app.tmLightClientModule for the module list, so the routed client and the app module are one.
func (app *App) initIBC(authority string) {
	appCodec, keys := app.appCodec, app.keys

	app.IBCKeeper = ibckeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[ibcexported.StoreKey]),
		nil, app.UpgradeKeeper, authority)
	app.TransferKeeper = ibctransferkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[ibctransfertypes.StoreKey]), nil,
		app.IBCKeeper.ChannelKeeper, app.IBCKeeper.ChannelKeeper, app.MsgServiceRouter(),
		app.AccountKeeper, app.BankKeeper, authority)

	ibcRouter := porttypes.NewRouter()
	var transferStack porttypes.IBCModule = transfer.NewIBCModule(app.TransferKeeper)
	ibcRouter.AddRoute(ibctransfertypes.ModuleName, transferStack)
	// taochain as an intelligence oracle: other chains ask for a subnet's top miners.
	ibcRouter.AddRoute(ibcapp.PortID, ibcapp.NewIBCModule(app.SubnetKeeper))
	app.IBCKeeper.SetRouter(ibcRouter)

	ibcRouterV2 := ibcapi.NewRouter()
	ibcRouterV2.AddRoute(ibctransfertypes.PortID, transferv2.NewIBCModule(app.TransferKeeper))
	app.IBCKeeper.SetRouterV2(ibcRouterV2)

	app.tmLightClientModule = ibctm.NewLightClientModule(appCodec, app.IBCKeeper.ClientKeeper.GetStoreProvider())
	app.IBCKeeper.ClientKeeper.AddRoute(ibctm.ModuleName, &app.tmLightClientModule)
}
