package store

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"
)

// Shape of the simulated chain the benchmarks index: 1 s blocks, 8 subnets of 256 neurons with
// tempo 360 (about 28 epochs of each subnet in 10k blocks), 2 txs of 2 addresses a block.
const (
	simSubnets = 8
	simNeurons = 256
	simTempo   = 360
)

// chainSim produces realistic BlockData one height after the other.
type chainSim struct {
	rng      *rand.Rand
	height   int64
	issuance int64
	hotkeys  [][]string
	coldkeys [][]string
	epochs   []uint64
	neurons  int // per subnet
	subnets  int
}

func newChainSim(subnets, neurons int) *chainSim {
	c := &chainSim{rng: rand.New(rand.NewSource(1)), issuance: 1_000_000_000_000, neurons: neurons, subnets: subnets,
		epochs: make([]uint64, subnets)}
	for s := 0; s < subnets; s++ {
		var hks, cks []string
		for u := 0; u < neurons; u++ {
			hks = append(hks, c.address())
			cks = append(cks, c.address())
		}
		c.hotkeys, c.coldkeys = append(c.hotkeys, hks), append(c.coldkeys, cks)
	}
	return c
}

// address is a bech32-shaped address: "tao1" and 38 characters, as long as a real one.
func (c *chainSim) address() string {
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	b := []byte("tao1")
	for i := 0; i < 38; i++ {
		b = append(b, charset[c.rng.Intn(len(charset))])
	}
	return string(b)
}

func (c *chainSim) hex(n int) string {
	const digits = "0123456789ABCDEF"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[c.rng.Intn(16)]
	}
	return string(b)
}

// isEpoch says whether subnet s (netuid s+1) runs its epoch at height h; subnets are staggered
// the way the chain staggers them, so epoch blocks are spread out.
func isEpoch(h int64, s int) bool {
	return (h+int64(s)+1)%(simTempo+1) == 0
}

