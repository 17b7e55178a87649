package types

// A registered hotkey's own operations (serving its axon, writing weights) may have their fee paid
// by the coldkey that owns the hotkey, so a hotkey never needs TAO. The ante handler enforces these
// bounds (x/subnet Keeper.UseColdkeyPaidTx) so a leaked hotkey key cannot drain its coldkey and the
// sponsorship is no spam channel.
const (
	// ColdkeyPaidTxsPerWindow is how many transactions of one hotkey on one subnet its coldkey pays
	// per window of tempo+1 blocks (one epoch's length): enough for an axon, a commit, a reveal or
	// an evaluation and a few retries.
	ColdkeyPaidTxsPerWindow uint64 = 8

	// MaxColdkeyPaidFee is the largest fee, in rao, a coldkey pays for one transaction of its hotkey
	// (0.001 TAO, about a thousand times the fee of a weight row at 0.001rao per gas).
	MaxColdkeyPaidFee int64 = 1_000_000
)

// ColdkeyPaidWindow returns the index of the window of tempo+1 blocks that height (≥ 0) falls in
// and the last height of that window.
func ColdkeyPaidWindow(height int64, tempo uint64) (window, last int64) {
	length := int64(min(tempo, 1<<32)) + 1
	window = height / length
	return window, (window+1)*length - 1
}
