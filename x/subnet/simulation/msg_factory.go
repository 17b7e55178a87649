package simulation

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/simexpect"
	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// Each factory reads the state it needs, builds a message that the msg server must accept, and
// with a small probability builds one that it must reject with a named error (negative paths).

// failPercent is how often a factory builds a message meant to fail.
const failPercent = 8

func height(ctx context.Context) int64 { return sdk.UnwrapSDKContext(ctx).BlockHeight() }

func randAmount(r *simsx.XRand, lo, hi math.Int) math.Int {
	if hi.LTE(lo) {
		return lo
	}
	span := hi.Sub(lo)
	if !span.IsInt64() {
		return hi
	}
	return lo.Add(math.NewInt(r.Int63n(span.Int64() + 1)))
}

// randomSubnet returns a random active subnet, or false when there is none.
func randomSubnet(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource) (types.Subnet, bool, error) {
	subnets, err := Subnets(ctx, k)
	if err != nil || len(subnets) == 0 {
		return types.Subnet{}, false, err
	}
	return subnets[testData.Rand().Intn(len(subnets))], true, nil
}

// pickSubnet returns a random active subnet; when there is none it skips the operation (false).
func pickSubnet(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) (types.Subnet, bool) {
	s, ok, err := randomSubnet(ctx, k, testData)
	if err != nil || !ok {
		skip(reporter, "no subnet (%v)", err)
		return types.Subnet{}, false
	}
	return s, true
}

// pickNeuron returns a random neuron of a random active subnet; when there is none it skips the
// operation (false).
func pickNeuron(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) (types.Subnet, types.Neuron, bool) {
	s, ok := pickSubnet(ctx, k, testData, reporter)
	if !ok {
		return types.Subnet{}, types.Neuron{}, false
	}
	neurons, err := Neurons(ctx, k, uint16(s.Netuid))
	if err != nil || len(neurons) == 0 {
		skip(reporter, "no neuron on subnet %d (%v)", s.Netuid, err)
		return types.Subnet{}, types.Neuron{}, false
	}
	return s, neurons[testData.Rand().Intn(len(neurons))], true
}

// simAccount returns the simulation account of addr; when addr is not one it skips the operation
// (false), giving the reason format with args.
func simAccount(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, addr, format string, args ...any) (simsx.SimAccount, bool) {
	if !testData.HasAccount(addr) {
		skip(reporter, format, args...)
		return simsx.SimAccount{}, false
	}
	return testData.GetAccount(reporter, addr), true
}

// paramsFactory is simsx.NewSimMsgFactoryWithDeliveryResultHandler for a factory that needs the
// module params: it reads them and hands them to build, or skips the operation when it cannot.
func paramsFactory[M sdk.Msg](k keeper.Keeper, build func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, M, simsx.SimDeliveryResultHandler)) *simsx.ResultHandlingSimMsgFactory[M] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, M, simsx.SimDeliveryResultHandler) {
		p, err := k.Params.Get(ctx)
		if err != nil {
			skip(reporter, "params: %s", err)
			var none M
			return nil, none, nil
		}
		return build(ctx, testData, reporter, p)
	})
}

// MsgRegisterSubnetFactory registers a subnet at the current lock cost, replacing the weakest
// non-immune subnet when max_subnets is reached (or expecting ErrSubnetLimitReached when all are
// immune).
func MsgRegisterSubnetFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgRegisterSubnet] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgRegisterSubnet, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		lock, err := k.CurrentLockCost(ctx)
		if err != nil {
			skip(reporter, "lock cost: %s", err)
			return nil, nil, nil
		}
		lockCoin := sdk.NewCoin(k.Denom(), lock)
		owner := testData.AnyAccountN(3, reporter, simsx.WithLiquidBalanceGTE(lockCoin))
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		subnets, err := Subnets(ctx, k)
		if err != nil {
			skip(reporter, "subnets: %s", err)
			return nil, nil, nil
		}
		replaceable := false
		for _, s := range subnets {
			if height(ctx)-s.CreatedAt >= int64(p.SubnetImmunityPeriod) {
				replaceable = true
			}
		}
		if !owner.LiquidBalance().BlockAmount(lockCoin) {
			skip(reporter, "owner cannot lock %s", lockCoin)
			return nil, nil, nil
		}
		msg := &types.MsgRegisterSubnet{
			Owner:   owner.AddressBech32,
			Name:    fmt.Sprintf("sim-%d", r.Intn(1_000_000)),
			MaxLock: lock.Add(math.NewInt(r.Int63n(types.RaoPerTAO))),
		}
		switch {
		case uint32(len(subnets)) >= p.MaxSubnets && !replaceable:
			return []simsx.SimAccount{owner}, msg, simexpect.Failure(types.ErrSubnetLimitReached)
		case r.Intn(100) < failPercent && lock.GT(math.OneInt()):
			msg.MaxLock = lock.SubRaw(1)
			return []simsx.SimAccount{owner}, msg, simexpect.Failure(types.ErrLockAboveLimit)
		}
		return []simsx.SimAccount{owner}, msg, nil
	})
}

