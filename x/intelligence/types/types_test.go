package types_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
)

func TestEpochSchedule(t *testing.T) {
	for _, tempo := range []uint64{0, 1, 9, 360} {
		for _, netuid := range []uint16{0, 1, 7, 65535} {
			for h := uint64(0); h < 800; h++ {
				next := types.EpochIndex(h+1, netuid, tempo)
				// The index advances exactly after epoch blocks.
				require.Equal(t, types.IsEpochBlock(h, netuid, tempo), next == types.EpochIndex(h, netuid, tempo)+1, "tempo %d netuid %d h %d", tempo, netuid, h)
				nh := types.NextEpochHeight(h, netuid, tempo)
				require.GreaterOrEqual(t, nh, h)
				require.Less(t, nh-h, tempo+1)
				require.True(t, types.IsEpochBlock(nh, netuid, tempo))
				require.Equal(t, types.EpochIndex(h, netuid, tempo), types.EpochIndex(nh, netuid, tempo))
			}
		}
	}
	// Subtensor's rule: (h + netuid + 1) % (tempo + 1) == 0.
	require.True(t, types.IsEpochBlock(8, 1, 9))
	require.False(t, types.IsEpochBlock(9, 1, 9))
	require.Equal(t, uint64(1), types.EpochIndex(9, 1, 9))
	require.Equal(t, uint64(18), types.NextEpochHeight(9, 1, 9))
	require.False(t, types.IsEpochBlock(^uint64(0)-3, 0, ^uint64(0)))
}

func testEvaluation(t *testing.T) (types.Evaluation, *secp256k1.PrivKey) {
	priv := secp256k1.GenPrivKeyFromSecret([]byte("validator"))
	return types.Evaluation{
		ChainId: "taochain-1", Netuid: 3, Epoch: 42,
		ValidatorHotkey: sdk.AccAddress(priv.PubKey().Address()).String(),
		Uids:            []uint32{0, 5}, Scores: []uint32{65535, 10},
		TaskCommitment: make([]byte, 32), Nonce: 9,
	}, priv
}

func TestSignBytesEncoding(t *testing.T) {
	ev := types.Evaluation{ChainId: "c", Netuid: 1, Epoch: 2, ValidatorHotkey: "h", Uids: []uint32{3}, Scores: []uint32{4}, TaskCommitment: []byte{0xaa}, Nonce: 5}
	want := "00000016" + hex.EncodeToString([]byte(types.EvaluationDomain)) +
		"00000001" + "63" + // chain_id
		"00000001" + // netuid
		"0000000000000002" + // epoch
		"00000001" + "68" + // hotkey
		"00000001" + "00000003" + // uids
		"00000001" + "00000004" + // scores
		"00000001" + "aa" + // task commitment
		"0000000000000005" // nonce
	require.Equal(t, want, hex.EncodeToString(ev.SignBytes()))

	// Every field is covered: changing any one changes the bytes.
	base, _ := testEvaluation(t)
	edits := []func(*types.Evaluation){
		func(e *types.Evaluation) { e.ChainId = "x" },
		func(e *types.Evaluation) { e.Netuid++ },
		func(e *types.Evaluation) { e.Epoch++ },
		func(e *types.Evaluation) { e.ValidatorHotkey = "y" },
		func(e *types.Evaluation) { e.Uids = []uint32{0, 6} },
		func(e *types.Evaluation) { e.Scores = []uint32{65535, 11} },
		func(e *types.Evaluation) { e.TaskCommitment = append(make([]byte, 31), 1) },
		func(e *types.Evaluation) { e.Nonce++ },
		// Moving an element between the two lists must not collide.
		func(e *types.Evaluation) { e.Uids = []uint32{0, 5, 65535}; e.Scores = []uint32{10} },
	}
	for i, edit := range edits {
		e := base
		e.Uids = append([]uint32(nil), base.Uids...)
		e.Scores = append([]uint32(nil), base.Scores...)
		edit(&e)
		require.NotEqual(t, base.SignBytes(), e.SignBytes(), "edit %d", i)
	}
}

