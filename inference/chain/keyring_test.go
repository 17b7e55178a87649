package chain

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
)

func writeClientToml(t *testing.T, home, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "client.toml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestResolveKeyringBackend: the flag wins, then the home's client.toml, then os — taod's order.
func TestResolveKeyringBackend(t *testing.T) {
	home := t.TempDir()
	if b, err := ResolveKeyringBackend(home, ""); err != nil || b != "os" {
		t.Fatalf("no client.toml: %q %v, want os", b, err)
	}
	writeClientToml(t, home, "chain-id = \"taochain-local\"\nkeyring-backend = \"test\"\nnode = \"tcp://127.0.0.1:26657\"\n")
	if b, err := ResolveKeyringBackend(home, ""); err != nil || b != "test" {
		t.Fatalf("client.toml says test: got %q %v", b, err)
	}
	if b, err := ResolveKeyringBackend(home, "file"); err != nil || b != "file" {
		t.Fatalf("flag file: got %q %v", b, err)
	}
	writeClientToml(t, home, "chain-id = \"x\"\n")
	if b, err := ResolveKeyringBackend(home, ""); err != nil || b != "os" {
		t.Fatalf("client.toml without keyring-backend: %q %v, want os", b, err)
	}
	writeClientToml(t, home, "keyring-backend = [\n")
	if _, err := ResolveKeyringBackend(home, ""); err == nil || !strings.Contains(err.Error(), "client.toml") {
		t.Fatalf("broken client.toml: %v", err)
	}
}

// TestRequireKeyNamesWhereItLooked: a missing key's error names the home, backend and key, lists
// the keys that are there and gives the taod command that creates it.
func TestRequireKeyNamesWhereItLooked(t *testing.T) {
	o := KeyringOptions{Dir: t.TempDir(), Backend: "test"}
	kr, err := o.Open()
	if err != nil {
		t.Fatal(err)
	}
	err = RequireKey(kr, o, "miner1-hot")
	if err == nil || !strings.Contains(err.Error(), "found no keys") {
		t.Fatalf("empty keyring: %v", err)
	}
	for _, name := range []string{"bob", "alice"} {
		if _, _, err := kr.NewMnemonic(name, keyring.English, "m/44'/118'/0'/0/0", "", hd.Secp256k1); err != nil {
			t.Fatal(err)
		}
	}
	if err := RequireKey(kr, o, "alice"); err != nil {
		t.Fatalf("present key: %v", err)
	}
	err = RequireKey(kr, o, "miner1-hot")
	if err == nil {
		t.Fatal("missing key accepted")
	}
	for _, want := range []string{`"miner1-hot"`, o.Dir, "test keyring", "keys: alice, bob",
		"taod keys add miner1-hot --home " + o.Dir + " --keyring-backend test"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestFileKeyringPassphrase: a file keyring opens with the passphrase given, with standard input
// never read, and refuses a wrong passphrase.
func TestFileKeyringPassphrase(t *testing.T) {
	dir := t.TempDir()
	withDevNullStdin(t)
	o := KeyringOptions{Dir: dir, Backend: "file", Passphrase: "correct horse battery"}
	kr, err := o.Open()
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := kr.NewMnemonic("hot", keyring.English, "m/44'/118'/0'/0/0", "", hd.Secp256k1)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rec.GetAddress()

	kr, err = o.Open()
	if err != nil {
		t.Fatalf("reopen with the passphrase: %v", err)
	}
	priv, err := HotkeyPrivKey(kr, "hot")
	if err != nil {
		t.Fatalf("export with the passphrase: %v", err)
	}
	if got := priv.PubKey().Address(); !bytes.Equal(got, want) {
		t.Fatalf("exported key %s, want %s", got, want)
	}

	o.Passphrase = "wrong passphrase"
	if _, err := o.Open(); err == nil {
		t.Fatal("wrong passphrase accepted")
	}
}

// withDevNullStdin points os.Stdin at /dev/null for the test, so that a keyring that asked the
// terminal would fail instead of hanging.
func withDevNullStdin(t *testing.T) {
	t.Helper()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = saved; f.Close() })
}
