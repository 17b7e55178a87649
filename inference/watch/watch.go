package watch

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"cosmossdk.io/math"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// raoPerTAO is 10^9: TAO has 9 decimals.
const raoPerTAO = 1_000_000_000

// State is one poll of the chain.
type State struct {
	// Metagraph is the subnet's metagraph (per-uid fields; emission is the last epoch's).
	Metagraph *subnettypes.QueryMetagraphResponse
	// Epoch is the subnet's epoch schedule at the poll.
	Epoch *inteltypes.QueryEpochInfoResponse
	// Last is the last epoch run, nil before the first.
	Last *inteltypes.EpochRecord
}

// Tracker accumulates per-hotkey earnings across the epochs it has seen run.
type Tracker struct {
	lastEpoch  uint64
	seenEpoch  bool
	epochsSeen int
	earned     map[string]math.Int
}

// NewTracker returns a tracker that has seen nothing.
func NewTracker() *Tracker { return &Tracker{earned: map[string]math.Int{}} }

// Observe records s. When s carries an epoch run the tracker has not seen yet, every neuron's
// emission from that run is added to its earnings; the first run seen counts too, so a watcher
// started mid-stream shows the latest epoch's pay at once. It returns whether a new epoch was
// counted.
func (t *Tracker) Observe(s State) bool {
	if s.Last == nil || s.Metagraph == nil || s.Last.Height == 0 {
		return false
	}
	if t.seenEpoch && s.Last.Epoch == t.lastEpoch {
		return false
	}
	t.seenEpoch, t.lastEpoch = true, s.Last.Epoch
	t.epochsSeen++
	for _, n := range s.Metagraph.Neurons {
		if n.Emission.IsNil() || !n.Emission.IsPositive() {
			continue
		}
		prev, ok := t.earned[n.Hotkey]
		if !ok {
			prev = math.ZeroInt()
		}
		t.earned[n.Hotkey] = prev.Add(n.Emission)
	}
	return true
}

// Earned returns the rao a hotkey has earned in the epochs observed.
func (t *Tracker) Earned(hotkey string) math.Int {
	if v, ok := t.earned[hotkey]; ok {
		return v
	}
	return math.ZeroInt()
}

// EpochsSeen is the number of distinct epoch runs observed.
func (t *Tracker) EpochsSeen() int { return t.epochsSeen }

// Render writes the summary of s as a table. names maps hotkey addresses to readable names (e.g.
// keyring key names); unknown hotkeys are shortened.
func (t *Tracker) Render(w io.Writer, s State, names map[string]string) error {
	if s.Metagraph == nil || s.Epoch == nil {
		return fmt.Errorf("watch: metagraph and epoch info are required")
	}
	header := fmt.Sprintf("height %d · subnet %d · epoch %d (tempo %d, next at %d)",
		s.Epoch.Height, s.Metagraph.Netuid, s.Epoch.CurrentEpoch, s.Epoch.Tempo, s.Epoch.NextEpochHeight)
	if s.Last != nil && s.Last.Height > 0 {
		header += fmt.Sprintf(" · last epoch %d at %d paid %s TAO", s.Last.Epoch, s.Last.Height, FormatTAO(s.Last.Emission))
	}
	if _, err := fmt.Fprintln(w, header); err != nil {
		return err
	}
	neurons := append([]subnettypes.MetagraphEntry(nil), s.Metagraph.Neurons...)
	sort.Slice(neurons, func(i, j int) bool { return neurons[i].Uid < neurons[j].Uid })
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "uid\tneuron\trole\tstake TAO\tincentive\tdividends\ttrust\tlast epoch TAO\tearned TAO\t")
	for _, n := range neurons {
		role := "miner"
		if n.ValidatorPermit {
			role = "validator"
		}
		if n.Axon.Port == 0 && !n.ValidatorPermit {
			role = "idle"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			n.Uid, name(n.Hotkey, names), role, FormatTAO(n.Stake), Fraction(n.Incentive), Fraction(n.Dividends),
			Fraction(n.ValidatorTrust), FormatTAO(n.Emission), FormatTAO(t.Earned(n.Hotkey)))
	}
	return tw.Flush()
}

// Fraction renders a u16-normalised chain value (65535 = 1) as a decimal with 4 places, exactly.
func Fraction(v uint32) string {
	scaled := (uint64(v)*10000 + 65535/2) / 65535
	return fmt.Sprintf("%d.%04d", scaled/10000, scaled%10000)
}

// FormatTAO renders rao as TAO with 4 decimals (truncated).
func FormatTAO(rao math.Int) string {
	if rao.IsNil() {
		return "0.0000"
	}
	whole := rao.QuoRaw(raoPerTAO)
	frac := rao.ModRaw(raoPerTAO).QuoRaw(raoPerTAO / 10000)
	return fmt.Sprintf("%s.%04d", whole, frac.Int64())
}

func name(hotkey string, names map[string]string) string {
	if n, ok := names[hotkey]; ok {
		return n
	}
	if len(hotkey) > 14 {
		return hotkey[:8] + "…" + hotkey[len(hotkey)-5:]
	}
	return strings.TrimSpace(hotkey)
}
