package cmd

import (
	"path/filepath"
	"testing"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// TestInitWritesFiniteBlockMaxGas runs `taod init` and checks the genesis it writes bounds block
// gas (CometBFT's default max_gas is -1, unlimited).
func TestInitWritesFiniteBlockMaxGas(t *testing.T) {
	home := t.TempDir()
	root := NewRootCmd()
	root.SetArgs([]string{"init", "node0", "--home", home, "--chain-id", "taochain-init-test"})
	if err := svrcmd.Execute(root, "TAOD", home); err != nil {
		t.Fatalf("taod init: %v", err)
	}
	g, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Consensus.Params.Block.MaxGas; got != DefaultBlockMaxGas || got <= 0 {
		t.Fatalf("genesis block max_gas %d, want %d", got, DefaultBlockMaxGas)
	}
	if err := g.ValidateAndComplete(); err != nil {
		t.Fatalf("genesis written by init is invalid: %v", err)
	}
}
