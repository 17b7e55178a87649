package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"cosmossdk.io/math"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/taochain/taochain/app"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

func messageDesc(t *testing.T, name protoreflect.FullName) protoreflect.MessageDescriptor {
	t.Helper()
	d, err := gogoproto.HybridResolver.FindDescriptorByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return d.(protoreflect.MessageDescriptor)
}

func TestNormalizeDecimalJSON(t *testing.T) {
	md := messageDesc(t, "taochain.tao.v1.Params")
	for in, want := range map[string]string{
		"0.200000000000000000": "200000000000000000",
		"0.2":                  "200000000000000000",
		"1":                    "1000000000000000000",
		"0":                    "0",
	} {
		out, err := NormalizeDecimalJSON(md, []byte(`{"mint_denom":"rao","max_supply":"21000000000000000","security_share":"`+in+`"}`))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if got["security_share"] != want || got["mint_denom"] != "rao" || got["max_supply"] != "21000000000000000" {
			t.Errorf("security_share %q → %s, want %q and the other fields unchanged", in, out, want)
		}
	}
	// The camelCase JSON names protojson also accepts are found too.
	out, err := NormalizeDecimalJSON(md, []byte(`{"securityShare":0.5}`))
	if err != nil || !strings.Contains(string(out), `"securityShare":"500000000000000000"`) {
		t.Errorf("securityShare 0.5 → %s, %v", out, err)
	}
	if _, err := NormalizeDecimalJSON(md, []byte(`{"security_share":"one tenth"}`)); err == nil ||
		!strings.Contains(err.Error(), "Params.security_share") {
		t.Errorf("a non-decimal gave %v, want an error naming the field", err)
	}
	if _, err := NormalizeDecimalJSON(md, []byte(`{"security_share":`)); err == nil {
		t.Error("truncated JSON accepted")
	}
	// Decimals inside nested messages are rewritten as well (gov-like nesting: the SDK's distribution
	// params are flat, so use a message holding Params).
	nested := messageDesc(t, "taochain.tao.v1.MsgUpdateParams")
	out, err = NormalizeDecimalJSON(nested, []byte(`{"authority":"x","params":{"security_share":"0.25"}}`))
	if err != nil || !strings.Contains(string(out), `"security_share":"250000000000000000"`) || !strings.Contains(string(out), `"authority":"x"`) {
		t.Errorf("nested → %s, %v", out, err)
	}
}

// proposalParams runs a proposal command in-process with --generate-only and returns the params
// of the MsgUpdateParams in the generated tx, as the chain's codec prints them.
func proposalParams(t *testing.T, args ...string) map[string]any {
	t.Helper()
	home := t.TempDir()
	root := NewRootCmd()
	var stdout bytes.Buffer
	root.SetOut(&stdout)
	root.SetArgs(append(args, "--from", "tao10d07y265gmmuvt4z0w9aw880jnsr700jsdntqk", "--generate-only",
		"--chain-id", "taochain-test-1", "--home", home, "--keyring-backend", "test", "--deposit", "10000000rao"))
	if err := svrcmd.Execute(root, "TAOD", home); err != nil {
		t.Fatalf("taod %s: %v", strings.Join(args, " "), err)
	}
	var tx struct {
		Body struct {
			Messages []struct {
				Messages []struct {
					Params map[string]any `json:"params"`
				} `json:"messages"`
			} `json:"messages"`
		} `json:"body"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &tx); err != nil {
		t.Fatalf("generated tx %q: %v", stdout.String(), err)
	}
	if len(tx.Body.Messages) != 1 || len(tx.Body.Messages[0].Messages) != 1 {
		t.Fatalf("generated tx holds no single proposal message: %s", stdout.String())
	}
	return tx.Body.Messages[0].Messages[0].Params
}

// TestProposalCommandsTakeQueriedParams feeds params as the chain prints them (decimals) to the
// x/tao and intelligence slashing proposal commands, as an argument and as a .json file, and checks
// the proposal carries the same values; the scaled wire form is no longer read as a decimal.
func TestProposalCommandsTakeQueriedParams(t *testing.T) {
	cdc := app.MakeEncodingConfig().Codec
	tao := taotypes.DefaultParams()
	tao.SecurityShare = math.LegacyMustNewDecFromStr("0.2")
	taoJSON, err := cdc.MarshalJSON(&tao)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(taoJSON), `"0.200000000000000000"`) {
		t.Fatalf("the codec prints %s; the test expects decimals", taoJSON)
	}
	got := proposalParams(t, "tx", "tao", "update-params-proposal", string(taoJSON))
	if got["security_share"] != "0.200000000000000000" || got["base_block_emission"] != tao.BaseBlockEmission.String() {
		t.Errorf("x/tao proposal params %v, want security_share 0.2 and the queried emission", got)
	}

	poi := slashingtypes.DefaultParams()
	poi.EquivocationSlash = math.LegacyMustNewDecFromStr("0.07")
	poiJSON, err := cdc.MarshalJSON(&poi)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "poi.json")
	if err := os.WriteFile(file, poiJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	got = proposalParams(t, "tx", "slashing", "update-poi-params-proposal", file)
	if got["equivocation_slash"] != "0.070000000000000000" || got["reporter_reward"] != poi.ReporterReward.String() {
		t.Errorf("PoI slashing proposal params from a file %v, want equivocation_slash 0.07", got)
	}

	// The scaled integer form is a decimal like any other number now: 2e17 means 2e17 (and fails
	// validation when the proposal is submitted) instead of silently meaning 0.2.
	got = proposalParams(t, "tx", "tao", "update-params-proposal",
		`{"mint_denom":"rao","base_block_emission":"1","max_supply":"21000000000000000","security_share":"200000000000000000"}`)
	if got["security_share"] != "200000000000000000.000000000000000000" {
		t.Errorf("security_share 200000000000000000 became %v, want it read as a decimal", got["security_share"])
	}
}
