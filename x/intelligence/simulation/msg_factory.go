package simulation

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/simexpect"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Factories only read state (they run on the simulator's block context) and return right after
// skipping: the simulator stops waiting for a skipped factory, so a later read would race with the
// next operation.

// failPercent is how often a factory builds a message meant to fail.
const failPercent = 8

// govModuleName is the x/gov module account, the params authority.
const govModuleName = "gov"

func height(ctx context.Context) uint64 {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if h < 0 {
		return 0
	}
	return uint64(h)
}

// candidate is a neuron whose hotkey is a simulation account, on its subnet.
type candidate struct {
	subnet  subnettypes.Subnet
	neuron  subnettypes.Neuron
	neurons []subnettypes.Neuron
	hotkey  simsx.SimAccount
	priv    *secp256k1.PrivKey
}

// pickNeuron picks a random subnet whose commit_reveal is commitReveal and one of its neurons whose
// hotkey is a simulation account with a secp256k1 key; permitted chooses validators (true) or
// neurons without a permit (false).
func pickNeuron(ctx context.Context, sk types.SubnetKeeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, permitted, commitReveal bool) (candidate, bool) {
	r := testData.Rand()
	var subnets []subnettypes.Subnet
	if err := sk.IterateSubnets(ctx, func(s subnettypes.Subnet) bool {
		if s.Hyperparams.CommitReveal == commitReveal {
			subnets = append(subnets, s)
		}
		return false
	}); err != nil || len(subnets) == 0 {
		reporter.Skipf("no subnet with commit_reveal=%t (%v)", commitReveal, err)
		return candidate{}, false
	}
	s := subnets[r.Intn(len(subnets))]
	var neurons, choices []subnettypes.Neuron
	if err := sk.IterateNeurons(ctx, uint16(s.Netuid), func(n subnettypes.Neuron) bool {
		neurons = append(neurons, n)
		if n.ValidatorPermit == permitted && testData.HasAccount(n.Hotkey) {
			choices = append(choices, n)
		}
		return false
	}); err != nil || len(choices) == 0 {
		reporter.Skipf("no neuron with permit=%t on subnet %d (%v)", permitted, s.Netuid, err)
		return candidate{}, false
	}
	n := choices[r.Intn(len(choices))]
	hot := testData.GetAccount(reporter, n.Hotkey)
	priv, ok := hot.PrivKey.(*secp256k1.PrivKey)
	if !ok {
		reporter.Skipf("hotkey %s has no secp256k1 key", n.Hotkey)
		return candidate{}, false
	}
	return candidate{subnet: s, neuron: n, neurons: neurons, hotkey: hot, priv: priv}, true
}

// row returns randomRow over c's subnet; when there is no acceptable row it skips the operation
// (false).
func (c candidate) row(r *simsx.XRand, reporter simsx.SimulationReporter) ([]uint32, []uint32, bool) {
	uids, values, ok := randomRow(r, c.subnet, c.neurons)
	if !ok {
		reporter.Skipf("no acceptable row on subnet %d", c.subnet.Netuid)
	}
	return uids, values, ok
}

// randomRow returns a weight row over random distinct uids of neurons that satisfies the subnet's
// min_allowed_weights and max_weight_limit, or false if no such row was found.
func randomRow(r *simsx.XRand, s subnettypes.Subnet, neurons []subnettypes.Neuron) ([]uint32, []uint32, bool) {
	if len(neurons) == 0 {
		return nil, nil, false
	}
	// Equal weights over k uids pass max_weight_limit when k ≥ 65535/limit, so rows are at least
	// that long (and at least min_allowed_weights long).
	need := min(int(s.Hyperparams.MinAllowedWeights), len(neurons))
	lo := max(need, 1)
	if limit := int(s.Hyperparams.MaxWeightLimit); limit > 0 {
		lo = max(lo, (subnettypes.U16Max+limit-1)/limit)
	}
	if lo > len(neurons) {
		return nil, nil, false
	}
	k := lo + r.Intn(len(neurons)-lo+1)
	perm := r.Perm(len(neurons))[:k]
	uids := make([]uint32, k)
	weights := make([]uint32, k)
	for i, j := range perm {
		uids[i] = neurons[j].Uid
		weights[i] = uint32(1 + r.Intn(subnettypes.U16Max))
	}
	if types.CheckMaxWeightLimit(weights, s.Hyperparams.MaxWeightLimit) != nil {
		for i := range weights {
			weights[i] = subnettypes.U16Max
		}
		if types.CheckMaxWeightLimit(weights, s.Hyperparams.MaxWeightLimit) != nil {
			return nil, nil, false
		}
	}
	return uids, weights, true
}

