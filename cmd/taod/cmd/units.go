package cmd

import (
	"fmt"
	"regexp"
	"strings"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/app"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// taoAmount matches a display-denom amount such as "100tao", "1.5tao" or "0.25TAO".
var taoAmount = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(?i:tao)$`)

// displayExponent is the decimals between the base and the display unit, read from the bank
// metadata the chain registers at genesis (app.TAOMetadata), so the CLI converts exactly as wallets do.
func displayExponent() int64 {
	md := app.TAOMetadata()
	for _, u := range md.DenomUnits {
		if u.Denom == md.Display {
			return int64(u.Exponent)
		}
	}
	return app.DisplayExponent
}

// taoToRao converts the number of a tao amount into rao. With fractional false the result must be
// a whole number of rao (amounts, fees, deposits); with fractional true it may be finer (gas prices).
func taoToRao(number string, fractional bool) (math.LegacyDec, error) {
	d, err := math.LegacyNewDecFromStr(number)
	if err != nil {
		return math.LegacyDec{}, err
	}
	rao := d.Mul(math.LegacyNewDecFromInt(math.NewIntWithDecimal(1, int(displayExponent()))))
	if !fractional && !rao.IsInteger() {
		return math.LegacyDec{}, fmt.Errorf("%stao is not a whole number of rao (1 tao = 10^%d rao)", number, displayExponent())
	}
	return rao, nil
}

// formatRaoDec prints a rao decimal without trailing zeros: 1500000000, 0.001.
func formatRaoDec(d math.LegacyDec) string {
	if d.IsInteger() {
		return d.TruncateInt().String()
	}
	return strings.TrimRight(strings.TrimRight(d.String(), "0"), ".")
}

// convertCoinList rewrites every tao coin of a comma-separated coin list into rao
// ("1.5tao,3stake" → "1500000000rao,3stake"); other coins pass through unchanged. changed reports
// whether anything was rewritten.
func convertCoinList(s string, fractional bool) (out string, changed bool, err error) {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		m := taoAmount.FindStringSubmatch(strings.TrimSpace(p))
		if m == nil {
			continue
		}
		rao, err := taoToRao(m[1], fractional)
		if err != nil {
			return "", false, err
		}
		parts[i] = formatRaoDec(rao) + app.BaseDenom
		changed = true
	}
	return strings.Join(parts, ","), changed, nil
}

// parseRaoInt parses an integer amount of rao given as "1500000000", "1500000000rao" or "1.5tao".
func parseRaoInt(s string) (math.Int, error) {
	if m := taoAmount.FindStringSubmatch(s); m != nil {
		rao, err := taoToRao(m[1], false)
		if err != nil {
			return math.Int{}, err
		}
		return rao.TruncateInt(), nil
	}
	n, ok := math.NewIntFromString(strings.TrimSuffix(s, app.BaseDenom))
	if !ok || n.IsNegative() {
		return math.Int{}, fmt.Errorf("amount %q: want rao (1500000000 or 1500000000rao) or tao (1.5tao)", s)
	}
	return n, nil
}

// parseTake parses a delegation take given as a percentage ("18%", "2.5%") or as the chain's u16
// fraction of 65535 ("11796"). A percentage p maps to floor(p × 65535 / 100), so 18% is 11796,
// x/subnet's max_take cap, and the take set never exceeds the percentage asked for.
func parseTake(s string) (uint32, error) {
	if pct, ok := strings.CutSuffix(strings.TrimSpace(s), "%"); ok {
		d, err := math.LegacyNewDecFromStr(pct)
		if err != nil || d.IsNegative() || d.GT(math.LegacyNewDec(100)) {
			return 0, fmt.Errorf("take %q: want a percentage in [0%%, 100%%]", s)
		}
		return uint32(d.MulInt64(subnettypes.U16Max).QuoInt64(100).TruncateInt64()), nil
	}
	n, ok := math.NewIntFromString(s)
	if !ok || n.IsNegative() || n.GT(math.NewInt(subnettypes.U16Max)) {
		return 0, fmt.Errorf("take %q: want a percentage (18%%) or a u16 fraction of 65535 (11796)", s)
	}
	return uint32(n.Int64()), nil
}
