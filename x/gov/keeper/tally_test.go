package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	v1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// tao is one TAO in rao; amounts below are whole TAO so they clear x/subnet's min_stake.
const tao = int64(1_000_000_000)

func taoInt(n int64) math.Int { return math.NewInt(n * tao) }

type tallyWant struct {
	passes                 bool
	yes, no, abstain, veto math.Int
}

func (f *fixture) tally(t *testing.T, p v1.Proposal) (bool, v1.TallyResult) {
	t.Helper()
	passes, _, res, err := f.gk.Tally(f.ctx, p)
	require.NoError(t, err)
	// Like the SDK tally, ours consumes the proposal's votes.
	it, err := f.gk.Votes.Iterate(f.ctx, collections.NewPrefixedPairRange[uint64, sdk.AccAddress](p.Id))
	require.NoError(t, err)
	defer it.Close()
	require.False(t, it.Valid(), "votes of proposal %d left after the tally", p.Id)
	return passes, res
}

func requireTally(t *testing.T, want tallyWant, passes bool, got v1.TallyResult) {
	t.Helper()
	z := func(i math.Int) string {
		if i.IsNil() {
			return "0"
		}
		return i.String()
	}
	require.Equal(t, want.passes, passes, "passes")
	require.Equal(t, z(want.yes), got.YesCount, "yes")
	require.Equal(t, z(want.no), got.NoCount, "no")
	require.Equal(t, z(want.abstain), got.AbstainCount, "abstain")
	require.Equal(t, z(want.veto), got.NoWithVetoCount, "no_with_veto")
}

// A validator of 1000 TAO: its operator delegates 100, d1 delegates 900.
func (f *fixture) standardValidator(t *testing.T) (op, d1 sdk.AccAddress) {
	t.Helper()
	op, d1 = acct("operator"), acct("delegator1")
	val := f.validator(t, op, 1000*tao, stakingtypes.Bonded)
	f.delegate(t, op, val, 100*tao)
	f.delegate(t, d1, val, 900*tao)
	return op, d1
}

func TestTallyValidatorVotesWithItsDelegators(t *testing.T) {
	f := newFixture(t)
	op, _ := f.standardValidator(t)
	p := f.proposal(t, 1)
	f.vote(t, 1, op, yes())
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: true, yes: taoInt(1000)}, passes, res)
}

func TestTallyDelegatorOverridesValidator(t *testing.T) {
	f := newFixture(t)
	op, d1 := f.standardValidator(t)
	p := f.proposal(t, 1)
	f.vote(t, 1, op, yes())
	f.vote(t, 1, d1, no())
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: false, yes: taoInt(100), no: taoInt(900)}, passes, res)
}

func TestTallySubnetStakeOnlyVoter(t *testing.T) {
	f := newFixture(t)
	f.standardValidator(t) // 1000 TAO bonded, the validator does not vote
	s1 := acct("subnet-staker")
	f.stake(t, s1, 600*tao)
	p := f.proposal(t, 1)
	f.vote(t, 1, s1, yes())
	// 600 of 1600 TAO voted (37.5% ≥ 33.4% quorum), all yes. With bonded stake alone this voter
	// would have no power at all.
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: true, yes: taoInt(600)}, passes, res)
}

func TestTallyWeightedSubnetVote(t *testing.T) {
	f := newFixture(t)
	s1 := acct("subnet-staker")
	f.stake(t, s1, 600*tao)
	p := f.proposal(t, 1)
	f.vote(t, 1, s1,
		v1.NewWeightedVoteOption(v1.OptionYes, math.LegacyNewDecWithPrec(25, 2)),
		v1.NewWeightedVoteOption(v1.OptionNo, math.LegacyNewDecWithPrec(75, 2)))
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: false, yes: taoInt(150), no: taoInt(450)}, passes, res)
}

func TestTallyVoterWithBondedAndSubnetStake(t *testing.T) {
	f := newFixture(t)
	op, d1 := f.standardValidator(t)
	// d1 also stakes in two subnets, on two hotkeys of the second.
	netuid2, hot2 := f.addSubnet(t, "second")
	f.stake(t, d1, 200*tao)
	f.stakeOn(t, d1, hot2, netuid2, 70*tao)
	netuid2b, hot2b := netuid2, f.registerExtraNeuron(t, netuid2, "second-b")
	f.stakeOn(t, d1, hot2b, netuid2b, 30*tao)

	p := f.proposal(t, 1)
	f.vote(t, 1, op, yes())
	f.vote(t, 1, d1, no())
	passes, res := f.tally(t, p)
	// op: its own 100 (d1's 900 is deducted from the validator's vote); d1: 900 bonded + 300 subnet.
	requireTally(t, tallyWant{passes: false, yes: taoInt(100), no: taoInt(1200)}, passes, res)
}

