package chain

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/viper"
	"golang.org/x/crypto/bcrypt"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// DefaultKeyringBackend is the backend taod uses when neither a flag nor the home's
// config/client.toml names one (the SDK's client config default).
const DefaultKeyringBackend = keyring.BackendOS

// ClientConfigBackend returns the keyring-backend set in <home>/config/client.toml, as taod reads
// it when --keyring-backend is not given; found is false when the file or the key is missing.
func ClientConfigBackend(home string) (backend string, found bool, err error) {
	path := filepath.Join(home, "config", "client.toml")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("toml")
	if err := v.ReadInConfig(); err != nil {
		return "", false, fmt.Errorf("chain: reading %s: %w", path, err)
	}
	backend = v.GetString("keyring-backend")
	return backend, backend != "", nil
}

// ResolveKeyringBackend returns backend when it is set, else the keyring-backend of
// <home>/config/client.toml, else DefaultKeyringBackend: the order taod applies.
func ResolveKeyringBackend(home, backend string) (string, error) {
	if backend != "" {
		return backend, nil
	}
	b, found, err := ClientConfigBackend(home)
	if err != nil || !found {
		return DefaultKeyringBackend, err
	}
	return b, nil
}

// KeyringOptions says where a taod keyring is and how to unlock it.
type KeyringOptions struct {
	// Dir is the taod home holding keyring-<backend>.
	Dir string
	// Backend is test, file or os.
	Backend string
	// Passphrase unlocks the file backend; empty means ask on the terminal (or read a line from
	// standard input), as taod does.
	Passphrase string
}

// Open opens the keyring. With a passphrase, the file backend is unlocked at once, with the
// passphrase and never from the terminal, so that a worker under systemd needs no input.
func (o KeyringOptions) Open() (keyring.Keyring, error) {
	var input io.Reader = os.Stdin
	if o.Passphrase != "" {
		input = repeatLine(o.Passphrase)
	}
	kr, err := OpenKeyring(o.Dir, o.Backend, input)
	if err != nil {
		return nil, fmt.Errorf("%w (keyring in %s, backend %s)", err, o.Dir, o.Backend)
	}
	if o.Passphrase != "" && o.Backend == keyring.BackendFile {
		// The SDK would print "incorrect passphrase" and skip the keys; say it once, clearly.
		if hash, err := os.ReadFile(filepath.Join(o.Dir, "keyring-file", "keyhash")); err == nil {
			if bcrypt.CompareHashAndPassword(hash, []byte(o.Passphrase)) != nil {
				return nil, fmt.Errorf("chain: the passphrase given does not unlock the file keyring in %s", o.Dir)
			}
		}
		if err := unlockWithoutTerminal(kr); err != nil {
			return nil, fmt.Errorf("chain: unlocking the file keyring in %s with the given passphrase: %w", o.Dir, err)
		}
	}
	return kr, nil
}

// stdinMu serialises the swaps of os.Stdin in unlockWithoutTerminal.
var stdinMu sync.Mutex

// unlockWithoutTerminal reads the keyring's keys once with os.Stdin pointing at /dev/null: the
// SDK asks for the file backend's passphrase on the terminal whenever standard input is one, and
// reads its input reader (our passphrase) only when it is not. The backend keeps the passphrase
// after the first unlock, so later reads never ask again.
func unlockWithoutTerminal(kr keyring.Keyring) error {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer devnull.Close()
	stdinMu.Lock()
	saved := os.Stdin
	os.Stdin = devnull
	defer func() { os.Stdin = saved; stdinMu.Unlock() }()
	_, err = kr.List()
	return err
}

// repeatLine is a reader that returns line+"\n" forever: the SDK reads the passphrase once per
// attempt, and a wrong one ends after its bounded number of attempts.
func repeatLine(line string) io.Reader {
	return &repeater{line: []byte(line + "\n")}
}

type repeater struct {
	line []byte
	pos  int
}

// Read returns at most the rest of the current line, so that a bufio.Reader wrapped around it
// (the SDK makes a new one per attempt) never holds more than one line.
func (r *repeater) Read(p []byte) (int, error) {
	n := copy(p, r.line[r.pos:])
	r.pos = (r.pos + n) % len(r.line)
	return n, nil
}

// RequireKey checks that the keyring holds a key called name. When it does not, the error says
// where it looked (home, backend), which keys it found there, and how to create the key.
func RequireKey(kr keyring.Keyring, o KeyringOptions, name string) error {
	_, err := kr.Key(name)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sdkerrors.ErrKeyNotFound) {
		return fmt.Errorf("chain: reading key %q from the %s keyring in %s: %w", name, o.Backend, o.Dir, err)
	}
	found := "no keys"
	if recs, lerr := kr.List(); lerr != nil {
		found = fmt.Sprintf("keys could not be listed: %v", lerr)
	} else if len(recs) > 0 {
		names := make([]string, len(recs))
		for i, r := range recs {
			names[i] = r.Name
		}
		sort.Strings(names)
		found = "keys: " + strings.Join(names, ", ")
	}
	return fmt.Errorf("chain: key %q not found in the %s keyring of %s (found %s); create or import it with "+
		"`taod keys add %s --home %s --keyring-backend %s` (add --recover for a mnemonic), or point the worker "+
		"at the right keyring with --keyring-dir and --keyring-backend", name, o.Backend, o.Dir, found,
		name, o.Dir, o.Backend)
}
