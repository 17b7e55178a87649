package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestGovernanceBySubnetStake runs the real taod through one governance proposal: with a short
// voting period and a 5% quorum set in genesis, alice — who has no bonded stake, only the 5000 TAO
// she stakes in a subnet — submits a x/tao MsgUpdateParams proposal with
// `taod tx gov submit-proposal`, bob completes the deposit, alice votes yes and the validator stays
// away. The proposal passes on subnet stake alone (with bonded stake only, alice would have no
// voting power and quorum would fail), and `taod q tao params` shows the new emission.
func TestGovernanceBySubnetStake(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	editGovGenesis(t, n, map[string]any{
		"voting_period":           "12s",
		"expedited_voting_period": "6s",
		"quorum":                  "0.050000000000000000",
		"min_deposit":             []any{map[string]any{"denom": "rao", "amount": "10000000000"}}, // 10 TAO
		"expedited_min_deposit":   []any{map[string]any{"denom": "rao", "amount": "50000000000"}}, // 50 TAO
	})
	n.CLI("genesis", "validate-genesis")
	n.Start()
	n.WaitHeight(2, 90*time.Second)

	// A subnet with one neuron (hotkey gov-hot, registered by bob); alice stakes 5000 TAO on it.
	mustOK(t, n.Tx("subnet-owner", "subnet", "register-subnet", "gov", "1000000000000"))
	var subnets struct {
		Subnets []struct {
			Subnet struct {
				Netuid int `json:"netuid"`
			} `json:"subnet"`
		} `json:"subnets"`
	}
	n.QueryJSON(&subnets, "subnet", "subnets")
	if len(subnets.Subnets) != 1 {
		t.Fatalf("subnets: %+v", subnets)
	}
	netuid := strconv.Itoa(subnets.Subnets[0].Subnet.Netuid)
	n.CLI("keys", "add", "gov-hot", "--keyring-backend", "test", "--output", "json")
	mustOK(t, n.Tx("bob", "subnet", "register", netuid, "gov-hot", "100000000000"))
	mustOK(t, n.Tx("alice", "subnet", "add-stake", n.Address("gov-hot"), netuid, "5000000000000"))

	// Alice's subnet stake is 5000 TAO (plus any dividends paid into her pool by then).
	alice, validator := n.Address("alice"), n.Address("validator")
	aliceVP := votingPower(t, n, alice)
	aliceSubnet := rao(t, aliceVP.SubnetStake)
	if aliceVP.BondedStake != "0" || aliceSubnet < 5000*taoRao || aliceVP.Total != aliceVP.SubnetStake ||
		len(aliceVP.SubnetStakes) != 1 || aliceVP.SubnetStakes[0].Amount != aliceVP.SubnetStake {
		t.Fatalf("alice's voting power: %+v", aliceVP)
	}
	if vp := votingPower(t, n, validator); vp.BondedStake != "50000000000000" || vp.SubnetStake != "0" {
		t.Fatalf("validator's voting power: %+v", vp)
	}
	var total struct {
		BondedTokens string `json:"bonded_tokens"`
		SubnetStake  string `json:"subnet_stake"`
		Total        string `json:"total"`
	}
	n.QueryJSON(&total, "gov", "total-voting-power")
	if total.BondedTokens != "50000000000000" || rao(t, total.SubnetStake) < aliceSubnet ||
		rao(t, total.Total) != 50000*taoRao+rao(t, total.SubnetStake) {
		t.Fatalf("total voting power: %+v", total)
	}

	// The proposal: x/tao params with base_block_emission lowered from 0.5 to 0.4 TAO.
	var params struct {
		Params map[string]any `json:"params"`
	}
	n.QueryJSON(&params, "tao", "params")
	if params.Params["base_block_emission"] != "500000000" {
		t.Fatalf("x/tao params before the proposal: %v", params.Params)
	}
	params.Params["base_block_emission"] = "400000000"
	proposal := map[string]any{
		"messages": []any{map[string]any{
			"@type":     "/taochain.tao.v1.MsgUpdateParams",
			"authority": sdk.MustBech32ifyAddressBytes("tao", authtypes.NewModuleAddress("gov")),
			"params":    params.Params,
		}},
		"metadata": "ipfs://CID",
		"deposit":  "5000000000rao",
		"title":    "Lower the base block emission",
		"summary":  "Set x/tao base_block_emission to 0.4 TAO.",
	}
	file := filepath.Join(t.TempDir(), "proposal.json")
	bz, err := json.Marshal(proposal)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, bz, 0o600); err != nil {
		t.Fatal(err)
	}
	mustOK(t, n.Tx("alice", "gov", "submit-proposal", file))
	if got := proposalStatus(t, n, "1"); got != "PROPOSAL_STATUS_DEPOSIT_PERIOD" {
		t.Fatalf("proposal 1 after a half deposit: %s", got)
	}
	mustOK(t, n.Tx("bob", "gov", "deposit", "1", "5000000000rao"))
	if got := proposalStatus(t, n, "1"); got != "PROPOSAL_STATUS_VOTING_PERIOD" {
		t.Fatalf("proposal 1 after the full deposit: %s", got)
	}
	mustOK(t, n.Tx("alice", "gov", "vote", "1", "yes"))

	// Bounded wait for the 12 s voting period to end.
	status := ""
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		status = proposalStatus(t, n, "1")
		if status != "PROPOSAL_STATUS_VOTING_PERIOD" {
			break
		}
	}
	if status != "PROPOSAL_STATUS_PASSED" {
		out, _ := n.TryCLI("q", "gov", "proposal", "1", "--node", n.RPCAddr(), "--output", "json")
		t.Fatalf("proposal 1 ended as %s:\n%s", status, out)
	}
	var final struct {
		Proposal struct {
			FinalTallyResult struct {
				YesCount string `json:"yes_count"`
			} `json:"final_tally_result"`
		} `json:"proposal"`
	}
	n.QueryJSON(&final, "gov", "proposal", "1")
	if rao(t, final.Proposal.FinalTallyResult.YesCount) < aliceSubnet {
		t.Fatalf("final tally: %+v", final.Proposal.FinalTallyResult)
	}
	n.QueryJSON(&params, "tao", "params")
	if params.Params["base_block_emission"] != "400000000" {
		t.Fatalf("x/tao params after the proposal passed: %v", params.Params)
	}
}