func TestTallyUnbondingStakeDoesNotVote(t *testing.T) {
	f := newFixture(t)
	s1 := acct("subnet-staker")
	f.stake(t, s1, 600*tao)
	_, err := f.subnet.RemoveStake(f.ctx, s1, f.hotkey, f.netuid, taoInt(400))
	require.NoError(t, err)
	// A delegation to a validator that is not bonded does not vote either (SDK semantics).
	unbonded := f.validator(t, acct("jailed-operator"), 5000*tao, stakingtypes.Unbonding)
	f.delegate(t, s1, unbonded, 5000*tao)

	p := f.proposal(t, 1)
	f.vote(t, 1, s1, yes())
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: true, yes: taoInt(200)}, passes, res)

	vp, err := f.k.VotingPower(f.ctx, s1)
	require.NoError(t, err)
	require.Equal(t, taoInt(200).String(), vp.Total.String())
	require.True(t, vp.BondedStake.IsZero(), "bonded stake %s", vp.BondedStake)
}

// Quorum is measured against bonded tokens plus all subnet stake: the same bonded vote passes or
// fails depending on how much subnet stake stayed away.
func TestTallyQuorumIncludesSubnetStake(t *testing.T) {
	for _, tc := range []struct {
		name        string
		absentStake int64 // TAO staked in subnets by a coldkey that does not vote
		wantPasses  bool
	}{
		{name: "no subnet stake: 1000/1000 voted", absentStake: 0, wantPasses: true},
		{name: "1000 TAO absent: 1000/2000 voted", absentStake: 1000, wantPasses: true},
		{name: "2000 TAO absent: 1000/3000 voted (33.3% < 33.4%)", absentStake: 2000, wantPasses: false},
		{name: "3000 TAO absent: 1000/4000 voted", absentStake: 3000, wantPasses: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			op, _ := f.standardValidator(t)
			if tc.absentStake > 0 {
				f.stake(t, acct("absent-whale"), tc.absentStake*tao)
			}
			total, err := f.k.GovStakingKeeper().TotalBondedTokens(f.ctx)
			require.NoError(t, err)
			require.Equal(t, taoInt(1000+tc.absentStake).String(), total.String(), "quorum base")

			p := f.proposal(t, 1)
			f.vote(t, 1, op, yes())
			passes, res := f.tally(t, p)
			requireTally(t, tallyWant{passes: tc.wantPasses, yes: taoInt(1000)}, passes, res)
		})
	}
}

// Subnet dividends raise a pool's value, and with it the voting power of every staker in it.
func TestTallyCountsSharePoolValue(t *testing.T) {
	f := newFixture(t)
	s1, s2 := acct("staker-1"), acct("staker-2")
	f.stake(t, s1, 300*tao)
	f.stake(t, s2, 100*tao)
	f.fund(t, acct("payer"), taoInt(40))
	require.NoError(t, f.bk.SendCoinsFromAccountToModule(f.ctx, acct("payer"), "subnet", sdk.NewCoins(sdk.NewCoin(denom, taoInt(40)))))
	require.NoError(t, f.subnet.AddToPool(f.ctx, f.hotkey, f.netuid, taoInt(40)))

	p := f.proposal(t, 1)
	f.vote(t, 1, s1, yes())
	f.vote(t, 1, s2, no())
	passes, res := f.tally(t, p)
	requireTally(t, tallyWant{passes: true, yes: taoInt(330), no: taoInt(110)}, passes, res)
}

// The tally does not depend on the order validators come in (the SDK hands them over in a map).
func TestTallyDeterministicAcrossValidators(t *testing.T) {
	var results []v1.TallyResult
	for run := 0; run < 3; run++ {
		f := newFixture(t)
		for i, seed := range []string{"v-a", "v-b", "v-c", "v-d", "v-e"} {
			op := acct(seed)
			val := f.validator(t, op, int64(100+37*i)*tao, stakingtypes.Bonded)
			f.delegate(t, op, val, int64(100+37*i)*tao/3)
			f.delegate(t, acct("d-"+seed), val, int64(100+37*i)*tao-int64(100+37*i)*tao/3)
		}
		// Rotate the validator order each run.
		f.staking.validators = append(f.staking.validators[run:], f.staking.validators[:run]...)
		p := f.proposal(t, 1)
		f.vote(t, 1, acct("v-a"), yes())
		f.vote(t, 1, acct("v-c"), no())
		f.vote(t, 1, acct("d-v-c"), yes())
		f.vote(t, 1, acct("v-e"), v1.NewWeightedVoteOption(v1.OptionAbstain, math.LegacyOneDec()))
		_, res := f.tally(t, p)
		results = append(results, res)
	}
	require.Equal(t, results[0], results[1])
	require.Equal(t, results[0], results[2])
}
