package cmd

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestHotkeyProofSignsForTheColdkey runs `taod tx subnet hotkey-proof` against a test keyring and
// checks that what it prints is the hotkey's public key and a proof the chain accepts: a signature
// over RegistrationProofBytes for that chain, netuid and coldkey, and for nothing else.
func TestHotkeyProofSignsForTheColdkey(t *testing.T) {
	home := t.TempDir()
	kr, err := keyring.New("taod", keyring.BackendTest, home, nil, app.MakeEncodingConfig().Codec)
	if err != nil {
		t.Fatal(err)
	}
	hot, _, err := kr.NewMnemonic("miner-hot", keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	if err != nil {
		t.Fatal(err)
	}
	cold, _, err := kr.NewMnemonic("owner", keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	if err != nil {
		t.Fatal(err)
	}
	coldAddr, err := cold.GetAddress()
	if err != nil {
		t.Fatal(err)
	}
	hotPub, err := hot.GetPubKey()
	if err != nil {
		t.Fatal(err)
	}

	// The coldkey may be given as an address or as a key name; both sign for the same address.
	for _, coldArg := range []string{coldAddr.String(), "owner"} {
		root := NewRootCmd()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs([]string{"tx", "subnet", "hotkey-proof", "3", "miner-hot", coldArg,
			"--chain-id", "taochain-proof-1", "--home", home, "--keyring-backend", "test"})
		if err := svrcmd.Execute(root, "TAOD", home); err != nil {
			t.Fatalf("hotkey-proof (coldkey %s): %v", coldArg, err)
		}
		var got struct {
			HotkeyPubkey string `json:"hotkey_pubkey"`
			Proof        string `json:"proof"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("output %q: %v", out.String(), err)
		}
		pubBz, err1 := hex.DecodeString(got.HotkeyPubkey)
		proof, err2 := hex.DecodeString(got.Proof)
		if err1 != nil || err2 != nil || !bytes.Equal(pubBz, hotPub.Bytes()) {
			t.Fatalf("printed pubkey %s (want %x), proof %s", got.HotkeyPubkey, hotPub.Bytes(), got.Proof)
		}
		pub := &secp256k1.PubKey{Key: pubBz}
		if !pub.VerifySignature(subnettypes.RegistrationProofBytes("taochain-proof-1", 3, coldAddr.String()), proof) {
			t.Fatal("the proof does not verify for the chain, netuid and coldkey it was made for")
		}
		if pub.VerifySignature(subnettypes.RegistrationProofBytes("taochain-proof-1", 4, coldAddr.String()), proof) ||
			pub.VerifySignature(subnettypes.RegistrationProofBytes("other-chain-1", 3, coldAddr.String()), proof) {
			t.Fatal("the proof verifies for another netuid or chain")
		}
	}

	root := NewRootCmd()
	root.SetOut(&bytes.Buffer{})
	root.SetArgs([]string{"tx", "subnet", "hotkey-proof", "3", "miner-hot", "nobody",
		"--chain-id", "taochain-proof-1", "--home", home, "--keyring-backend", "test"})
	if err := svrcmd.Execute(root, "TAOD", home); err == nil {
		t.Fatal("a coldkey that is neither an address nor a key was accepted")
	}
}