// rowAcceptable reports whether the msg server's checkRow accepts (uids, weights) on s now.
func rowAcceptable(s subnettypes.Subnet, neurons []subnettypes.Neuron, uids, weights []uint32) bool {
	exists := make(map[uint32]bool, len(neurons))
	for _, n := range neurons {
		exists[n.Uid] = true
	}
	for _, u := range uids {
		if !exists[u] {
			return false
		}
	}
	need := min(int(s.Hyperparams.MinAllowedWeights), len(neurons))
	return types.NonZeroCount(weights) >= need && types.CheckMaxWeightLimit(weights, s.Hyperparams.MaxWeightLimit) == nil
}

// MsgSetWeightsFactory sets a random weight row for a permitted validator. Expected failures: a
// neuron without permit, a commit-reveal subnet, the weights rate limit.
func MsgSetWeightsFactory(k keeper.Keeper, sk types.SubnetKeeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgSetWeights] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSetWeights, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		withoutPermit := r.Intn(100) < failPercent
		c, ok := pickNeuron(ctx, sk, testData, reporter, !withoutPermit, r.Intn(100) < failPercent)
		if !ok {
			return nil, nil, nil
		}
		uids, weights, ok := c.row(r, reporter)
		if !ok {
			return nil, nil, nil
		}
		msg := &types.MsgSetWeights{Hotkey: c.hotkey.AddressBech32, Netuid: c.subnet.Netuid, Uids: uids, Weights: weights, VersionKey: uint64(r.Intn(10))}
		signers := []simsx.SimAccount{c.hotkey}
		if withoutPermit {
			return signers, msg, simexpect.Failure(types.ErrNoValidatorPermit)
		}
		if c.subnet.Hyperparams.CommitReveal {
			return signers, msg, simexpect.Failure(types.ErrCommitRevealEnabled)
		}
		row, found, err := k.GetWeights(ctx, uint16(c.subnet.Netuid), uint16(c.neuron.Uid))
		if err != nil {
			reporter.Skipf("weights: %s", err)
			return nil, nil, nil
		}
		if found && row.Hotkey == c.neuron.Hotkey && int64(height(ctx))-row.Block < int64(min(c.subnet.Hyperparams.WeightsRateLimit, 1<<62)) {
			return signers, msg, simexpect.Failure(types.ErrRateLimited)
		}
		return signers, msg, nil
	})
}

