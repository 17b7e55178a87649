package types

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// RegistrationProofBytes are the bytes a hotkey signs to prove possession when registering on netuid
// for coldkey (bech32): "chain_id|netuid|coldkey". Workers and the CLI sign exactly these bytes.
func RegistrationProofBytes(chainID string, netuid uint16, coldkey string) []byte {
	return []byte(fmt.Sprintf("%s|%d|%s", chainID, netuid, coldkey))
}

// HotkeyPubKey parses a compressed secp256k1 public key (33 bytes) into an SDK public key.
func HotkeyPubKey(bz []byte) (*secp256k1.PubKey, error) {
	if len(bz) != secp256k1.PubKeySize {
		return nil, ErrInvalidPubKey.Wrapf("got %d bytes, want a %d-byte compressed secp256k1 key", len(bz), secp256k1.PubKeySize)
	}
	if bz[0] != 0x02 && bz[0] != 0x03 {
		return nil, ErrInvalidPubKey.Wrapf("prefix byte 0x%02x, want 0x02 or 0x03 (compressed)", bz[0])
	}
	return &secp256k1.PubKey{Key: append([]byte(nil), bz...)}, nil
}

// HotkeyAddress is the account address of a hotkey public key.
func HotkeyAddress(pk *secp256k1.PubKey) sdk.AccAddress {
	return sdk.AccAddress(pk.Address())
}