// MsgDissolveSubnetFactory dissolves a random subnet on behalf of its owner (or, built to fail, of
// someone else).
func MsgDissolveSubnetFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgDissolveSubnet] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDissolveSubnet, simsx.SimDeliveryResultHandler) {
		s, ok := pickSubnet(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		owner, ok := simAccount(testData, reporter, s.Owner, "subnet %d owner is not a simulation account", s.Netuid)
		if !ok {
			return nil, nil, nil
		}
		if testData.Rand().Intn(100) < failPercent {
			other := testData.AnyAccount(reporter, simsx.ExcludeAccounts(owner))
			if reporter.IsSkipped() {
				return nil, nil, nil
			}
			return []simsx.SimAccount{other}, &types.MsgDissolveSubnet{Owner: other.AddressBech32, Netuid: s.Netuid}, simexpect.Failure(types.ErrNotSubnetOwner)
		}
		return []simsx.SimAccount{owner}, &types.MsgDissolveSubnet{Owner: owner.AddressBech32, Netuid: s.Netuid}, nil
	})
}

// MsgUpdateHyperparamsFactory gives a random subnet new random hyperparameters within the
// governance bounds, keeping max_uids above the highest registered uid; rate-limited updates are
// expected to fail with ErrRateLimited.
func MsgUpdateHyperparamsFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgUpdateHyperparams] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgUpdateHyperparams, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		s, ok, err := randomSubnet(ctx, k, testData)
		if err != nil || !ok || !testData.HasAccount(s.Owner) {
			skip(reporter, "no subnet owned by a simulation account (%v)", err)
			return nil, nil, nil
		}
		neurons, err := Neurons(ctx, k, uint16(s.Netuid))
		if err != nil {
			skip(reporter, "neurons: %s", err)
			return nil, nil, nil
		}
		hp := RandomHyperparams(r.Rand, p.MinHyperparams, p.MaxHyperparams)
		if len(neurons) > 0 {
			hp.MaxUids = max(hp.MaxUids, neurons[len(neurons)-1].Uid+1)
		}
		if hp.Validate() != nil || hp.ValidateWithin(p.MinHyperparams, p.MaxHyperparams) != nil {
			skip(reporter, "no valid hyperparameters keep uid %d on subnet %d", len(neurons)-1, s.Netuid)
			return nil, nil, nil
		}
		owner := testData.GetAccount(reporter, s.Owner)
		msg := &types.MsgUpdateHyperparams{Owner: owner.AddressBech32, Netuid: s.Netuid, Hyperparams: hp}
		if s.HyperparamsUpdatedAt != 0 && height(ctx)-s.HyperparamsUpdatedAt < int64(p.HyperparamRateLimit) {
			return []simsx.SimAccount{owner}, msg, simexpect.Failure(types.ErrRateLimited)
		}
		if r.Intn(100) < failPercent {
			other := testData.AnyAccount(reporter, simsx.ExcludeAccounts(owner))
			if reporter.IsSkipped() {
				return nil, nil, nil
			}
			msg.Owner = other.AddressBech32
			return []simsx.SimAccount{other}, msg, simexpect.Failure(types.ErrNotSubnetOwner)
		}
		return []simsx.SimAccount{owner}, msg, nil
	})
}