// MsgSubmitEvaluationFactory submits an evaluation for the current epoch signed by a permitted
// validator's hotkey, paid by a random account (a relayer). Expected failures: a forged signature,
// a stale nonce, a commit-reveal subnet, a second evaluation for the same epoch.
func MsgSubmitEvaluationFactory(k keeper.Keeper, sk types.SubnetKeeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgSubmitEvaluation] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSubmitEvaluation, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		c, ok := pickNeuron(ctx, sk, testData, reporter, true, r.Intn(100) < failPercent)
		if !ok {
			return nil, nil, nil
		}
		submitter := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		uids, scores, ok := c.row(r, reporter)
		if !ok {
			return nil, nil, nil
		}
		netuid := uint16(c.subnet.Netuid)
		epoch, err := k.CurrentEpoch(ctx, netuid)
		if err != nil {
			reporter.Skipf("epoch: %s", err)
			return nil, nil, nil
		}
		last, err := k.LastNonce(ctx, netuid, c.hotkey.Address)
		if err != nil {
			reporter.Skipf("nonce: %s", err)
			return nil, nil, nil
		}
		commitment := make([]byte, types.TaskCommitmentSize)
		r.Read(commitment) //nolint:errcheck // math/rand.Read never fails
		ev := types.Evaluation{
			ChainId:         sdk.UnwrapSDKContext(ctx).ChainID(),
			Netuid:          c.subnet.Netuid,
			Epoch:           epoch,
			ValidatorHotkey: c.hotkey.AddressBech32,
			Uids:            uids,
			Scores:          scores,
			TaskCommitment:  commitment,
			Nonce:           last + 1 + uint64(r.Intn(3)),
		}
		signer := c.priv
		forged := r.Intn(100) < failPercent
		if forged {
			secret := make([]byte, 32)
			r.Read(secret) //nolint:errcheck // math/rand.Read never fails
			signer = secp256k1.GenPrivKeyFromSecret(secret)
		}
		sig, err := signer.Sign(ev.SignBytes())
		if err != nil {
			reporter.Skipf("signing: %s", err)
			return nil, nil, nil
		}
		msg := &types.MsgSubmitEvaluation{Submitter: submitter.AddressBech32, Evaluation: ev, Signature: sig}
		signers := []simsx.SimAccount{submitter}
		switch {
		case forged:
			return signers, msg, simexpect.Failure(types.ErrInvalidSignature)
		case c.subnet.Hyperparams.CommitReveal:
			return signers, msg, simexpect.Failure(types.ErrCommitRevealEnabled)
		}
		if r.Intn(100) < failPercent {
			msg.Evaluation.Nonce = last
			if msg.Signature, err = c.priv.Sign(msg.Evaluation.SignBytes()); err != nil {
				reporter.Skipf("signing: %s", err)
				return nil, nil, nil
			}
			return signers, msg, simexpect.Failure(types.ErrStaleNonce)
		}
		if _, found, err := k.GetEvaluation(ctx, netuid, ev.Epoch, c.hotkey.Address); err != nil {
			reporter.Skipf("evaluation: %s", err)
			return nil, nil, nil
		} else if found {
			return signers, msg, simexpect.Failure(types.ErrDuplicateEvaluation)
		}
		return signers, msg, nil
	})
}

// reveal is what a commit hides, kept by the simulation until the reveal epoch.
type reveal struct {
	uids, weights []uint32
	versionKey    uint64
	salt          []byte
}

// CommitBook remembers the payloads of the simulation's weight commits, by (netuid, hotkey, reveal
// epoch), so they can be revealed later. One book belongs to one simulated app.
type CommitBook struct {
	reveals map[string]reveal
}

// NewCommitBook returns an empty CommitBook.
func NewCommitBook() *CommitBook { return &CommitBook{reveals: map[string]reveal{}} }

func bookKey(netuid uint32, hotkey string, revealEpoch uint64) string {
	return fmt.Sprintf("%d/%s/%d", netuid, hotkey, revealEpoch)
}

// MsgCommitWeightsFactory commits the hash of a random row on a commit-reveal subnet and books its
// payload for MsgRevealWeightsFactory. A second commit in the same epoch must fail.
func MsgCommitWeightsFactory(k keeper.Keeper, sk types.SubnetKeeper, book *CommitBook) *simsx.ResultHandlingSimMsgFactory[*types.MsgCommitWeights] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCommitWeights, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		c, ok := pickNeuron(ctx, sk, testData, reporter, true, r.Intn(100) >= failPercent)
		if !ok {
			return nil, nil, nil
		}
		uids, weights, ok := c.row(r, reporter)
		if !ok {
			return nil, nil, nil
		}
		p := reveal{uids: uids, weights: weights, versionKey: uint64(r.Intn(10)), salt: make([]byte, types.MinSaltLength+r.Intn(types.MaxSaltLength-types.MinSaltLength+1))}
		r.Read(p.salt) //nolint:errcheck // math/rand.Read never fails
		msg := &types.MsgCommitWeights{
			Hotkey: c.hotkey.AddressBech32, Netuid: c.subnet.Netuid,
			CommitHash: types.WeightsCommitHash(c.hotkey.AddressBech32, c.subnet.Netuid, uids, weights, p.versionKey, p.salt),
		}
		signers := []simsx.SimAccount{c.hotkey}
		if !c.subnet.Hyperparams.CommitReveal {
			return signers, msg, simexpect.Failure(types.ErrCommitRevealDisabled)
		}
		netuid := uint16(c.subnet.Netuid)
		current, err := k.CurrentEpoch(ctx, netuid)
		if err != nil {
			reporter.Skipf("epoch: %s", err)
			return nil, nil, nil
		}
		revealEpoch := current + max(c.subnet.Hyperparams.RevealPeriod, 1)
		has, err := k.Commits.Has(ctx, collections.Join3(netuid, c.hotkey.Address, revealEpoch))
		if err != nil {
			reporter.Skipf("commits: %s", err)
			return nil, nil, nil
		}
		if has {
			return signers, msg, simexpect.Failure(types.ErrAlreadyCommitted)
		}
		book.reveals[bookKey(c.subnet.Netuid, c.hotkey.AddressBech32, revealEpoch)] = p
		return signers, msg, nil
	})
}