func TestVerifySignatureAndEquivocation(t *testing.T) {
	a, priv := testEvaluation(t)
	pub := priv.PubKey().Bytes()
	sign := func(e types.Evaluation) types.SignedEvaluation {
		sig, err := priv.Sign(e.SignBytes())
		require.NoError(t, err)
		return types.SignedEvaluation{Evaluation: e, Signature: sig}
	}
	sa := sign(a)
	require.NoError(t, a.VerifySignature(pub, sa.Signature))
	other := secp256k1.GenPrivKeyFromSecret([]byte("other"))
	require.ErrorIs(t, a.VerifySignature(other.PubKey().Bytes(), sa.Signature), types.ErrInvalidSignature)
	require.ErrorIs(t, a.VerifySignature(pub[:10], sa.Signature), types.ErrInvalidSignature)

	b := a
	b.Scores = []uint32{1, 65535}
	sb := sign(b)
	require.NoError(t, types.VerifyEquivocation(pub, sa, sb))
	require.NoError(t, types.VerifyEquivocation(pub, sb, sa))

	// Same content (even with another nonce-free copy) is no equivocation.
	require.ErrorIs(t, types.VerifyEquivocation(pub, sa, sa), types.ErrNotEquivocation)
	// Different epochs are not conflicting.
	c := a
	c.Epoch++
	require.ErrorIs(t, types.VerifyEquivocation(pub, sa, sign(c)), types.ErrNotEquivocation)
	// A forged second evaluation proves nothing.
	forged := sb
	forged.Signature = sa.Signature
	require.ErrorIs(t, types.VerifyEquivocation(pub, sa, forged), types.ErrNotEquivocation)
	// Evaluations of another hotkey cannot be pinned on this one.
	require.ErrorIs(t, types.VerifyEquivocation(other.PubKey().Bytes(), sa, sb), types.ErrNotEquivocation)

	// The same judgement re-signed is never an offence: another nonce (a worker retrying after a
	// stale nonce), another task commitment, the same scores in another order or scale.
	resigned := []func(*types.Evaluation){
		func(e *types.Evaluation) { e.Nonce += 7 },
		func(e *types.Evaluation) { e.TaskCommitment = append(make([]byte, 31), 9) },
		func(e *types.Evaluation) { e.Nonce++; e.TaskCommitment = append(make([]byte, 31), 9) },
		func(e *types.Evaluation) {
			e.Uids = []uint32{e.Uids[1], e.Uids[0]}
			e.Scores = []uint32{e.Scores[1], e.Scores[0]}
		},
		func(e *types.Evaluation) { // half the scale: max-upscaled to the same row
			e.Scores = []uint32{e.Scores[0] / 2, e.Scores[1] / 2}
		},
		func(e *types.Evaluation) { e.Uids = append(e.Uids, 77); e.Scores = append(e.Scores, 0) }, // a zero adds nothing
	}
	for i, edit := range resigned {
		c := a
		c.Uids = append([]uint32(nil), a.Uids...)
		c.Scores = append([]uint32(nil), a.Scores...)
		c.TaskCommitment = append([]byte(nil), a.TaskCommitment...)
		edit(&c)
		require.NotEqual(t, a.SignBytes(), c.SignBytes(), "edit %d signs new bytes", i)
		require.ErrorIs(t, types.VerifyEquivocation(pub, sa, sign(c)), types.ErrNotEquivocation, "edit %d", i)
	}
}

func TestWeightsCommitHash(t *testing.T) {
	h := types.WeightsCommitHash("hk", 1, []uint32{1, 2}, []uint32{3, 4}, 5, []byte("saltsalt"))
	require.Len(t, h, types.CommitHashSize)
	require.Equal(t, h, types.WeightsCommitHash("hk", 1, []uint32{1, 2}, []uint32{3, 4}, 5, []byte("saltsalt")))
	for i, other := range [][]byte{
		types.WeightsCommitHash("hk2", 1, []uint32{1, 2}, []uint32{3, 4}, 5, []byte("saltsalt")),
		types.WeightsCommitHash("hk", 2, []uint32{1, 2}, []uint32{3, 4}, 5, []byte("saltsalt")),
		types.WeightsCommitHash("hk", 1, []uint32{2, 1}, []uint32{3, 4}, 5, []byte("saltsalt")),
		types.WeightsCommitHash("hk", 1, []uint32{1, 2}, []uint32{4, 3}, 5, []byte("saltsalt")),
		types.WeightsCommitHash("hk", 1, []uint32{1, 2}, []uint32{3, 4}, 6, []byte("saltsalt")),
		types.WeightsCommitHash("hk", 1, []uint32{1, 2}, []uint32{3, 4}, 5, []byte("saltsalT")),
	} {
		require.NotEqual(t, h, other, "variant %d", i)
	}
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	for name, edit := range map[string]func(*types.Params){
		"zero epochs per block": func(p *types.Params) { p.MaxEpochsPerBlock = 0 },
		"too many epochs":       func(p *types.Params) { p.MaxEpochsPerBlock = types.MaxEpochsPerBlockLimit + 1 },
		"shares below 1e6":      func(p *types.Params) { p.OwnerShare-- },
		"shares above 1e6":      func(p *types.Params) { p.MinerShare++ },
		"window too large":      func(p *types.Params) { p.EvaluationWindow = types.MaxEvaluationWindow + 1 },
		"no retention":          func(p *types.Params) { p.EvidenceRetentionEpochs = 0 },
	} {
		p := types.DefaultParams()
		edit(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, name)
	}
}

func TestWeightChecks(t *testing.T) {
	require.NoError(t, types.ValidateWeightsForm([]uint32{3, 1, 2}, []uint32{1, 0, 65535}))
	require.ErrorIs(t, types.ValidateWeightsForm([]uint32{1}, nil), types.ErrInvalidWeights)
	require.ErrorIs(t, types.ValidateWeightsForm([]uint32{1, 1}, []uint32{1, 1}), types.ErrInvalidWeights)
	require.ErrorIs(t, types.ValidateWeightsForm([]uint32{65536}, []uint32{1}), types.ErrInvalidWeights)
	require.ErrorIs(t, types.ValidateWeightsForm([]uint32{1}, []uint32{65536}), types.ErrInvalidWeights)

	require.NoError(t, types.CheckMaxWeightLimit([]uint32{1, 1}, 32768))
	require.ErrorIs(t, types.CheckMaxWeightLimit([]uint32{2, 1}, 32768), types.ErrInvalidWeights)
	require.NoError(t, types.CheckMaxWeightLimit([]uint32{65535}, 65535))
	require.NoError(t, types.CheckMaxWeightLimit([]uint32{0, 0}, 1))
	require.Equal(t, 2, types.NonZeroCount([]uint32{0, 3, 0, 1}))
}
