package main_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/testutil/e2e"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

// TestEquivocationSlashE2E runs the real taod: a hotkey held by the test (imported into the
// keyring for registration) wins a validator permit on the demo subnet, signs two conflicting
// evaluations for one epoch, the chain accepts the first and refuses the second, and a reporter
// proves the equivocation with `taod tx slashing report-equivocation ev1.json ev2.json`. The
// offence record, the 5% stake slash (10% of it to the reporter, the rest burned) and the jail
// are read back with `taod q slashing ...`, next to the SDK's `taod q slashing signing-infos`.
func TestEquivocationSlashE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	n.Start()
	n.RunScript("demo.sh")
	netuid := subnetID(t, n, "demo")
	setFastTempo(t, n, netuid)

	// The offending hotkey: its private key stays in the test, a copy goes into the keyring so
	// `taod tx subnet register` can sign the proof of possession.
	hot := secp256k1.GenPrivKeyFromSecret([]byte("slashing-e2e-equivocating-hotkey"))
	hotAddr := sdk.AccAddress(hot.PubKey().Address()).String()
	n.CLI("keys", "import-hex", "equiv-hot", hex.EncodeToString(hot.Key), "--keyring-backend", "test")
	mustOK(t, n.Tx("bob", "subnet", "register", netuid, "equiv-hot", "1000000000000"))
	mustOK(t, n.Tx("bob", "subnet", "add-stake", hotAddr, netuid, "2000000000000"))
	mustOK(t, n.Tx("alice", "subnet", "add-stake", hotAddr, netuid, "500000000000")) // a nominator
	n.CLI("keys", "add", "reporter", "--keyring-backend", "test", "--output", "json")
	reporter := n.Address("reporter")
	mustOK(t, n.Tx("validator", "bank", "send", n.Address("validator"), reporter, "10000000000rao"))

	waitPermit(t, n, netuid, hotAddr)
	minerUID := uint32(neuronUID(t, n, netuid, n.Address("miner1-hot")))
	otherUID := uint32(neuronUID(t, n, netuid, n.Address("miner2-hot")))
	uids := []uint32{minerUID, otherUID}

	// Two conflicting evaluations for the current epoch; the first goes on chain (retried in the
	// next epoch if the epoch turned while the tx was in flight).
	var a, b signedEvaluation
	accepted := false
	for attempt := 0; attempt < 3 && !accepted; attempt++ {
		epoch := currentEpoch(t, n, netuid)
		nonce := uint64(2*attempt + 1)
		// Conflicting scores: b ranks the two miners the other way round.
		a = signEvaluation(t, hot, n.ChainID, netuid, epoch, uids, []uint32{65535, 1000}, nonce)
		b = signEvaluation(t, hot, n.ChainID, netuid, epoch, uids, []uint32{1, 1000}, nonce+1)
		evJSON, err := json.Marshal(a.Evaluation)
		if err != nil {
			t.Fatal(err)
		}
		code, log := tryTx(t, n, "alice", "intelligence", "submit-evaluation", string(evJSON), a.Signature)
		accepted = code == 0
		if !accepted && !strings.Contains(log, "epoch") {
			t.Fatalf("first evaluation refused: code %d: %s", code, log)
		}
	}
	if !accepted {
		t.Fatal("the first evaluation was not accepted in 3 epochs")
	}
	evJSON, _ := json.Marshal(b.Evaluation)
	if code, log := tryTx(t, n, "alice", "intelligence", "submit-evaluation", string(evJSON), b.Signature); code == 0 {
		t.Fatal("the chain accepted a second, conflicting evaluation for the same epoch")
	} else if !strings.Contains(log, "already has an evaluation") && !strings.Contains(log, "epoch") {
		t.Fatalf("second evaluation refused for an unexpected reason: %s", log)
	}

	dir := t.TempDir()
	f1, f2, f3 := filepath.Join(dir, "ev1.json"), filepath.Join(dir, "ev2.json"), filepath.Join(dir, "ev3.json")
	writeJSON(t, f1, a)
	writeJSON(t, f2, b)
	// The same scores re-signed with another nonce (what a retrying worker does) prove nothing.
	writeJSON(t, f3, signEvaluation(t, hot, n.ChainID, netuid, a.Evaluation.Epoch, uids, []uint32{65535, 1000}, a.Evaluation.Nonce+10))
	if code, log := tryTx(t, n, "reporter", "slashing", "report-equivocation", f1, f3); code == 0 {
		t.Fatal("a report of the same scores re-signed with another nonce was accepted")
	} else if !strings.Contains(log, "same scores") {
		t.Fatalf("re-signed report refused for an unexpected reason: %s", log)
	}
	res := n.Tx("reporter", "slashing", "report-equivocation", f1, f2)
	mustOK(t, res)
	height, err := strconv.ParseInt(res.Height, 10, 64)
	if err != nil {
		t.Fatalf("tx height %q: %v", res.Height, err)
	}

	var offences struct {
		Offences []struct {
			ID         string `json:"id"`
			Kind       string `json:"kind"`
			Netuid     int    `json:"netuid"`
			Hotkey     string `json:"hotkey"`
			Epoch      string `json:"epoch"`
			Height     string `json:"height"`
			Slashed    string `json:"slashed"`
			Reward     string `json:"reward"`
			Burned     string `json:"burned"`
			Reporter   string `json:"reporter"`
			JailEpochs string `json:"jail_epochs"`
		} `json:"offences"`
	}
	n.QueryJSON(&offences, "slashing", "offences-by-hotkey", hotAddr)
	var eq []int
	for i, o := range offences.Offences {
		if o.Kind == "OFFENCE_KIND_EQUIVOCATION" {
			eq = append(eq, i)
		}
	}
	if len(eq) != 1 {
		t.Fatalf("want one equivocation offence for %s, got %+v", hotAddr, offences)
	}
	o := offences.Offences[eq[0]]
	if o.Netuid != mustAtoi(t, netuid) || o.Epoch != strconv.FormatUint(a.Evaluation.Epoch, 10) || o.Reporter != reporter ||
		o.Height != res.Height || o.JailEpochs != "10" {
		t.Fatalf("offence %+v does not match the report (netuid %s, epoch %d, reporter %s, height %s)", o, netuid, a.Evaluation.Epoch, reporter, res.Height)
	}
	var all struct {
		Offences []struct {
			ID string `json:"id"`
		} `json:"offences"`
	}
	n.QueryJSON(&all, "slashing", "offences")
	found := false
	for _, x := range all.Offences {
		found = found || x.ID == o.ID
	}
	if !found {
		t.Fatalf("offence %s missing from `q slashing offences`: %+v", o.ID, all)
	}

	// Amounts: 5% of the pool as it stood before the report's block, 10% of that to the reporter.
	poolBefore := poolStakeAt(t, n, hotAddr, netuid, height-1)
	slashed, reward, burned := mustInt(t, o.Slashed), mustInt(t, o.Reward), mustInt(t, o.Burned)
	wantSlashed := sdkmath.LegacyNewDecFromInt(poolBefore).Mul(sdkmath.LegacyNewDecWithPrec(5, 2)).TruncateInt()
	wantReward := sdkmath.LegacyNewDecFromInt(wantSlashed).Mul(sdkmath.LegacyNewDecWithPrec(1, 1)).TruncateInt()
	if !slashed.Equal(wantSlashed) || !reward.Equal(wantReward) || !burned.Equal(slashed.Sub(reward)) || !slashed.IsPositive() {
		t.Fatalf("slashed %s reward %s burned %s; want %s, %s and the rest (pool before %s)", slashed, reward, burned, wantSlashed, wantReward, poolBefore)
	}
	// (an epoch in the same block may add dividends after the slash, never take more)
	if after := poolStakeAt(t, n, hotAddr, netuid, height); after.LT(poolBefore.Sub(slashed)) {
		t.Fatalf("pool %s -> %s after slashing %s", poolBefore, after, slashed)
	}
	t.Logf("offence %s at height %d: pool %s rao, slashed %s, reward %s, burned %s", o.ID, height, poolBefore, slashed, reward, burned)
	fee := txFee(t, n, res.TxHash)
	gain := balanceAt(t, n, reporter, height).Sub(balanceAt(t, n, reporter, height-1)).Add(fee)
	if !gain.Equal(reward) {
		t.Fatalf("reporter gained %s (fee %s added back), want the reward %s", gain, fee, reward)
	}

	var jails struct {
		Jails []struct {
			Netuid int    `json:"netuid"`
			Hotkey string `json:"hotkey"`
		} `json:"jails"`
	}
	n.QueryJSON(&jails, "slashing", "jails")
	jailed := false
	for _, j := range jails.Jails {
		jailed = jailed || (j.Hotkey == hotAddr && j.Netuid == mustAtoi(t, netuid))
	}
	if !jailed {
		t.Fatalf("hotkey %s not jailed: %+v", hotAddr, jails)
	}
	var neuron struct {
		Neuron struct {
			ValidatorPermit bool `json:"validator_permit"`
		} `json:"neuron"`
	}
	n.QueryJSON(&neuron, "subnet", "neuron-by-hotkey", netuid, hotAddr)
	if neuron.Neuron.ValidatorPermit {
		t.Fatal("the equivocating hotkey kept its validator permit")
	}

	// The SDK half of `slashing` answers through the same command tree.
	var infos struct {
		Info []struct {
			Address string `json:"address"`
		} `json:"info"`
	}
	n.QueryJSON(&infos, "slashing", "signing-infos")
	if len(infos.Info) != 1 {
		t.Fatalf("signing infos of the localnet validator: %+v", infos)
	}
}

