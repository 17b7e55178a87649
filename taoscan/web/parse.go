package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/types/bech32"
)

// addressPrefix is taochain's bech32 account prefix (app.Bech32Prefix). It is repeated here
// rather than imported so the explorer does not link the whole app to check an address.
const addressPrefix = "tao"

// maxHeight keeps parsed heights in int64 and far from overflow in "updated" arithmetic.
const maxHeight = 1 << 62

// parseDigits accepts only ASCII digits (no sign, no spaces, no leading +), so "1e3", " 1" and
// "0x1" are rejected instead of being read as something else.
func parseDigits(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > max {
		return 0, false
	}
	return v, true
}

func parseNetuid(s string) (uint16, error) {
	v, ok := parseDigits(s, 65535)
	if !ok {
		return 0, badRequest("Bad netuid %q: a netuid is a whole number from 0 to 65535.", s)
	}
	return uint16(v), nil
}

func parseUID(s string) (uint32, error) {
	v, ok := parseDigits(s, 1<<32-1)
	if !ok {
		return 0, badRequest("Bad uid %q: a uid is a whole number from 0 to 4294967295.", s)
	}
	return uint32(v), nil
}

func parseHeight(s, what string) (int64, error) {
	v, ok := parseDigits(s, maxHeight)
	if !ok || v == 0 {
		return 0, badRequest("Bad %s %q: a block height is a whole number of at least 1.", what, s)
	}
	return int64(v), nil
}

// parseHash accepts a 64-hex tx hash in any case and returns it upper-case, as CometBFT prints it.
func parseHash(s string) (string, error) {
	if len(s) != 64 {
		return "", badRequest("Bad tx hash %q: a tx hash is 64 hexadecimal characters (the sha256 of the tx bytes), got %d characters.", s, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", badRequest("Bad tx hash %q: a tx hash has only the characters 0-9 and a-f.", s)
		}
	}
	return strings.ToUpper(s), nil
}

// parseAddress checks a bech32 account address the way the chain does (prefix "tao", valid
// checksum, 20 or 32 bytes) and returns it in canonical lower case.
func parseAddress(s string) (string, error) {
	hrp, data, err := bech32.DecodeAndConvert(s)
	if err != nil {
		return "", badRequest("Bad address %q: an address is bech32 starting with %q (%v).", s, addressPrefix+"1", err)
	}
	if hrp != addressPrefix {
		return "", badRequest("Bad address %q: taochain addresses start with %q, this one has prefix %q.", s, addressPrefix+"1", hrp)
	}
	if len(data) != 20 && len(data) != 32 {
		return "", badRequest("Bad address %q: an address holds 20 or 32 bytes, this one %d.", s, len(data))
	}
	return strings.ToLower(s), nil
}

// queryParam returns a query parameter and refuses it when given more than once, so "?sort=a&sort=b"
// is an error rather than a silent pick.
func queryParam(r *http.Request, name string) (string, bool, error) {
	vs, ok := r.URL.Query()[name]
	if !ok {
		return "", false, nil
	}
	if len(vs) != 1 {
		return "", false, badRequest("Parameter %q is given %d times; give it at most once.", name, len(vs))
	}
	return vs[0], true, nil
}