// MsgRegisterNeuronFactory registers a simulation account's key as a hotkey on a random subnet,
// paying from another (or the same) account as coldkey, with the hotkey's signature over
// "chain_id|netuid|coldkey" as proof of possession. Expected failures: a forged proof, a hotkey
// owned by another coldkey or already registered there, a full subnet of immune neurons.
func MsgRegisterNeuronFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgRegisterNeuron] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterNeuron, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		s, ok := pickSubnet(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		netuid := uint16(s.Netuid)
		now := height(ctx)
		price := types.RegistrationPrice(s, now)
		hot := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		hotPriv, ok := hot.PrivKey.(*secp256k1.PrivKey)
		if !ok {
			skip(reporter, "account %s has no secp256k1 key", hot.AddressBech32)
			return nil, nil, nil
		}
		info, err := k.GetHotkeyInfo(ctx, hot.Address)
		known := err == nil
		var cold simsx.SimAccount
		switch {
		case known && testData.HasAccount(info.Coldkey) && r.Intn(100) >= failPercent:
			cold = testData.GetAccount(reporter, info.Coldkey)
		default:
			filters := []simsx.SimAccountFilter{}
			if price.IsPositive() {
				filters = append(filters, simsx.WithLiquidBalanceGTE(sdk.NewCoin(k.Denom(), price)))
			}
			cold = testData.AnyAccountN(3, reporter, filters...)
		}
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		if price.IsPositive() && !cold.LiquidBalance().BlockAmount(sdk.NewCoin(k.Denom(), price)) {
			skip(reporter, "coldkey cannot pay %s%s", price, k.Denom())
			return nil, nil, nil
		}
		proof, err := hotPriv.Sign(types.RegistrationProofBytes(sdk.UnwrapSDKContext(ctx).ChainID(), netuid, cold.AddressBech32))
		if err != nil {
			skip(reporter, "signing proof: %s", err)
			return nil, nil, nil
		}
		msg := &types.MsgRegisterNeuron{
			Coldkey:      cold.AddressBech32,
			Netuid:       s.Netuid,
			HotkeyPubkey: hotPriv.PubKey().Bytes(),
			Proof:        proof,
			MaxBurn:      price.Add(math.NewInt(r.Int63n(types.RaoPerTAO))),
		}
		signers := []simsx.SimAccount{cold}
		registered, err := k.NeuronUIDs.Has(ctx, collections.Join(netuid, hot.Address))
		if err != nil {
			skip(reporter, "neuron uids: %s", err)
			return nil, nil, nil
		}
		neurons, err := Neurons(ctx, k, netuid)
		if err != nil {
			skip(reporter, "neurons: %s", err)
			return nil, nil, nil
		}
		free, replace := uidSlot(s, neurons, now)
		// The msg server checks in this order: registrations this block, proof, hotkey owner,
		// already registered, price, room.
		if s.BlockRegistrationsHeight == now && s.BlockRegistrations >= s.Hyperparams.MaxRegistrationsPerBlock {
			return signers, msg, simexpect.Failure(types.ErrTooManyRegistrations)
		}
		if r.Intn(100) < failPercent {
			other := testData.AnyAccount(reporter, simsx.ExcludeAccounts(cold))
			if reporter.IsSkipped() {
				return nil, nil, nil
			}
			if msg.Proof, err = hotPriv.Sign(types.RegistrationProofBytes(sdk.UnwrapSDKContext(ctx).ChainID(), netuid, other.AddressBech32)); err != nil {
				skip(reporter, "signing proof: %s", err)
				return nil, nil, nil
			}
			return signers, msg, simexpect.Failure(types.ErrInvalidProof)
		}
		switch {
		case known && info.Coldkey != cold.AddressBech32:
			return signers, msg, simexpect.Failure(types.ErrHotkeyOwnedByOther)
		case registered:
			return signers, msg, simexpect.Failure(types.ErrHotkeyRegistered)
		case !free && !replace:
			return signers, msg, simexpect.Failure(types.ErrSubnetFull)
		}
		return signers, msg, nil
	})
}

// randomHost returns a valid axon host: an IPv4 address or a DNS name.
func randomHost(r *simsx.XRand) string {
	if r.Intn(2) == 0 {
		return fmt.Sprintf("10.%d.%d.%d", r.Intn(256), r.Intn(256), 1+r.Intn(254))
	}
	return fmt.Sprintf("miner-%d.sim.example", r.Intn(10_000))
}

// MsgServeAxonFactory records a random valid endpoint for a registered neuron, signed by its hotkey
// (or, built to fail, an endpoint with port 0).
func MsgServeAxonFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgServeAxon] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgServeAxon, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		s, n, ok := pickNeuron(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		hot, ok := simAccount(testData, reporter, n.Hotkey, "hotkey %s is not a simulation account", n.Hotkey)
		if !ok {
			return nil, nil, nil
		}
		protocol := types.AXON_PROTOCOL_HTTP
		if r.Intn(2) == 0 {
			protocol = types.AXON_PROTOCOL_HTTPS
		}
		msg := &types.MsgServeAxon{
			Hotkey: hot.AddressBech32, Netuid: s.Netuid, Host: randomHost(r),
			Port: uint32(1 + r.Intn(65535)), Protocol: protocol, Version: uint32(1 + r.Intn(100)),
		}
		if r.Intn(100) < failPercent {
			msg.Port = 0
			return []simsx.SimAccount{hot}, msg, simexpect.Failure(types.ErrInvalidAxon)
		}
		return []simsx.SimAccount{hot}, msg, nil
	})
}