// signedEvaluation mirrors taochain.intelligence.v1.SignedEvaluation in proto JSON.
type signedEvaluation struct {
	Evaluation evaluationJSON `json:"evaluation"`
	Signature  string         `json:"signature"`
}

type evaluationJSON struct {
	ChainID         string   `json:"chain_id"`
	Netuid          uint32   `json:"netuid"`
	Epoch           uint64   `json:"epoch,string"`
	ValidatorHotkey string   `json:"validator_hotkey"`
	Uids            []uint32 `json:"uids"`
	Scores          []uint32 `json:"scores"`
	TaskCommitment  string   `json:"task_commitment"`
	Nonce           uint64   `json:"nonce,string"`
}

func signEvaluation(t *testing.T, hot *secp256k1.PrivKey, chainID, netuid string, epoch uint64, uids, scores []uint32, nonce uint64) signedEvaluation {
	t.Helper()
	commitment := sha256.Sum256([]byte("e2e tasks " + strconv.FormatUint(nonce, 10)))
	ev := intelligencetypes.Evaluation{
		ChainId: chainID, Netuid: uint32(mustAtoi(t, netuid)), Epoch: epoch,
		ValidatorHotkey: sdk.AccAddress(hot.PubKey().Address()).String(),
		Uids:            uids, Scores: scores, TaskCommitment: commitment[:], Nonce: nonce,
	}
	sig, err := hot.Sign(ev.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	return signedEvaluation{
		Evaluation: evaluationJSON{
			ChainID: ev.ChainId, Netuid: ev.Netuid, Epoch: ev.Epoch, ValidatorHotkey: ev.ValidatorHotkey,
			Uids: ev.Uids, Scores: ev.Scores, TaskCommitment: base64.StdEncoding.EncodeToString(ev.TaskCommitment), Nonce: ev.Nonce,
		},
		Signature: base64.StdEncoding.EncodeToString(sig),
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	bz, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bz, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return v
}

func mustInt(t *testing.T, s string) sdkmath.Int {
	t.Helper()
	v, ok := sdkmath.NewIntFromString(s)
	if !ok {
		t.Fatalf("%q is not an integer", s)
	}
	return v
}

// setFastTempo makes the demo subnet run an epoch every 10 blocks unless it already does.
func setFastTempo(t *testing.T, n *e2e.Node, netuid string) {
	t.Helper()
	var hp struct {
		Hyperparams map[string]any `json:"hyperparams"`
	}
	n.QueryJSON(&hp, "subnet", "hyperparameters", netuid)
	if tempo, _ := hp.Hyperparams["tempo"].(string); tempo == "10" {
		return
	}
	hp.Hyperparams["tempo"] = "10"
	bz, err := json.Marshal(hp.Hyperparams)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, n.Tx("subnet-owner", "subnet", "update-hyperparams", netuid, string(bz)))
}

func neuronUID(t *testing.T, n *e2e.Node, netuid, hotkey string) int {
	t.Helper()
	var res struct {
		Neuron struct {
			UID             int  `json:"uid"`
			ValidatorPermit bool `json:"validator_permit"`
		} `json:"neuron"`
	}
	n.QueryJSON(&res, "subnet", "neuron-by-hotkey", netuid, hotkey)
	return res.Neuron.UID
}

// waitPermit waits (at most 90 s) until hotkey holds a validator permit on netuid.
func waitPermit(t *testing.T, n *e2e.Node, netuid, hotkey string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		var res struct {
			Neuron struct {
				ValidatorPermit bool `json:"validator_permit"`
			} `json:"neuron"`
		}
		n.QueryJSON(&res, "subnet", "neuron-by-hotkey", netuid, hotkey)
		if res.Neuron.ValidatorPermit {
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("hotkey %s got no validator permit on subnet %s within 90 s", hotkey, netuid)
}

func currentEpoch(t *testing.T, n *e2e.Node, netuid string) uint64 {
	t.Helper()
	var res struct {
		CurrentEpoch string `json:"current_epoch"`
	}
	n.QueryJSON(&res, "intelligence", "epoch-info", netuid)
	v, err := strconv.ParseUint(res.CurrentEpoch, 10, 64)
	if err != nil {
		t.Fatalf("current_epoch %q: %v", res.CurrentEpoch, err)
	}
	return v
}

// poolStakeAt returns the total stake of hotkey's pool on netuid in the state after block height.
func poolStakeAt(t *testing.T, n *e2e.Node, hotkey, netuid string, height int64) sdkmath.Int {
	t.Helper()
	var res struct {
		Pools []struct {
			Netuid     int    `json:"netuid"`
			TotalStake string `json:"total_stake"`
		} `json:"pools"`
	}
	n.QueryJSON(&res, "subnet", "stake-by-hotkey", hotkey, "--height", strconv.FormatInt(height, 10))
	for _, p := range res.Pools {
		if strconv.Itoa(p.Netuid) == netuid {
			return mustInt(t, p.TotalStake)
		}
	}
	t.Fatalf("hotkey %s has no pool on subnet %s at height %d: %+v", hotkey, netuid, height, res)
	return sdkmath.Int{}
}

func balanceAt(t *testing.T, n *e2e.Node, addr string, height int64) sdkmath.Int {
	t.Helper()
	var res struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	n.QueryJSON(&res, "bank", "balance", addr, "rao", "--height", strconv.FormatInt(height, 10))
	return mustInt(t, res.Balance.Amount)
}

// txFee returns the rao fee paid by a tx.
func txFee(t *testing.T, n *e2e.Node, hash string) sdkmath.Int {
	t.Helper()
	var res struct {
		Tx struct {
			AuthInfo struct {
				Fee struct {
					Amount []struct {
						Denom  string `json:"denom"`
						Amount string `json:"amount"`
					} `json:"amount"`
				} `json:"fee"`
			} `json:"auth_info"`
		} `json:"tx"`
	}
	n.QueryJSON(&res, "tx", hash)
	fee := sdkmath.ZeroInt()
	for _, c := range res.Tx.AuthInfo.Fee.Amount {
		if c.Denom == "rao" {
			fee = fee.Add(mustInt(t, c.Amount))
		}
	}
	return fee
}

// tryTx broadcasts `taod tx args...` from key with a fixed gas limit (no simulation, so a tx the
// chain refuses still reaches a block) and returns its DeliverTx code and log; a refusal before
// inclusion (CheckTx or the CLI) returns code 1 with the error text. Waits at most 30 s.
func tryTx(t *testing.T, n *e2e.Node, from string, args ...string) (uint32, string) {
	t.Helper()
	full := append(append([]string{"tx"}, args...),
		"--from", from, "--keyring-backend", "test", "--chain-id", n.ChainID, "--node", n.RPCAddr(),
		"--gas", "600000", "--gas-prices", "0.001rao", "--yes", "--output", "json")
	out, err := n.TryCLI(full...)
	if err != nil {
		return 1, err.Error()
	}
	var res e2e.TxResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("decoding tx response %q: %v", out, err)
	}
	if res.Code != 0 {
		return res.Code, res.RawLog
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := n.TryCLI("q", "tx", res.TxHash, "--node", n.RPCAddr(), "--output", "json"); err == nil {
			var included e2e.TxResult
			if err := json.Unmarshal(out, &included); err == nil {
				return included.Code, included.RawLog
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("tx %s not included within 30s", res.TxHash)
	return 0, ""
}
