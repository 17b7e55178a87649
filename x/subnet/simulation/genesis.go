package simulation

import (
	"fmt"
	"math/rand"
	"slices"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// Keys of the simulation app params that override the randomized genesis.
const (
	// ParamsKey overrides the randomized x/subnet params (JSON of types.Params).
	ParamsKey = "subnet_params"
	// GenesisSubnetsKey overrides the number of subnets created in genesis.
	GenesisSubnetsKey = "subnet_genesis_subnets"
)

// maxGenesisNeurons bounds the neurons per genesis subnet, keeping genesis and epochs small.
const maxGenesisNeurons = 8

func randInt64(r *rand.Rand, lo, hi int64) int64 { return lo + r.Int63n(hi-lo+1) }

func randU64(r *rand.Rand, lo, hi uint64) uint64 { return uint64(randInt64(r, int64(lo), int64(hi))) }

// RandomHyperparams returns hyperparameters inside [lo, hi] that keep a short simulation busy:
// short tempos so epochs run, small subnets so they fill up and neurons get replaced, short
// immunity so replacement is possible, and a max_weight_limit that random rows can satisfy.
func RandomHyperparams(r *rand.Rand, lo, hi types.Hyperparameters) types.Hyperparameters {
	clampU64 := func(v, l, h uint64) uint64 { return min(max(v, l), h) }
	clampU32 := func(v, l, h uint32) uint32 { return min(max(v, l), h) }
	hp := types.Hyperparameters{
		Tempo:                    clampU64(randU64(r, 10, 20), lo.Tempo, hi.Tempo),
		MaxUids:                  clampU32(uint32(randU64(r, 4, 32)), lo.MaxUids, hi.MaxUids),
		ImmunityPeriod:           clampU64(randU64(r, 0, 40), lo.ImmunityPeriod, hi.ImmunityPeriod),
		ActivityCutoff:           clampU64(randU64(r, 20, 400), lo.ActivityCutoff, hi.ActivityCutoff),
		WeightsRateLimit:         clampU64(randU64(r, 0, 15), lo.WeightsRateLimit, hi.WeightsRateLimit),
		MaxWeightLimit:           clampU32(uint32(randU64(r, types.U16Max/4, types.U16Max)), lo.MaxWeightLimit, hi.MaxWeightLimit),
		Kappa:                    clampU32(uint32(randU64(r, 0, types.U16Max)), lo.Kappa, hi.Kappa),
		BondsMovingAverage:       clampU64(randU64(r, 0, types.PPM), lo.BondsMovingAverage, hi.BondsMovingAverage),
		CommitReveal:             hi.CommitReveal && r.Intn(3) == 0,
		RevealPeriod:             clampU64(1+uint64(r.Intn(5)/4), lo.RevealPeriod, hi.RevealPeriod), // mostly 1
		BurnHalfLife:             clampU64(randU64(r, 1, 400), lo.BurnHalfLife, hi.BurnHalfLife),
		MaxRegistrationsPerBlock: clampU64(randU64(r, 1, 4), lo.MaxRegistrationsPerBlock, hi.MaxRegistrationsPerBlock),
		YumaVersion:              clampU32(uint32(randU64(r, types.MinYumaVersion, types.MaxYumaVersion)), lo.YumaVersion, hi.YumaVersion),
		BondsPenalty:             clampU32(uint32(randU64(r, 0, types.U16Max)), lo.BondsPenalty, hi.BondsPenalty),
		LiquidAlpha:              hi.LiquidAlpha && r.Intn(2) == 0,
		TrustWeightedConsensus:   hi.TrustWeightedConsensus && r.Intn(2) == 0,
	}
	alphaLow := randU64(r, 0, types.U16Max)
	hp.AlphaLow = clampU32(uint32(alphaLow), lo.AlphaLow, hi.AlphaLow)
	hp.AlphaHigh = clampU32(uint32(randU64(r, alphaLow, types.U16Max)), max(lo.AlphaHigh, hp.AlphaLow), hi.AlphaHigh)
	hp.MaxValidators = clampU32(uint32(randU64(r, 1, uint64(hp.MaxUids))), lo.MaxValidators, min(hi.MaxValidators, hp.MaxUids))
	hp.MinAllowedWeights = clampU32(uint32(randU64(r, 0, 3)), lo.MinAllowedWeights, min(hi.MinAllowedWeights, hp.MaxUids))
	minBurn := math.NewInt(randInt64(r, 0, types.RaoPerTAO))
	hp.MinBurn = math.MinInt(math.MaxInt(minBurn, lo.MinBurn), hi.MinBurn)
	maxBurn := hp.MinBurn.Add(math.NewInt(randInt64(r, 0, 20*types.RaoPerTAO)))
	hp.MaxBurn = math.MinInt(math.MaxInt(maxBurn, lo.MaxBurn), hi.MaxBurn)
	return hp
}

// RandomParams returns valid params sized for a simulation of tens to hundreds of blocks: locks
// of a few TAO that decay quickly, few subnets with short immunity (so subnets get replaced),
// short unbonding (so it completes), and little work per block (so dissolving takes several).
func RandomParams(r *rand.Rand) types.Params {
	p := types.DefaultParams()
	p.MinLock = math.NewInt(randInt64(r, 1, 20) * types.RaoPerTAO)
	p.LockReductionInterval = randU64(r, 5, 500)
	p.MaxSubnets = uint32(randU64(r, 2, 8))
	p.SubnetImmunityPeriod = randU64(r, 0, 40)
	p.MinStake = math.NewInt(randInt64(r, 1, 1000) * 1_000_000)
	p.UnbondingBlocks = randU64(r, 1, 30)
	p.MaxUnbondingEntries = uint32(randU64(r, 1, 7))
	p.MaxTake = uint32(randU64(r, 0, types.MaxTakeLimit))
	p.DefaultTake = uint32(randU64(r, 0, uint64(p.MaxTake)))
	p.TakeRateLimit = randU64(r, 0, 40)
	p.HyperparamRateLimit = randU64(r, 0, 30)
	p.MaxBlockWork = uint32(randU64(r, 1, 20))
	p.DefaultHyperparams = RandomHyperparams(r, p.MinHyperparams, p.MaxHyperparams)
	return p
}

// genesisBuilder accumulates a consistent x/subnet genesis and the bank transfers that fund it.
type genesisBuilder struct {
	gs       types.GenesisState
	balances map[string]math.Int // sim account → rao left to spend on locks and stake
	owners   map[string]string   // hotkey → coldkey (one coldkey per hotkey across subnets)
	moved    math.Int            // rao moved from accounts to the module account
	spent    map[string]math.Int // account → rao moved out of it
}

// take reserves up to fraction 1/div of addr's remaining balance, at least 1 rao, or zero.
func (b *genesisBuilder) take(r *rand.Rand, addr string, div int64) math.Int {
	bal, ok := b.balances[addr]
	if !ok || !bal.IsPositive() {
		return math.ZeroInt()
	}
	limit := bal.QuoRaw(div)
	if !limit.IsPositive() {
		return math.ZeroInt()
	}
	amt := limit
	if limit.IsInt64() {
		amt = math.NewInt(1 + r.Int63n(limit.Int64()))
	}
	b.balances[addr] = bal.Sub(amt)
	if cur, ok := b.spent[addr]; ok {
		b.spent[addr] = cur.Add(amt)
	} else {
		b.spent[addr] = amt
	}
	b.moved = b.moved.Add(amt)
	return amt
}

// refund gives back amt taken from addr but not used.
func (b *genesisBuilder) refund(addr string, amt math.Int) {
	if amt.IsZero() {
		return
	}
	b.balances[addr] = b.balances[addr].Add(amt)
	b.spent[addr] = b.spent[addr].Sub(amt)
	b.moved = b.moved.Sub(amt)
}

// RandomizedGenState generates a random x/subnet genesis: random params and, when the bank genesis
// is already generated (the simulation manager generates modules in name order), a few subnets
// whose owners, neurons (hotkeys are sim accounts, so they can sign) and stake come from the sim
// accounts. Locks and stake are moved from the accounts' bank balances to the x/subnet module
// account, so supply is unchanged and the module-balance invariant holds from the first block.
func RandomizedGenState(simState *module.SimulationState) {
	r := simState.Rand
	var params types.Params
	simState.AppParams.GetOrGenerate(ParamsKey, &params, r, func(r *rand.Rand) { params = RandomParams(r) })
	var numSubnets int
	simState.AppParams.GetOrGenerate(GenesisSubnetsKey, &numSubnets, r, func(r *rand.Rand) {
		numSubnets = r.Intn(int(min(params.MaxSubnets, 4)) + 1)
	})
	numSubnets = min(numSubnets, int(params.MaxSubnets))

	b := &genesisBuilder{
		gs: types.GenesisState{
			Params:          params,
			LockState:       types.LockState{LastLock: math.ZeroInt()},
			NextUnbondingId: 1,
		},
		balances: map[string]math.Int{},
		owners:   map[string]string{},
		moved:    math.ZeroInt(),
		spent:    map[string]math.Int{},
	}
	var bank banktypes.GenesisState
	bankJSON, haveBank := simState.GenState[banktypes.ModuleName]
	if haveBank && len(simState.Accounts) > 1 {
		simState.Cdc.MustUnmarshalJSON(bankJSON, &bank)
		for _, bal := range bank.Balances {
			b.balances[bal.Address] = bal.Coins.AmountOf(simState.BondDenom)
		}
		for i := 0; i < numSubnets; i++ {
			b.addSubnet(r, simState.Accounts, uint32(i+1))
		}
	}
	if len(b.gs.Subnets) > 0 {
		bank.Balances = fundModule(bank.Balances, b.spent, b.moved, simState.BondDenom)
		simState.GenState[banktypes.ModuleName] = simState.Cdc.MustMarshalJSON(&bank)
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(&b.gs)
}

// addSubnet adds subnet netuid with random neurons, pools and permits to the genesis.
func (b *genesisBuilder) addSubnet(r *rand.Rand, accs []simtypes.Account, netuid uint32) {
	p := b.gs.Params
	owner := accs[r.Intn(len(accs))]
	hp := RandomHyperparams(r, p.MinHyperparams, p.MaxHyperparams)
	s := types.Subnet{
		Netuid:      netuid,
		Owner:       owner.Address.String(),
		Name:        fmt.Sprintf("sim-subnet-%d", netuid),
		Locked:      b.take(r, owner.Address.String(), 20),
		Hyperparams: hp,
		Burn:        hp.MinBurn,
	}
	b.gs.Subnets = append(b.gs.Subnets, s)

	type staked struct {
		idx   int
		stake math.Int
		uid   uint32
	}
	var ranking []staked
	n := r.Intn(int(min(hp.MaxUids, maxGenesisNeurons)) + 1)
	used := map[string]bool{}
	for attempt := 0; attempt < n; attempt++ {
		hot := accs[r.Intn(len(accs))]
		hk := hot.Address.String()
		pk, ok := hot.PrivKey.PubKey().(*secp256k1.PubKey)
		if used[hk] || !ok {
			continue
		}
		cold, known := b.owners[hk]
		if !known {
			cold = accs[r.Intn(len(accs))].Address.String()
			b.owners[hk] = cold
			b.gs.Hotkeys = append(b.gs.Hotkeys, types.HotkeyInfo{
				Hotkey: hk, Coldkey: cold, Pubkey: pk.Key, Take: uint32(randU64(r, 0, uint64(p.MaxTake))),
			})
		}
		used[hk] = true
		uid := uint32(len(used) - 1)
		b.gs.Neurons = append(b.gs.Neurons, types.Neuron{
			Netuid: netuid, Uid: uid, Hotkey: hk, Coldkey: cold, Pubkey: pk.Key, Emission: math.ZeroInt(),
		})
		// Most neurons get stake from their owner and sometimes from a delegator.
		pool := types.NewStakePool(hk, uint16(netuid))
		for _, staker := range []string{cold, accs[r.Intn(len(accs))].Address.String()} {
			if r.Intn(3) == 0 {
				continue
			}
			amt := b.take(r, staker, 10)
			if amt.LT(p.MinStake) {
				b.refund(staker, amt)
				continue
			}
			pool.TotalStake = pool.TotalStake.Add(amt)
			pool.TotalShares = pool.TotalShares.Add(amt)
			b.addShares(staker, hk, netuid, amt)
		}
		if pool.TotalStake.IsPositive() {
			b.gs.Pools = append(b.gs.Pools, pool)
			ranking = append(ranking, staked{idx: len(b.gs.Neurons) - 1, stake: pool.TotalStake, uid: uid})
		}
	}
	// Permits as Yuma's epoch grants them: top max_validators by stake, ties lower uid.
	slices.SortStableFunc(ranking, func(a, c staked) int {
		if cmp := c.stake.BigInt().Cmp(a.stake.BigInt()); cmp != 0 {
			return cmp
		}
		return int(a.uid) - int(c.uid)
	})
	for rank, st := range ranking {
		if uint32(rank) >= hp.MaxValidators {
			break
		}
		b.gs.Neurons[st.idx].ValidatorPermit = true
	}
}

// addShares credits shares to (coldkey, hotkey, netuid), merging with an existing position.
func (b *genesisBuilder) addShares(coldkey, hotkey string, netuid uint32, amt math.Int) {
	for i, sh := range b.gs.Shares {
		if sh.Coldkey == coldkey && sh.Hotkey == hotkey && sh.Netuid == netuid {
			b.gs.Shares[i].Shares = sh.Shares.Add(amt)
			return
		}
	}
	b.gs.Shares = append(b.gs.Shares, types.StakeShares{Coldkey: coldkey, Hotkey: hotkey, Netuid: netuid, Shares: amt})
}

// fundModule debits spent from the bank balances (in their order) and credits moved to the x/subnet
// module account.
func fundModule(balances []banktypes.Balance, spent map[string]math.Int, moved math.Int, denom string) []banktypes.Balance {
	out := make([]banktypes.Balance, 0, len(balances)+1)
	for _, bal := range balances {
		if amt, ok := spent[bal.Address]; ok {
			bal.Coins = bal.Coins.Sub(sdk.NewCoin(denom, amt))
		}
		out = append(out, bal)
	}
	if !moved.IsPositive() {
		return out
	}
	moduleAddr := authtypes.NewModuleAddress(types.ModuleName).String()
	return append(out, banktypes.Balance{Address: moduleAddr, Coins: sdk.NewCoins(sdk.NewCoin(denom, moved))})
}
