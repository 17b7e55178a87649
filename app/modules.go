package app

import (
	"maps"
	"slices"

	"cosmossdk.io/x/evidence"
	evidencetypes "cosmossdk.io/x/evidence/types"
	"cosmossdk.io/x/upgrade"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/cosmos/ibc-go/v10/modules/apps/transfer"
	ibctransfertypes "github.com/cosmos/ibc-go/v10/modules/apps/transfer/types"
	ibc "github.com/cosmos/ibc-go/v10/modules/core"
	ibcexported "github.com/cosmos/ibc-go/v10/modules/core/exported"
	ibctm "github.com/cosmos/ibc-go/v10/modules/light-clients/07-tendermint"

	taogov "github.com/taochain/taochain/x/gov"
	"github.com/taochain/taochain/x/intelligence"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/slashing"
	poislashingtypes "github.com/taochain/taochain/x/slashing/types"
	"github.com/taochain/taochain/x/subnet"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	"github.com/taochain/taochain/x/tao"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// maccPerms lists every module account and what it may do with coins. Every account listed is
// also a blocked address (see BlockedAddresses) except gov's.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	ibctransfertypes.ModuleName:    {authtypes.Minter, authtypes.Burner},
	taotypes.ModuleName:            {authtypes.Minter},
	subnettypes.ModuleName:         {authtypes.Burner},
	// x/slashing receives slashed subnet stake, pays the reporter and burns the rest.
	poislashingtypes.ModuleName: {authtypes.Burner},
}

// ModuleAccountPermissions returns a copy of the module account permissions.
func ModuleAccountPermissions() map[string][]string {
	return maps.Clone(maccPerms)
}

// BlockedAddresses returns the module accounts that may not receive funds from users. The gov account
// is allowed so that deposits and community spends work as in the SDK.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool)
	for _, acc := range slices.Sorted(maps.Keys(maccPerms)) {
		blocked[authtypes.NewModuleAddress(acc).String()] = true
	}
	delete(blocked, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return blocked
}

// appModules returns the app module of every module, built over app's keepers (initKeepers must
// have run). The module manager serves messages, queries, genesis and blocks from this list; the
// order here does not matter, the order functions below do.
func appModules(app *App) []module.AppModule {
	appCodec := app.appCodec
	return []module.AppModule{
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, app.txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts, nil),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, nil),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, app.interfaceRegistry),
		evidence.NewAppModule(app.EvidenceKeeper),
		taogov.NewAppModule(appCodec, &app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil, app.TaoGovKeeper),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		ibc.NewAppModule(app.IBCKeeper),
		transfer.NewAppModule(app.TransferKeeper),
		ibctm.NewAppModule(app.tmLightClientModule),
		tao.NewAppModule(appCodec, app.TaoKeeper),
		subnet.NewAppModule(app.SubnetKeeper),
		intelligence.NewAppModule(appCodec, app.IntelligenceKeeper),
	}
}

// basicModuleOverrides are the module basics that differ from the app modules' own: genutil
// validates gentx messages with the SDK default, and x/gov's basic is taochain's wrapper (with no
// legacy proposal CLI handlers) so that its CLI and codec registration include taochain's types.
func basicModuleOverrides() map[string]module.AppModuleBasic {
	return map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     taogov.NewAppModuleBasic(gov.NewAppModuleBasic([]govclient.ProposalHandler{})),
	}
}

// simulationModuleOverrides replaces the simulation module of some modules; every other module
// that implements module.AppModuleSimulation is simulated as is (in module name order). Genesis
// accounts are plain base accounts (no vesting types are registered), and x/intelligence's
// message factories find validators in x/subnet, so its simulation module is given the subnet
// keeper.
func simulationModuleOverrides(app *App) map[string]module.AppModuleSimulation {
	return map[string]module.AppModuleSimulation{
		authtypes.ModuleName:         auth.NewAppModule(app.appCodec, app.AccountKeeper, simGenesisAccounts, nil),
		intelligencetypes.ModuleName: intelligence.NewSimulationModule(app.appCodec, app.IntelligenceKeeper, app.SubnetKeeper),
	}
}

// The order functions below decide the app hash: changing one on a live chain is a consensus
// change that needs a software upgrade. A module with no hook of the kind may be left out of a
// block order; every module with genesis must be in orderInitGenesis (the module manager panics
// at start-up otherwise).

// orderPreBlockers runs x/upgrade first: at an upgrade height it must halt the old binary, or
// run the new binary's handler, before anything else touches state. x/auth follows (the SDK
// order; it prunes expired unordered-transaction nonces before the block's transactions).
func orderPreBlockers() []string {
	return []string{upgradetypes.ModuleName, authtypes.ModuleName}
}

// orderBeginBlockers runs x/tao first: it mints the block's emission into the fee collector, so
// x/distribution, next, pays out the security share in the same block. The SDK modules keep the
// SDK's relative order: distribution allocates the previous block's fees by the previous votes
// before slashing records this block's liveness, evidence handles misbehaviour after that, and
// staking stores the historical info last; IBC core then updates its clients.
func orderBeginBlockers() []string {
	return []string{
		taotypes.ModuleName, distrtypes.ModuleName, slashingtypes.ModuleName, evidencetypes.ModuleName,
		stakingtypes.ModuleName, ibcexported.ModuleName, ibctransfertypes.ModuleName, genutiltypes.ModuleName,
	}
}

// orderEndBlockers runs x/gov first, so that a passed proposal's changes (params, stake) are in
// state before x/staking computes this block's validator updates. x/intelligence runs the subnet
// epochs due at this height (payouts and the epoch's slashing) before x/subnet completes matured
// unbondings and dissolves subnets, so a due epoch sees the subnet and its stake as they were
// during the epoch.
func orderEndBlockers() []string {
	return []string{
		govtypes.ModuleName, stakingtypes.ModuleName, ibcexported.ModuleName, ibctransfertypes.ModuleName,
		genutiltypes.ModuleName, intelligencetypes.ModuleName, subnettypes.ModuleName,
	}
}

// orderInitGenesis is the order in which modules load genesis, and, the same, the order export
// writes it. consensus params come first (everything after reads them); auth before bank, and
// both before the modules that hold module accounts or balances; staking before slashing and gov,
// which read validators; genutil after staking, so the genesis transactions it delivers find the
// bonded pool funded. taochain's modules come last, x/subnet before x/intelligence, whose state
// is per subnet. Module accounts created during InitGenesis get their account numbers in this
// order, which is one more reason it must not change.
func orderInitGenesis() []string {
	return []string{
		consensusparamtypes.ModuleName, authtypes.ModuleName, banktypes.ModuleName, distrtypes.ModuleName,
		stakingtypes.ModuleName, slashingtypes.ModuleName, govtypes.ModuleName, ibcexported.ModuleName,
		genutiltypes.ModuleName, evidencetypes.ModuleName, ibctransfertypes.ModuleName, upgradetypes.ModuleName,
		ibctm.ModuleName, taotypes.ModuleName, subnettypes.ModuleName, intelligencetypes.ModuleName,
	}
}