// next returns the next block; allEpochs makes every subnet run its epoch in it.
func (c *chainSim) next(allEpochs bool) BlockData {
	c.height++
	h := c.height
	const minted = 1_000_000_000
	c.issuance += minted
	d := BlockData{Block: Block{
		Height: h, Hash: c.hex(64), Time: time.Unix(1_800_000_000+h, 0).UTC(), Proposer: c.address(),
		NumTxs: 2, Minted: fmt.Sprint(minted), Issuance: fmt.Sprint(c.issuance),
	}}
	for i := 0; i < 2; i++ {
		signer := c.coldkeys[c.rng.Intn(c.subnets)][c.rng.Intn(c.neurons)]
		hotkey := c.hotkeys[c.rng.Intn(c.subnets)][c.rng.Intn(c.neurons)]
		d.Txs = append(d.Txs, Tx{
			Hash: c.hex(64), Height: h, Index: i, Signer: signer,
			Messages: []string{"/taochain.subnet.v1.MsgAddStake"}, Fee: "2500rao", GasWanted: 200_000,
			GasUsed: 80_000 + c.rng.Int63n(40_000), Addresses: []string{signer, hotkey},
		})
	}
	for s := 0; s < c.subnets; s++ {
		if !allEpochs && !isEpoch(h, s) {
			continue
		}
		netuid := uint16(s + 1)
		c.epochs[s]++
		emission := int64(simTempo) * minted / simSubnets
		d.Epochs = append(d.Epochs, Epoch{Netuid: netuid, Epoch: c.epochs[s], Height: h, Emission: fmt.Sprint(emission),
			OwnerEmission: fmt.Sprint(emission * 18 / 100), MinerEmission: fmt.Sprint(emission * 41 / 100),
			ValidatorEmission: fmt.Sprint(emission * 41 / 100), TakeEmission: "0", Neurons: uint32(c.neurons)})
		metagraph := make([]Neuron, c.neurons)
		for u := range metagraph {
			n := Neuron{
				Netuid: netuid, UID: uint32(u), Hotkey: c.hotkeys[s][u], Coldkey: c.coldkeys[s][u],
				Stake: fmt.Sprint(c.rng.Int63n(10_000_000_000_000)), Rank: uint32(c.rng.Intn(65536)),
				Trust: uint32(c.rng.Intn(65536)), Consensus: uint32(c.rng.Intn(65536)), Incentive: uint32(c.rng.Intn(65536)),
				Dividends: uint32(c.rng.Intn(65536)), ValidatorTrust: uint32(c.rng.Intn(65536)),
				Emission: fmt.Sprint(c.rng.Int63n(emission / int64(c.neurons) * 2)), Active: true,
				ValidatorPermit: u < 64, LastUpdate: h - c.rng.Int63n(simTempo), RegisteredAt: 1,
				Axon: fmt.Sprintf("10.0.%d.%d:8091", s, u%250),
			}
			metagraph[u] = n
			d.History = append(d.History, NeuronEpoch{Neuron: n, Epoch: c.epochs[s], Height: h})
		}
		if d.Metagraphs == nil {
			d.Metagraphs = map[uint16][]Neuron{}
		}
		d.Metagraphs[netuid] = metagraph
		d.Subnets = append(d.Subnets, Subnet{
			Netuid: netuid, Name: fmt.Sprintf("subnet %d", netuid), Owner: c.coldkeys[s][0], CreatedAt: 1,
			Locked: "100000000000", Hyperparams: `{"tempo":"360","max_allowed_uids":"256","immunity_period":"4096"}`,
			Tempo: simTempo, Neurons: uint32(c.neurons), RegistrationPrice: "1000000000",
			LastEpochEmission: fmt.Sprint(emission), UpdatedAt: h,
		})
	}
	return d
}

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "taoscan.db"))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkDBSizePer10kBlocks indexes 10,000 simulated blocks into a SQLite file per iteration
// and reports the database size and the write time per block (mean, and the slowest epoch
// block): what an operator needs to size a disk and know the indexer keeps up with 1 s blocks.
func BenchmarkDBSizePer10kBlocks(b *testing.B) {
	const blocks = 10_000
	ctx := context.Background()
	var sizeMB, totalMs, epochMaxMs float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openBench(b)
		sim := newChainSim(simSubnets, simNeurons)
		data := make([]BlockData, 0, 1000)
		b.StartTimer()
		for written := 0; written < blocks; {
			// Generate in chunks outside the timer so only database time is measured.
			b.StopTimer()
			data = data[:0]
			for j := 0; j < cap(data) && written+j < blocks; j++ {
				data = append(data, sim.next(false))
			}
			b.StartTimer()
			for _, d := range data {
				start := time.Now()
				if err := s.WriteBlock(ctx, d); err != nil {
					b.Fatal(err)
				}
				ms := float64(time.Since(start).Microseconds()) / 1000
				totalMs += ms
				if len(d.Epochs) > 0 && ms > epochMaxMs {
					epochMaxMs = ms
				}
			}
			written += len(data)
		}
		b.StopTimer()
		size, err := s.SizeBytes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sizeMB += float64(size) / 1e6
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(sizeMB/float64(b.N), "MB/10k-blocks")
	b.ReportMetric(totalMs/float64(b.N*blocks), "ms/block")
	b.ReportMetric(epochMaxMs, "max-ms/epoch-block")
}

// BenchmarkWriteEpochBlock writes blocks in which all 8 subnets of 256 neurons run their epoch:
// 2,048 history rows and 8 metagraph replacements, the heaviest block the indexer writes.
func BenchmarkWriteEpochBlock(b *testing.B) {
	benchmarkEpochBlocks(b, newChainSim(simSubnets, simNeurons), "ms/epoch-block-8x256")
}

// BenchmarkWriteMetagraph4096 writes blocks in which one subnet of 4,096 neurons (the largest
// allowed) runs its epoch and has its metagraph replaced.
func BenchmarkWriteMetagraph4096(b *testing.B) {
	benchmarkEpochBlocks(b, newChainSim(1, 4096), "ms/epoch-block-1x4096")
}

func benchmarkEpochBlocks(b *testing.B, sim *chainSim, unit string) {
	ctx := context.Background()
	s := openBench(b)
	defer s.Close()
	// Start from a store that already holds a metagraph, so each write replaces one.
	if err := s.WriteBlock(ctx, sim.next(true)); err != nil {
		b.Fatal(err)
	}
	var totalMs float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := sim.next(true)
		b.StartTimer()
		start := time.Now()
		if err := s.WriteBlock(ctx, d); err != nil {
			b.Fatal(err)
		}
		totalMs += float64(time.Since(start).Microseconds()) / 1000
	}
	b.ReportMetric(totalMs/float64(b.N), unit)
}
