package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"
)

// AddressPrefix is the bech32 human-readable part of taochain hotkey addresses.
const AddressPrefix = "tao"

// Header names used by signed axon traffic.
const (
	HeaderHotkey     = "X-Tao-Hotkey"
	HeaderTarget     = "X-Tao-Target"
	HeaderNonce      = "X-Tao-Nonce"
	HeaderTimestamp  = "X-Tao-Timestamp"
	HeaderBodySHA256 = "X-Tao-Body-Sha256"
	HeaderSignature  = "X-Tao-Signature"
)

const (
	requestDomain  = "taochain/axon/request/v1"
	responseDomain = "taochain/axon/response/v1"
	nonceBytes     = 16
)

// Errors returned by verification; callers map them to HTTP statuses with errors.Is.
var (
	ErrMissingHeader = errors.New("auth: missing header")
	ErrMalformed     = errors.New("auth: malformed header")
	ErrStale         = errors.New("auth: timestamp outside the allowed window")
	ErrBodyHash      = errors.New("auth: body does not match its signed hash")
	ErrWrongTarget   = errors.New("auth: request addressed to another hotkey")
	ErrBadSignature  = errors.New("auth: invalid signature")
	ErrUnauthorized  = errors.New("auth: hotkey not authorized")
	ErrReplay        = errors.New("auth: nonce already used")
	ErrWrongHotkey   = errors.New("auth: response signed by an unexpected hotkey")
)

// Address returns the bech32 ("tao") address of a secp256k1 public key.
func Address(pub *secp256k1.PubKey) string {
	addr, err := bech32.ConvertAndEncode(AddressPrefix, pub.Address())
	if err != nil {
		// Only possible for an invalid prefix, which is a constant.
		panic(err)
	}
	return addr
}

// BodyHash returns the lowercase hex SHA-256 of body.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// RequestBytes returns the canonical bytes a request signature covers.
func RequestBytes(method, requestURI, hotkeyHex, target, nonce, timestamp, bodyHash string) []byte {
	return []byte(strings.Join([]string{requestDomain, method, requestURI, hotkeyHex, target, nonce, timestamp, bodyHash}, "|"))
}

// ResponseBytes returns the canonical bytes a response signature covers.
func ResponseBytes(hotkeyHex, requestNonce, bodyHash string) []byte {
	return []byte(strings.Join([]string{responseDomain, hotkeyHex, requestNonce, bodyHash}, "|"))
}

// Signer signs axon requests and responses with one hotkey.
type Signer struct {
	key     *secp256k1.PrivKey
	pubHex  string
	address string
}

// NewSigner returns a Signer for key.
func NewSigner(key *secp256k1.PrivKey) (*Signer, error) {
	if key == nil || len(key.Key) != secp256k1.PrivKeySize {
		return nil, errors.New("auth: signer needs a 32-byte secp256k1 private key")
	}
	pub := key.PubKey().(*secp256k1.PubKey)
	return &Signer{key: key, pubHex: hex.EncodeToString(pub.Key), address: Address(pub)}, nil
}

// Address returns the signer's bech32 hotkey address.
func (s *Signer) Address() string { return s.address }

// PubKeyHex returns the signer's compressed public key in lowercase hex.
func (s *Signer) PubKeyHex() string { return s.pubHex }

// SignRequest sets the authentication headers on r for body (which must be exactly the bytes sent)
// addressed to the miner hotkey target, timestamped now. It returns the nonce, which the response
// signature must echo.
func (s *Signer) SignRequest(r *http.Request, body []byte, target string, now time.Time) (string, error) {
	var raw [nonceBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("auth: reading nonce: %w", err)
	}
	nonce := hex.EncodeToString(raw[:])
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	bodyHash := BodyHash(body)
	sig, err := s.key.Sign(RequestBytes(r.Method, r.URL.RequestURI(), s.pubHex, target, nonce, ts, bodyHash))
	if err != nil {
		return "", fmt.Errorf("auth: signing request: %w", err)
	}
	h := r.Header
	h.Set(HeaderHotkey, s.pubHex)
	h.Set(HeaderTarget, target)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderBodySHA256, bodyHash)
	h.Set(HeaderSignature, hex.EncodeToString(sig))
	return nonce, nil
}

// SignResponse sets the response authentication headers on h for body, answering the request that
// carried requestNonce.
func (s *Signer) SignResponse(h http.Header, requestNonce string, body []byte) error {
	bodyHash := BodyHash(body)
	sig, err := s.key.Sign(ResponseBytes(s.pubHex, requestNonce, bodyHash))
	if err != nil {
		return fmt.Errorf("auth: signing response: %w", err)
	}
	h.Set(HeaderHotkey, s.pubHex)
	h.Set(HeaderBodySHA256, bodyHash)
	h.Set(HeaderSignature, hex.EncodeToString(sig))
	return nil
}

// VerifyResponse checks that a miner response (headers h, body) answers the request with
// requestNonce and is signed by the hotkey whose address is expectedHotkey.
func VerifyResponse(h http.Header, body []byte, requestNonce, expectedHotkey string) error {
	pubHex, pub, err := parsePubKey(h.Get(HeaderHotkey))
	if err != nil {
		return err
	}
	if got := Address(pub); got != expectedHotkey {
		return fmt.Errorf("%w: signed by %s, expected %s", ErrWrongHotkey, got, expectedHotkey)
	}
	bodyHash := h.Get(HeaderBodySHA256)
	if bodyHash == "" {
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderBodySHA256)
	}
	if BodyHash(body) != bodyHash {
		return ErrBodyHash
	}
	sig, err := parseSignature(h.Get(HeaderSignature))
	if err != nil {
		return err
	}
	if !pub.VerifySignature(ResponseBytes(pubHex, requestNonce, bodyHash), sig) {
		return ErrBadSignature
	}
	return nil
}

func parsePubKey(v string) (string, *secp256k1.PubKey, error) {
	if v == "" {
		return "", nil, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderHotkey)
	}
	bz, err := hex.DecodeString(v)
	if err != nil || len(bz) != secp256k1.PubKeySize || (bz[0] != 2 && bz[0] != 3) || v != strings.ToLower(v) {
		return "", nil, fmt.Errorf("%w: %s must be a compressed secp256k1 public key in lowercase hex", ErrMalformed, HeaderHotkey)
	}
	return v, &secp256k1.PubKey{Key: bz}, nil
}

func parseSignature(v string) ([]byte, error) {
	if v == "" {
		return nil, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderSignature)
	}
	sig, err := hex.DecodeString(v)
	if err != nil || len(sig) != 64 {
		return nil, fmt.Errorf("%w: %s must be 64 bytes in hex", ErrMalformed, HeaderSignature)
	}
	return sig, nil
}