// MsgAddStakeFactory stakes a random amount from a random account on a random registered hotkey
// (delegation when the account does not own the hotkey).
func MsgAddStakeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgAddStake] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgAddStake, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		s, n, ok := pickNeuron(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		minCoin := sdk.NewCoin(k.Denom(), p.MinStake)
		cold := testData.AnyAccountN(3, reporter, simsx.WithLiquidBalanceGTE(minCoin))
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		hotkey := sdk.MustAccAddressFromBech32(n.Hotkey)
		msg := &types.MsgAddStake{Coldkey: cold.AddressBech32, Hotkey: n.Hotkey, Netuid: s.Netuid}
		if r.Intn(100) < failPercent && p.MinStake.GT(math.OneInt()) {
			msg.Amount = p.MinStake.SubRaw(1)
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrStakeBelowMinimum)
		}
		liquid := cold.LiquidBalance().AmountOf(k.Denom())
		msg.Amount = randAmount(r, p.MinStake, math.MaxInt(p.MinStake, liquid.QuoRaw(4)))
		pool, err := k.GetPool(ctx, hotkey, uint16(s.Netuid))
		if err != nil {
			skip(reporter, "pool: %s", err)
			return nil, nil, nil
		}
		if !types.SharesForDeposit(pool, msg.Amount).IsPositive() {
			skip(reporter, "%s buys no share of pool %s/%d", msg.Amount, n.Hotkey, s.Netuid)
			return nil, nil, nil
		}
		if !cold.LiquidBalance().BlockAmount(sdk.NewCoin(k.Denom(), msg.Amount)) {
			skip(reporter, "cannot reserve %s", msg.Amount)
			return nil, nil, nil
		}
		return []simsx.SimAccount{cold}, msg, nil
	})
}

// stakePosition picks a random stake position on an active subnet whose coldkey is a simulation
// account, with the pool and the position's value.
func stakePosition(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) (Position, types.StakePool, math.Int, simsx.SimAccount, bool) {
	positions, err := Positions(ctx, k)
	if err != nil || len(positions) == 0 {
		skip(reporter, "no stake position (%v)", err)
		return Position{}, types.StakePool{}, math.Int{}, simsx.SimAccount{}, false
	}
	pos := positions[testData.Rand().Intn(len(positions))]
	if has, err := k.Subnets.Has(ctx, pos.Netuid); err != nil || !has {
		skip(reporter, "subnet %d is dissolving (%v)", pos.Netuid, err)
		return Position{}, types.StakePool{}, math.Int{}, simsx.SimAccount{}, false
	}
	if !testData.HasAccount(pos.Coldkey.String()) {
		skip(reporter, "coldkey %s is not a simulation account", pos.Coldkey)
		return Position{}, types.StakePool{}, math.Int{}, simsx.SimAccount{}, false
	}
	pool, err := k.GetPool(ctx, pos.Hotkey, pos.Netuid)
	if err != nil {
		skip(reporter, "pool: %s", err)
		return Position{}, types.StakePool{}, math.Int{}, simsx.SimAccount{}, false
	}
	return pos, pool, types.ValueOfShares(pool, pos.Shares), testData.GetAccount(reporter, pos.Coldkey.String()), true
}

// MsgRemoveStakeFactory unstakes part or all of a random position into the unbonding queue;
// a position with max_unbonding_entries pending is expected to fail with ErrTooManyUnbonding.
func MsgRemoveStakeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgRemoveStake] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgRemoveStake, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		pos, pool, value, cold, ok := stakePosition(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		if !value.IsPositive() {
			skip(reporter, "position worth nothing")
			return nil, nil, nil
		}
		amount := value
		if r.Intn(3) > 0 {
			amount = randAmount(r, math.OneInt(), value)
		}
		msg := &types.MsgRemoveStake{Coldkey: cold.AddressBech32, Hotkey: pos.Hotkey.String(), Netuid: uint32(pos.Netuid), Amount: amount}
		pending, err := PendingUnbondings(ctx, k, pos.Coldkey, pos.Hotkey, pos.Netuid)
		if err != nil {
			skip(reporter, "unbondings: %s", err)
			return nil, nil, nil
		}
		if pending >= p.MaxUnbondingEntries {
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrTooManyUnbonding)
		}
		if r.Intn(100) < failPercent {
			msg.Amount = value.Add(pool.TotalStake).AddRaw(1)
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrInsufficientStake)
		}
		if types.SharesForWithdrawal(pool, amount).GT(pos.Shares) {
			skip(reporter, "rounding: %s needs more shares than held", amount)
			return nil, nil, nil
		}
		return []simsx.SimAccount{cold}, msg, nil
	})
}

