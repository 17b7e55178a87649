package chain

import (
	"strings"
	"testing"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

func txResult(t *testing.T, msgs ...proto.Message) TxStatus {
	t.Helper()
	var data sdk.TxMsgData
	for _, m := range msgs {
		a, err := codectypes.NewAnyWithValue(m)
		if err != nil {
			t.Fatal(err)
		}
		data.MsgResponses = append(data.MsgResponses, a)
	}
	bz, err := data.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return TxStatus{Found: true, Height: 33, Data: bz}
}

// TestCommitRevealEpochReadsTheChainsAnswer: the reveal epoch of a commit is the one the chain put
// in MsgCommitWeightsResponse, which differs from commit-time epoch + reveal_period when the commit
// landed after the epoch it was made in had closed. Anything else in the result is an error.
func TestCommitRevealEpochReadsTheChainsAnswer(t *testing.T) {
	got, err := CommitRevealEpoch(txResult(t, &inteltypes.MsgCommitWeightsResponse{RevealEpoch: 4}))
	if err != nil || got != 4 {
		t.Fatalf("reveal epoch %d err %v, want 4", got, err)
	}
	for name, st := range map[string]TxStatus{
		"no responses":      txResult(t),
		"another response":  txResult(t, &inteltypes.MsgRevealWeightsResponse{}),
		"zero reveal epoch": txResult(t, &inteltypes.MsgCommitWeightsResponse{}),
		"not TxMsgData":     {Found: true, Data: []byte{0xff, 0xff}},
	} {
		if _, err := CommitRevealEpoch(st); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var res inteltypes.MsgCommitWeightsResponse
	err = txResult(t, &inteltypes.MsgRevealWeightsResponse{}).MsgResponse(0, &res)
	if err == nil || !strings.Contains(err.Error(), "MsgRevealWeightsResponse") {
		t.Fatalf("type mismatch not reported: %v", err)
	}
}