// MsgRevealWeightsFactory reveals a booked commit whose reveal epoch is the current one. Rows the
// subnet no longer accepts (its hyperparameters changed since the commit) must fail with
// ErrInvalidWeights; a wrong salt must fail with ErrCommitMismatch.
func MsgRevealWeightsFactory(k keeper.Keeper, sk types.SubnetKeeper, book *CommitBook) *simsx.ResultHandlingSimMsgFactory[*types.MsgRevealWeights] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRevealWeights, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		type due struct {
			commit types.WeightsCommit
			subnet subnettypes.Subnet
			neuron subnettypes.Neuron
			p      reveal
		}
		var dues []due
		err := k.Commits.Walk(ctx, nil, func(key collections.Triple[uint16, sdk.AccAddress, uint64], c types.WeightsCommit) (bool, error) {
			p, booked := book.reveals[bookKey(c.Netuid, c.Hotkey, key.K3())]
			if !booked || !testData.HasAccount(c.Hotkey) {
				return false, nil
			}
			s, err := sk.GetSubnet(ctx, key.K1())
			if err != nil || !s.Hyperparams.CommitReveal {
				return false, nil
			}
			if current, err := k.CurrentEpoch(ctx, key.K1()); err != nil || current != key.K3() {
				return false, nil
			}
			n, err := sk.GetNeuronByHotkey(ctx, key.K1(), key.K2())
			if err != nil {
				return false, nil
			}
			dues = append(dues, due{commit: c, subnet: s, neuron: n, p: p})
			return false, nil
		})
		if err != nil || len(dues) == 0 {
			reporter.Skipf("no commit to reveal now (%v)", err)
			return nil, nil, nil
		}
		d := dues[r.Intn(len(dues))]
		hot := testData.GetAccount(reporter, d.commit.Hotkey)
		msg := &types.MsgRevealWeights{
			Hotkey: d.commit.Hotkey, Netuid: d.commit.Netuid, Uids: d.p.uids, Weights: d.p.weights,
			VersionKey: d.p.versionKey, Salt: d.p.salt,
		}
		signers := []simsx.SimAccount{hot}
		if !d.neuron.ValidatorPermit {
			return signers, msg, simexpect.Failure(types.ErrNoValidatorPermit)
		}
		if r.Intn(100) < failPercent {
			msg.Salt = append([]byte{0xff}, d.p.salt[:len(d.p.salt)-1]...)
			return signers, msg, simexpect.Failure(types.ErrCommitMismatch)
		}
		var neurons []subnettypes.Neuron
		if err := sk.IterateNeurons(ctx, uint16(d.subnet.Netuid), func(n subnettypes.Neuron) bool {
			neurons = append(neurons, n)
			return false
		}); err != nil {
			reporter.Skipf("neurons: %s", err)
			return nil, nil, nil
		}
		if !rowAcceptable(d.subnet, neurons, d.p.uids, d.p.weights) {
			return signers, msg, simexpect.Failure(types.ErrInvalidWeights)
		}
		return signers, msg, nil
	})
}

// MsgUpdateParamsFactory proposes new random valid params through x/gov.
func MsgUpdateParamsFactory() simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(_ context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		return nil, &types.MsgUpdateParams{
			Authority: testData.ModuleAccountAddress(reporter, govModuleName),
			Params:    RandomParams(testData.Rand().Rand),
		}
	}
}