// MsgMoveStakeFactory moves part of a random position to a random registered hotkey on a random
// subnet without unbonding; moving to the same position is expected to fail.
func MsgMoveStakeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgMoveStake] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgMoveStake, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		pos, pool, value, cold, ok := stakePosition(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		if value.LT(p.MinStake) {
			skip(reporter, "position worth %s, below min_stake %s", value, p.MinStake)
			return nil, nil, nil
		}
		amount := randAmount(r, p.MinStake, value)
		msg := &types.MsgMoveStake{
			Coldkey: cold.AddressBech32, FromHotkey: pos.Hotkey.String(), FromNetuid: uint32(pos.Netuid), Amount: amount,
		}
		if r.Intn(100) < failPercent {
			msg.ToHotkey, msg.ToNetuid = msg.FromHotkey, msg.FromNetuid
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrSameStakeDestination)
		}
		s, to, ok := pickNeuron(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		toHotkey := sdk.MustAccAddressFromBech32(to.Hotkey)
		if toHotkey.Equals(pos.Hotkey) && uint16(s.Netuid) == pos.Netuid {
			skip(reporter, "destination is the source")
			return nil, nil, nil
		}
		msg.ToHotkey, msg.ToNetuid = to.Hotkey, s.Netuid
		burned := types.SharesForWithdrawal(pool, amount)
		if burned.GT(pos.Shares) {
			skip(reporter, "rounding: %s needs more shares than held", amount)
			return nil, nil, nil
		}
		released := amount
		if burned.Equal(pool.TotalShares) {
			released = pool.TotalStake
		}
		toPool, err := k.GetPool(ctx, toHotkey, uint16(s.Netuid))
		if err != nil {
			skip(reporter, "pool: %s", err)
			return nil, nil, nil
		}
		if !types.SharesForDeposit(toPool, released).IsPositive() {
			skip(reporter, "%s buys no share of pool %s/%d", released, to.Hotkey, s.Netuid)
			return nil, nil, nil
		}
		return []simsx.SimAccount{cold}, msg, nil
	})
}

// MsgSetTakeFactory sets a random take on a random hotkey on behalf of its owner; raising it within
// take_rate_limit is expected to fail with ErrRateLimited, above max_take with ErrTakeTooHigh.
func MsgSetTakeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgSetTake] {
	return paramsFactory(k, func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, p types.Params) ([]simsx.SimAccount, *types.MsgSetTake, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		var hotkeys []types.HotkeyInfo
		if err := k.Hotkeys.Walk(ctx, nil, func(_ sdk.AccAddress, h types.HotkeyInfo) (bool, error) {
			hotkeys = append(hotkeys, h)
			return false, nil
		}); err != nil || len(hotkeys) == 0 {
			skip(reporter, "no hotkey (%v)", err)
			return nil, nil, nil
		}
		info := hotkeys[r.Intn(len(hotkeys))]
		cold, ok := simAccount(testData, reporter, info.Coldkey, "hotkey owner %s is not a simulation account", info.Coldkey)
		if !ok {
			return nil, nil, nil
		}
		msg := &types.MsgSetTake{Coldkey: cold.AddressBech32, Hotkey: info.Hotkey, Take: uint32(r.Intn(int(p.MaxTake) + 1))}
		if r.Intn(100) < failPercent {
			msg.Take = p.MaxTake + 1
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrTakeTooHigh)
		}
		if msg.Take > info.Take && info.TakeUpdatedAt != 0 && height(ctx)-info.TakeUpdatedAt < int64(p.TakeRateLimit) {
			return []simsx.SimAccount{cold}, msg, simexpect.Failure(types.ErrRateLimited)
		}
		return []simsx.SimAccount{cold}, msg, nil
	})
}

// MsgUpdateParamsFactory proposes new random valid params through x/gov.
func MsgUpdateParamsFactory() simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(_ context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		return nil, &types.MsgUpdateParams{
			Authority: testData.ModuleAccountAddress(reporter, types.GovModuleName),
			Params:    RandomParams(testData.Rand().Rand),
		}
	}
}