const taoRao = int64(1_000_000_000)

func rao(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return v
}

type votingPowerResult struct {
	Address      string `json:"address"`
	BondedStake  string `json:"bonded_stake"`
	SubnetStakes []struct {
		Netuid int    `json:"netuid"`
		Amount string `json:"amount"`
	} `json:"subnet_stakes"`
	SubnetStake string `json:"subnet_stake"`
	Total       string `json:"total"`
}

func votingPower(t *testing.T, n *e2e.Node, addr string) votingPowerResult {
	t.Helper()
	var vp votingPowerResult
	n.QueryJSON(&vp, "gov", "voting-power", addr)
	if vp.Address != addr {
		t.Fatalf("voting-power of %s answered for %q", addr, vp.Address)
	}
	return vp
}

func proposalStatus(t *testing.T, n *e2e.Node, id string) string {
	t.Helper()
	var res struct {
		Proposal struct {
			Status string `json:"status"`
		} `json:"proposal"`
	}
	n.QueryJSON(&res, "gov", "proposal", id)
	return res.Proposal.Status
}

// editGovGenesis sets x/gov params in the prepared (not yet started) node's genesis.
func editGovGenesis(t *testing.T, n *e2e.Node, set map[string]any) {
	t.Helper()
	path := filepath.Join(n.Home, "config", "genesis.json")
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.UseNumber() // keep every number exactly as written
	var genesis map[string]any
	if err := dec.Decode(&genesis); err != nil {
		t.Fatal(err)
	}
	appState, _ := genesis["app_state"].(map[string]any)
	gov, _ := appState["gov"].(map[string]any)
	params, _ := gov["params"].(map[string]any)
	if params == nil {
		t.Fatalf("genesis has no app_state.gov.params")
	}
	for k, v := range set {
		if _, ok := params[k]; !ok {
			t.Fatalf("genesis gov params have no %q", k)
		}
		params[k] = v
	}
	out, err := json.MarshalIndent(genesis, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}
