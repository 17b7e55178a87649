package dendrite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/internal/minertest"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
	"github.com/taochain/taochain/inference/scoring"
)

func TestScoreAllRanksMinersAndZeroesBadOnes(t *testing.T) {
	validator := minertest.Signer(t, "validator")
	var mg metagraph.Cache
	train := corpus.Train()

	keys := map[string]*auth.Signer{}
	for _, name := range []string{"o1", "o3", "o5", "stall", "garbage", "wrongsig", "impostor", "liar"} {
		keys[name] = minertest.Signer(t, "miner "+name)
	}
	// A well-formed answer claiming certainty for all 8 two-character candidates.
	validJSON := `{"kind":"score","model":"fake","logprobs":[0,0,0,0,0,0,0,0],"chars":16,"elapsed_ms":0}` + "\n"
	miners := []metagraph.Miner{
		{UID: 1, Hotkey: keys["o1"].Address(), Endpoint: minertest.StartAxon(t, keys["o1"], model.Train(train, 1), mg.Permit)},
		{UID: 3, Hotkey: keys["o3"].Address(), Endpoint: minertest.StartAxon(t, keys["o3"], model.Train(train, 3), mg.Permit)},
		{UID: 5, Hotkey: keys["o5"].Address(), Endpoint: minertest.StartAxon(t, keys["o5"], model.Train(train, 5), mg.Permit)},
		{UID: 7, Hotkey: keys["stall"].Address(), Endpoint: minertest.StartAxon(t, keys["stall"], minertest.StallModel{}, mg.Permit)},
		{UID: 8, Hotkey: keys["garbage"].Address(), Endpoint: minertest.StartRogue(t, keys["garbage"], "this is not JSON {")},
		// Claims a near-perfect score, but signs with a key other than its registered hotkey.
		{UID: 9, Hotkey: keys["wrongsig"].Address(), Endpoint: minertest.StartRogue(t, keys["impostor"], validJSON)},
		// Correctly signed, but claims certainty for every candidate: exactly chance, score 0.
		{UID: 11, Hotkey: keys["liar"].Address(), Endpoint: minertest.StartRogue(t, keys["liar"], validJSON)},
		// Nobody listens here.
		{UID: 10, Hotkey: minertest.Signer(t, "gone").Address(), Endpoint: "http://127.0.0.1:1"},
	}
	if err := mg.Update(miners, []string{validator.Address()}); err != nil {
		t.Fatal(err)
	}
	tasks, err := scoring.BuildTasks(corpus.HeldOut(), [32]byte{20, 26}, scoring.TaskConfig{Count: 32, PromptChars: 64, ContinuationChars: 2, Candidates: 8})
	if err != nil {
		t.Fatal(err)
	}

	client, err := dendrite.New(dendrite.Config{Signer: validator, Timeout: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := client.ScoreAll(context.Background(), mg.Miners(), tasks)
	if len(outcomes) != len(miners) {
		t.Fatalf("%d outcomes for %d miners", len(outcomes), len(miners))
	}
	wantErr := map[uint16]error{7: dendrite.ErrTimeout, 8: dendrite.ErrGarbage, 9: dendrite.ErrBadSignature, 10: dendrite.ErrTransport}
	for _, o := range outcomes {
		if want := wantErr[o.UID]; want != nil {
			if !errors.Is(o.Err, want) {
				t.Fatalf("uid %d: error %v, want %v", o.UID, o.Err, want)
			}
			continue
		}
		if o.Err != nil || len(o.LogProbs) != len(tasks) {
			t.Fatalf("uid %d failed: %v (%d answers)", o.UID, o.Err, len(o.LogProbs))
		}
	}

	scores, err := scoring.Score(tasks, outcomes, scoring.Config{})
	if err != nil {
		t.Fatal(err)
	}
	byUID := map[uint16]scoring.MinerScore{}
	for _, s := range scores {
		byUID[s.UID] = s
		t.Logf("uid %2d score %5d G=%.4f err=%v", s.UID, s.Score, s.Gain, s.Err)
	}
	// The unigram model (order 1) ignores the prompt, so it cannot beat chance: score 0.
	if byUID[5].Score != scoring.MaxScore || !(byUID[5].Score > byUID[3].Score && byUID[3].Score > byUID[1].Score) {
		t.Fatalf("scores do not rank order 5 > 3 > 1: %d %d %d", byUID[5].Score, byUID[3].Score, byUID[1].Score)
	}
	if s := byUID[11]; s.Err != nil || s.Score != 0 {
		t.Fatalf("liar claiming certainty: %+v", s)
	}
	for uid := range wantErr {
		if byUID[uid].Score != 0 {
			t.Fatalf("failed uid %d scored %d", uid, byUID[uid].Score)
		}
	}
	rank := scoring.Ranking(scores)
	if rank[0].UID != 5 || rank[1].UID != 3 || rank[2].UID != 11 || rank[3].UID != 1 {
		t.Fatalf("ranking %v", rank)
	}
	ev := scoring.NewEvaluation(1, 42, scores, scoring.TaskCommitment(tasks, outcomes))
	if len(ev.UIDs) != len(miners) || ev.UIDs[0] != 1 || ev.Scores[2] != scoring.MaxScore {
		t.Fatalf("evaluation %+v", ev)
	}
}

func TestInferClassifiesAnswers(t *testing.T) {
	validator, key := minertest.Signer(t, "validator"), minertest.Signer(t, "miner")
	task := protocol.InferRequest{Kind: protocol.KindScore, Prompt: "ab", Candidates: []string{"cd", "e"}}
	cases := map[string]struct {
		body string
		want error
	}{
		"positive logprob": {`{"kind":"score","model":"m","logprobs":[0.5,-1],"chars":3}`, dendrite.ErrGarbage},
		"too few":          {`{"kind":"score","model":"m","logprobs":[-1],"chars":3}`, dendrite.ErrGarbage},
		"null":             {`{"kind":"score","model":"m","logprobs":[-1,null],"chars":3}`, dendrite.ErrGarbage},
		"wrong char count": {`{"kind":"score","model":"m","logprobs":[-1,-2],"chars":2}`, dendrite.ErrGarbage},
		"wrong kind":       {`{"kind":"generate","model":"m","completion":"cd","chars":2}`, dendrite.ErrGarbage},
		"valid":            {`{"kind":"score","model":"m","logprobs":[-1.25,-3],"chars":3}`, nil},
	}
	client, err := dendrite.New(dendrite.Config{Signer: validator, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range cases {
		miner := metagraph.Miner{UID: 1, Hotkey: key.Address(), Endpoint: minertest.StartRogue(t, key, tc.body)}
		got, err := client.Infer(context.Background(), miner, task)
		if !errors.Is(err, tc.want) {
			t.Fatalf("%s: error %v, want %v", name, err, tc.want)
		}
		if tc.want == nil && (len(got.LogProbs) != 2 || got.LogProbs[0] != -1.25) {
			t.Fatalf("%s: got %+v", name, got)
		}
	}
}

func TestInferReportsMinerErrorStatus(t *testing.T) {
	validator := minertest.Signer(t, "validator")
	var mg metagraph.Cache // validator holds no permit here
	minerKey := minertest.Signer(t, "miner")
	url := minertest.StartAxon(t, minerKey, model.Train("abc", 1), mg.Permit)
	client, _ := dendrite.New(dendrite.Config{Signer: validator})
	_, err := client.Infer(context.Background(), metagraph.Miner{UID: 2, Hotkey: minerKey.Address(), Endpoint: url},
		protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})
	if !errors.Is(err, dendrite.ErrStatus) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("got %v, want a 403 status error", err)
	}
}
