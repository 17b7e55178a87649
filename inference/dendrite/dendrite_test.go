package dendrite_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
	"github.com/taochain/taochain/inference/scoring"
)

func signer(t *testing.T, secret string) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(secp256k1.GenPrivKeyFromSecret([]byte(secret)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stallModel never answers before its context ends.
type stallModel struct{}

func (stallModel) Name() string { return "stall" }
func (stallModel) Score(ctx context.Context, _, _ string) (float64, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}
func (stallModel) Generate(ctx context.Context, _ string, _ int) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// startAxon runs a real axon for key serving m, authorizing via mg.
func startAxon(t *testing.T, key *auth.Signer, m model.Model, mg metagraph.Metagraph) string {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: key.Address(), Authorize: mg.Permit})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: m, Signer: key, Verifier: v, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return srv.URL()
}

// startRogue runs a non-axon HTTP server on 127.0.0.1 that answers every request with body, signed
// by key over the request nonce.
func startRogue(t *testing.T, key *auth.Signer, body string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if err := key.SignResponse(w.Header(), r.Header.Get(auth.HeaderNonce), []byte(body)); err != nil {
			t.Error(err)
		}
		_, _ = io.WriteString(w, body)
	}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestScoreAllRanksMinersAndZeroesBadOnes(t *testing.T) {
	validator := signer(t, "validator")
	var mg metagraph.Cache
	train := corpus.Train()

	keys := map[string]*auth.Signer{}
	for _, name := range []string{"o1", "o3", "o5", "stall", "garbage", "wrongsig", "impostor", "liar"} {
		keys[name] = signer(t, "miner "+name)
	}
	// A well-formed answer claiming certainty for all 8 two-character candidates.
	validJSON := `{"kind":"score","model":"fake","logprobs":[0,0,0,0,0,0,0,0],"chars":16,"elapsed_ms":0}` + "\n"
	miners := []metagraph.Miner{
		{UID: 1, Hotkey: keys["o1"].Address(), Endpoint: startAxon(t, keys["o1"], model.Train(train, 1), &mg)},
		{UID: 3, Hotkey: keys["o3"].Address(), Endpoint: startAxon(t, keys["o3"], model.Train(train, 3), &mg)},
		{UID: 5, Hotkey: keys["o5"].Address(), Endpoint: startAxon(t, keys["o5"], model.Train(train, 5), &mg)},
		{UID: 7, Hotkey: keys["stall"].Address(), Endpoint: startAxon(t, keys["stall"], stallModel{}, &mg)},
		{UID: 8, Hotkey: keys["garbage"].Address(), Endpoint: startRogue(t, keys["garbage"], "this is not JSON {")},
		// Claims a near-perfect score, but signs with a key other than its registered hotkey.
		{UID: 9, Hotkey: keys["wrongsig"].Address(), Endpoint: startRogue(t, keys["impostor"], validJSON)},
		// Correctly signed, but claims certainty for every candidate: exactly chance, score 0.
		{UID: 11, Hotkey: keys["liar"].Address(), Endpoint: startRogue(t, keys["liar"], validJSON)},
		// Nobody listens here.
		{UID: 10, Hotkey: signer(t, "gone").Address(), Endpoint: "http://127.0.0.1:1"},
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
	validator, key := signer(t, "validator"), signer(t, "miner")
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
		miner := metagraph.Miner{UID: 1, Hotkey: key.Address(), Endpoint: startRogue(t, key, tc.body)}
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
	validator := signer(t, "validator")
	var mg metagraph.Cache // validator holds no permit here
	minerKey := signer(t, "miner")
	url := startAxon(t, minerKey, model.Train("abc", 1), &mg)
	client, _ := dendrite.New(dendrite.Config{Signer: validator})
	_, err := client.Infer(context.Background(), metagraph.Miner{UID: 2, Hotkey: minerKey.Address(), Endpoint: url},
		protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})
	if !errors.Is(err, dendrite.ErrStatus) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("got %v, want a 403 status error", err)
	}
}
