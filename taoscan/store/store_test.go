package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// storeCase is one behaviour checked against every driver; open returns a fresh empty store and
// reopen closes a store and opens the same database again.
type storeCase struct {
	name string
	run  func(t *testing.T, ctx context.Context, s *Store, reopen func(*Store) *Store)
}

// TestStore runs every case on SQLite and on a private PostgreSQL server.
func TestStore(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		for _, c := range storeCases {
			t.Run(c.name, func(t *testing.T) {
				runCase(t, c, filepath.Join(t.TempDir(), "taoscan.db"), DriverSQLite)
			})
		}
		t.Run("concurrent migrate", func(t *testing.T) {
			openConcurrently(t, context.Background(), filepath.Join(t.TempDir(), "new.db"), 0)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		pg := startPostgres(t)
		for i, c := range storeCases {
			t.Run(c.name, func(t *testing.T) {
				runCase(t, c, pg.createDB(t, fmt.Sprintf("case_%d", i)), DriverPostgres)
			})
		}
		t.Run("concurrent migrate", func(t *testing.T) {
			openConcurrently(t, context.Background(), pg.createDB(t, "concurrent_migrate"), 0)
		})
	})
}

func runCase(t *testing.T, c storeCase, dsn, driver string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	if s.Driver() != driver {
		t.Fatalf("Driver() = %q, want %q", s.Driver(), driver)
	}
	current := s
	t.Cleanup(func() { current.Close() })
	reopen := func(old *Store) *Store {
		t.Helper()
		if err := old.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatalf("reopen %s: %v", dsn, err)
		}
		current = s
		return s
	}
	c.run(t, ctx, s, reopen)
}

// openConcurrently opens dsn from several goroutines at once, as an indexer and a web server
// started together would; every Open must succeed (on a new database one migrates, the others
// wait) and see the same cursor.
func openConcurrently(t *testing.T, ctx context.Context, dsn string, wantLast int64) {
	t.Helper()
	const handles = 4
	errs := make(chan error, handles)
	for i := 0; i < handles; i++ {
		go func() {
			s, err := Open(ctx, dsn)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			last, err := s.LastHeight(ctx)
			if err == nil && last != wantLast {
				err = fmt.Errorf("handle sees last height %d, want %d", last, wantLast)
			}
			errs <- err
		}()
	}
	for i := 0; i < handles; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 123456789, time.UTC)

// block returns a block at height h with no txs; its time is h seconds after t0 and its
// issuance grows by 1000 rao a block, so tests can tell blocks apart by every field.
func block(h int64) BlockData {
	return BlockData{Block: Block{
		Height:   h,
		Hash:     fmt.Sprintf("%064X", h),
		Time:     t0.Add(time.Duration(h) * time.Second),
		Proposer: fmt.Sprintf("taovaloper1p%d", h%3),
		Minted:   "1000",
		Issuance: fmt.Sprint(1000 * h),
		Halvings: uint32(h / 100),
	}}
}

func tx(h int64, idx int, addrs ...string) Tx {
	return Tx{
		Hash:      fmt.Sprintf("%062X%02X", h, idx),
		Height:    h,
		Index:     idx,
		Signer:    addrs[0],
		Messages:  []string{"/taochain.subnet.v1.MsgAddStake", "/cosmos.bank.v1beta1.MsgSend"},
		Fee:       "1234rao",
		GasWanted: 200000,
		GasUsed:   123456,
		Memo:      "m",
		Addresses: addrs,
	}
}

func neuron(netuid uint16, uid uint32, hotkey, coldkey string, emission int64) Neuron {
	return Neuron{
		Netuid: netuid, UID: uid, Hotkey: hotkey, Coldkey: coldkey,
		Stake: fmt.Sprint(1_000_000_000*int64(uid) + 7), Rank: uid, Trust: 65535, Consensus: 100 + uid,
		Incentive: 200 + uid, Dividends: 300 + uid, ValidatorTrust: 400 + uid,
		Emission: fmt.Sprint(emission), Active: uid%2 == 0, ValidatorPermit: uid == 0,
		LastUpdate: 10, RegisteredAt: 2, Axon: fmt.Sprintf("127.0.0.1:%d", 8000+uid),
	}
}

func writeBlocks(t *testing.T, ctx context.Context, s *Store, from, to int64) {
	t.Helper()
	for h := from; h <= to; h++ {
		if err := s.WriteBlock(ctx, block(h)); err != nil {
			t.Fatalf("write block %d: %v", h, err)
		}
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("%s: error %v, want ErrNotFound", what, err)
	}
}

func heights(bs []Block) []int64 {
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.Height
	}
	return out
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

var storeCases = []storeCase{
	{"empty", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(0))
		equal(t, "first", must[int64](t)(s.FirstHeight(ctx)), int64(0))
		equal(t, "blocks", len(must[[]Block](t)(s.LatestBlocks(ctx, 10, 0))), 0)
		equal(t, "supply", len(must[[]Block](t)(s.Supply(ctx, 10))), 0)
		equal(t, "subnets", len(must[[]Subnet](t)(s.Subnets(ctx))), 0)
		_, err := s.Block(ctx, 1)
		wantNotFound(t, "block", err)
		_, err = s.Tx(ctx, strings.Repeat("ab", 32))
		wantNotFound(t, "tx", err)
		_, err = s.Subnet(ctx, 1)
		wantNotFound(t, "subnet", err)
		_, err = s.Neuron(ctx, 1, 0)
		wantNotFound(t, "neuron", err)
		if n := must[int64](t)(s.SizeBytes(ctx)); n <= 0 {
			t.Fatalf("SizeBytes = %d, want > 0", n)
		}
	}},

	{"blocks and txs", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		d := block(5)
		d.Block.Hash = strings.ToLower(d.Block.Hash) // stored upper-case
		d.Block.NumTxs = 2
		d.Txs = []Tx{tx(5, 0, "tao1alice", "tao1bob", "tao1alice"), tx(5, 1, "tao1carol")}
		d.Txs[1].Code, d.Txs[1].Codespace, d.Txs[1].Log = 5, "sdk", "insufficient funds"
		if err := s.WriteBlock(ctx, d); err != nil {
			t.Fatal(err)
		}
		d6 := block(6)
		d6.Txs = []Tx{tx(6, 0, "tao1bob")}
		if err := s.WriteBlock(ctx, d6); err != nil {
			t.Fatal(err)
		}
		writeBlocks(t, ctx, s, 7, 9)
		equal(t, "first", must[int64](t)(s.FirstHeight(ctx)), int64(5))
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(9))

		got := must[Block](t)(s.Block(ctx, 5))
		want := d.Block
		want.Hash = strings.ToUpper(want.Hash)
		equal(t, "block 5", got, want)
		equal(t, "latest", heights(must[[]Block](t)(s.LatestBlocks(ctx, 3, 0))), []int64{9, 8, 7})
		equal(t, "before 8", heights(must[[]Block](t)(s.LatestBlocks(ctx, 10, 8))), []int64{7, 6, 5})

		txs := must[[]Tx](t)(s.BlockTxs(ctx, 5))
		want0 := d.Txs[0]
		want0.Addresses = []string{"tao1alice", "tao1bob"} // deduplicated, sorted
		equal(t, "block 5 txs", txs, []Tx{want0, d.Txs[1]})
		equal(t, "block 7 txs", len(must[[]Tx](t)(s.BlockTxs(ctx, 7))), 0)
		equal(t, "tx by lower-case hash", must[Tx](t)(s.Tx(ctx, strings.ToLower(d.Txs[1].Hash))), d.Txs[1])

		hashes := func(txs []Tx) []string {
			var out []string
			for _, x := range txs {
				out = append(out, x.Hash)
			}
			return out
		}
		equal(t, "latest txs", hashes(must[[]Tx](t)(s.LatestTxs(ctx, 10))), []string{d6.Txs[0].Hash, d.Txs[1].Hash, d.Txs[0].Hash})
		equal(t, "latest txs limit", hashes(must[[]Tx](t)(s.LatestTxs(ctx, 1))), []string{d6.Txs[0].Hash})
		equal(t, "bob", hashes(must[[]Tx](t)(s.AddressTxs(ctx, "tao1bob", 10))), []string{d6.Txs[0].Hash, d.Txs[0].Hash})
		equal(t, "bob limit", hashes(must[[]Tx](t)(s.AddressTxs(ctx, "tao1bob", 1))), []string{d6.Txs[0].Hash})
		equal(t, "alice", hashes(must[[]Tx](t)(s.AddressTxs(ctx, "tao1alice", 10))), []string{d.Txs[0].Hash})
		equal(t, "nobody", len(must[[]Tx](t)(s.AddressTxs(ctx, "tao1nobody", 10))), 0)
	}},

	{"out of order", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		if err := s.WriteBlock(ctx, block(0)); err == nil || errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("height 0: error %v, want a refusal that is not out-of-order", err)
		}
		writeBlocks(t, ctx, s, 3, 4)
		for _, h := range []int64{6, 4, 3, 1} {
			err := s.WriteBlock(ctx, block(h))
			if !errors.Is(err, ErrOutOfOrder) {
				t.Fatalf("block %d after 4: error %v, want ErrOutOfOrder", h, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(h)) || !strings.Contains(err.Error(), "4") {
				t.Fatalf("block %d: error %q should name both heights", h, err)
			}
		}
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(4))
		_, err := s.Block(ctx, 6)
		wantNotFound(t, "block 6", err)
		writeBlocks(t, ctx, s, 5, 5)
	}},

	{"failed write leaves nothing", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		d := block(1)
		d.Metagraphs = map[uint16][]Neuron{1: {neuron(1, 0, "tao1hk0", "tao1ck", 5)}}
		d.Subnets = []Subnet{{Netuid: 1, Name: "one", Locked: "1", RegistrationPrice: "2", LastEpochEmission: "3"}}
		if err := s.WriteBlock(ctx, d); err != nil {
			t.Fatal(err)
		}

		bad := block(2)
		bad.Txs = []Tx{tx(2, 0, "tao1a"), tx(2, 0, "tao1b")} // same hash twice
		bad.Txs[1].Index = 1
		bad.Epochs = []Epoch{{Netuid: 1, Epoch: 1, Height: 2, Emission: "9", OwnerEmission: "1", MinerEmission: "4", ValidatorEmission: "4", TakeEmission: "0", Neurons: 1}}
		bad.Metagraphs = map[uint16][]Neuron{1: {}}
		bad.Subnets = []Subnet{{Netuid: 1, Name: "renamed", Locked: "1", RegistrationPrice: "2", LastEpochEmission: "3"}}
		bad.Offences = []Offence{{ID: 1, Kind: "OFFENCE_KIND_COPY", Netuid: 1, Hotkey: "tao1hk0", Slashed: "1", Reward: "1", Burned: "0"}}
		if err := s.WriteBlock(ctx, bad); err == nil {
			t.Fatal("a block with a duplicate tx hash was written")
		}
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(1))
		_, err := s.Block(ctx, 2)
		wantNotFound(t, "block 2", err)
		equal(t, "latest txs", len(must[[]Tx](t)(s.LatestTxs(ctx, 10))), 0)
		equal(t, "addr txs", len(must[[]Tx](t)(s.AddressTxs(ctx, "tao1a", 10))), 0)
		equal(t, "epochs", len(must[[]Epoch](t)(s.Epochs(ctx, 1, 10))), 0)
		equal(t, "metagraph", len(must[[]Neuron](t)(s.Metagraph(ctx, 1))), 1)
		equal(t, "subnet", must[Subnet](t)(s.Subnet(ctx, 1)).Name, "one")
		equal(t, "offences", len(must[[]Offence](t)(s.Offences(ctx, 10, 0))), 0)

		// An amount that does not fit int64 is refused before anything is written.
		big := block(2)
		big.Block.Minted = "9223372036854775808"
		err = s.WriteBlock(ctx, big)
		if err == nil || !strings.Contains(err.Error(), "does not fit") {
			t.Fatalf("overflowing amount: error %v, want 'does not fit'", err)
		}
		notNumber := block(2)
		notNumber.Block.Issuance = "12tao"
		if err := s.WriteBlock(ctx, notNumber); err == nil || !strings.Contains(err.Error(), "not a decimal integer") {
			t.Fatalf("non-numeric amount: error %v", err)
		}
		dupOffence := block(2)
		dupOffence.Epochs = bad.Epochs
		dupOffence.Metagraphs = bad.Metagraphs
		dupOffence.Subnets = bad.Subnets
		dupOffence.Offences = []Offence{bad.Offences[0], bad.Offences[0]}
		if err := s.WriteBlock(ctx, dupOffence); err == nil {
			t.Fatal("a block with a duplicate offence id was written")
		}
		equal(t, "epochs after duplicate offence", len(must[[]Epoch](t)(s.Epochs(ctx, 1, 10))), 0)
		equal(t, "metagraph after duplicate offence", len(must[[]Neuron](t)(s.Metagraph(ctx, 1))), 1)
		equal(t, "subnet after duplicate offence", must[Subnet](t)(s.Subnet(ctx, 1)).Name, "one")
		equal(t, "last after refusals", must[int64](t)(s.LastHeight(ctx)), int64(1))
		// The store still works after the failures.
		writeBlocks(t, ctx, s, 2, 2)
	}},

	{"metagraph replace", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		d := block(1)
		d.Metagraphs = map[uint16][]Neuron{
			2: {neuron(2, 1, "tao1hkB", "tao1ck2", 20), neuron(2, 0, "tao1hkA", "tao1ck1", 10)},
			1: {neuron(1, 0, "tao1hkA", "tao1ck1", 1), neuron(1, 1, "tao1hkC", "tao1ck1", 2), neuron(1, 2, "tao1hkD", "tao1ck2", 3)},
			3: {neuron(3, 0, "tao1hkE", "tao1ck3", 1)},
		}
		if err := s.WriteBlock(ctx, d); err != nil {
			t.Fatal(err)
		}
		equal(t, "subnet 2", must[[]Neuron](t)(s.Metagraph(ctx, 2)), []Neuron{d.Metagraphs[2][1], d.Metagraphs[2][0]})
		equal(t, "neuron", must[Neuron](t)(s.Neuron(ctx, 1, 2)), d.Metagraphs[1][2])

		d2 := block(2)
		replaced := neuron(1, 1, "tao1hkF", "tao1ck3", 99)
		d2.Metagraphs = map[uint16][]Neuron{1: {neuron(1, 0, "tao1hkA", "tao1ck1", 7), replaced}, 3: {}}
		if err := s.WriteBlock(ctx, d2); err != nil {
			t.Fatal(err)
		}
		equal(t, "subnet 1 replaced", must[[]Neuron](t)(s.Metagraph(ctx, 1)), d2.Metagraphs[1])
		equal(t, "subnet 2 kept", len(must[[]Neuron](t)(s.Metagraph(ctx, 2))), 2)
		equal(t, "subnet 3 cleared", len(must[[]Neuron](t)(s.Metagraph(ctx, 3))), 0)
		_, err := s.Neuron(ctx, 1, 2)
		wantNotFound(t, "uid 2 gone", err)

		netuids := func(ns []Neuron) []string {
			var out []string
			for _, n := range ns {
				out = append(out, fmt.Sprintf("%d/%d", n.Netuid, n.UID))
			}
			return out
		}
		equal(t, "hotkey A", netuids(must[[]Neuron](t)(s.HotkeyNeurons(ctx, "tao1hkA"))), []string{"1/0", "2/0"})
		equal(t, "coldkey 1", netuids(must[[]Neuron](t)(s.ColdkeyNeurons(ctx, "tao1ck1"))), []string{"1/0", "2/0"})
		equal(t, "coldkey 3", netuids(must[[]Neuron](t)(s.ColdkeyNeurons(ctx, "tao1ck3"))), []string{"1/1"})
		equal(t, "unknown hotkey", len(must[[]Neuron](t)(s.HotkeyNeurons(ctx, "tao1hkE"))), 0)
		equal(t, "known hotkey", must[bool](t)(s.KnownHotkey(ctx, "tao1hkA")), true)
		equal(t, "hotkey only in an old metagraph", must[bool](t)(s.KnownHotkey(ctx, "tao1hkE")), true)
		equal(t, "never a hotkey", must[bool](t)(s.KnownHotkey(ctx, "tao1nobody")), false)
		equal(t, "coldkey is no hotkey", must[bool](t)(s.KnownHotkey(ctx, "tao1ck1")), false)

		wrong := block(3)
		wrong.Metagraphs = map[uint16][]Neuron{4: {neuron(5, 0, "x", "y", 1)}}
		if err := s.WriteBlock(ctx, wrong); err == nil {
			t.Fatal("a metagraph holding another subnet's neuron was written")
		}
	}},

	{"epochs history earnings", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		// Subnet 1 runs an epoch every 2 blocks, subnet 2 every 3; coldkey ck1 owns hk0 on
		// both and hk1 on subnet 1.
		var want []Earning
		for h := int64(1); h <= 12; h++ {
			d := block(h)
			for _, sn := range []struct {
				netuid uint16
				tempo  int64
			}{{1, 2}, {2, 3}} {
				if h%sn.tempo != 0 {
					continue
				}
				ep := uint64(h / sn.tempo)
				d.Epochs = append(d.Epochs, Epoch{Netuid: sn.netuid, Epoch: ep, Height: h, Emission: fmt.Sprint(100 * h),
					OwnerEmission: "18", MinerEmission: "41", ValidatorEmission: "41", TakeEmission: "0", Neurons: 3})
				rows := []Neuron{
					neuron(sn.netuid, 0, "tao1hk0", "tao1ck1", 10*h),
					neuron(sn.netuid, 1, "tao1hk1", "tao1ck1", h),
					neuron(sn.netuid, 2, "tao1hk2", "tao1ck2", 1000),
				}
				if sn.netuid == 2 {
					rows[1].Coldkey = "tao1ck2"
				}
				for _, n := range rows {
					d.History = append(d.History, NeuronEpoch{Neuron: n, Epoch: ep, Height: h})
				}
				sum := 10 * h
				if sn.netuid == 1 {
					sum += h
				}
				want = append(want, Earning{Netuid: sn.netuid, Epoch: ep, Height: h, Emission: fmt.Sprint(sum)})
			}
			if err := s.WriteBlock(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		epochs := must[[]Epoch](t)(s.Epochs(ctx, 2, 2))
		equal(t, "subnet 2 epochs", epochs, []Epoch{
			{Netuid: 2, Epoch: 4, Height: 12, Emission: "1200", OwnerEmission: "18", MinerEmission: "41", ValidatorEmission: "41", TakeEmission: "0", Neurons: 3},
			{Netuid: 2, Epoch: 3, Height: 9, Emission: "900", OwnerEmission: "18", MinerEmission: "41", ValidatorEmission: "41", TakeEmission: "0", Neurons: 3},
		})
		equal(t, "subnet 1 epochs", len(must[[]Epoch](t)(s.Epochs(ctx, 1, 100))), 6)

		hist := must[[]NeuronEpoch](t)(s.NeuronHistory(ctx, 1, 0, 3))
		var gotEpochs []uint64
		for _, ne := range hist {
			gotEpochs = append(gotEpochs, ne.Epoch)
		}
		equal(t, "history epochs ascending", gotEpochs, []uint64{4, 5, 6})
		wantLast := NeuronEpoch{Neuron: neuron(1, 0, "tao1hk0", "tao1ck1", 120), Epoch: 6, Height: 12}
		equal(t, "history last row", hist[2], wantLast)

		// Newest 4 earnings of ck1, ascending: heights 9 (sn2), 10 (sn1), 12 (sn1), 12 (sn2).
		got := must[[]Earning](t)(s.ColdkeyEarnings(ctx, "tao1ck1", 4))
		equal(t, "earnings", got, want[len(want)-4:])
		equal(t, "all earnings", len(must[[]Earning](t)(s.ColdkeyEarnings(ctx, "tao1ck1", 1000))), len(want))
		ck2 := must[[]Earning](t)(s.ColdkeyEarnings(ctx, "tao1ck2", 1))
		equal(t, "hotkey from history", must[bool](t)(s.KnownHotkey(ctx, "tao1hk2")), true)
		equal(t, "ck2 newest", ck2, []Earning{{Netuid: 2, Epoch: 4, Height: 12, Emission: "1012"}})
	}},

	{"subnets", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		sn := func(netuid uint16, emission string) Subnet {
			return Subnet{Netuid: netuid, Name: fmt.Sprintf("sn%d", netuid), Owner: "tao1owner", CreatedAt: 1,
				Locked: "100000000000", Hyperparams: `{"tempo":"360"}`, Tempo: 360, Neurons: 3,
				RegistrationPrice: "1000000000", LastEpochEmission: emission, UpdatedAt: 1}
		}
		d := block(1)
		d.Subnets = []Subnet{sn(1, "5"), sn(2, "9"), sn(3, "5"), sn(4, "0")}
		if err := s.WriteBlock(ctx, d); err != nil {
			t.Fatal(err)
		}
		order := func() []uint16 {
			var out []uint16
			for _, x := range must[[]Subnet](t)(s.Subnets(ctx)) {
				out = append(out, x.Netuid)
			}
			return out
		}
		equal(t, "order", order(), []uint16{2, 1, 3, 4})
		equal(t, "subnet 2", must[Subnet](t)(s.Subnet(ctx, 2)), sn(2, "9"))

		d2 := block(2)
		up := sn(4, "100")
		up.Name, up.UpdatedAt = "four", 2
		gone := sn(2, "9")
		gone.Dissolved, gone.UpdatedAt = true, 2
		d2.Subnets = []Subnet{up, gone}
		if err := s.WriteBlock(ctx, d2); err != nil {
			t.Fatal(err)
		}
		equal(t, "order after update", order(), []uint16{4, 1, 3})
		equal(t, "updated", must[Subnet](t)(s.Subnet(ctx, 4)), up)
		equal(t, "dissolved still readable", must[Subnet](t)(s.Subnet(ctx, 2)), gone)
		_, err := s.Subnet(ctx, 9)
		wantNotFound(t, "subnet 9", err)
	}},

	{"offences", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		var all []Offence
		for h := int64(1); h <= 3; h++ {
			d := block(h)
			for i := 0; i < 3; i++ {
				id := uint64(3*(h-1)) + uint64(i) + 1
				o := Offence{ID: id, Kind: "OFFENCE_KIND_COPY", Netuid: 1, Hotkey: fmt.Sprintf("tao1hk%d", id%2), Epoch: uint64(h),
					Height: h, EvidenceHash: fmt.Sprintf("%064x", id), Slashed: fmt.Sprint(id * 10), Reward: fmt.Sprint(id), Burned: fmt.Sprint(id * 9)}
				d.Offences = append(d.Offences, o)
				all = append([]Offence{o}, all...)
			}
			if err := s.WriteBlock(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		equal(t, "top", must[[]Offence](t)(s.Offences(ctx, 4, 0)), all[:4])
		equal(t, "before 6", must[[]Offence](t)(s.Offences(ctx, 4, 6)), all[4:8])
		equal(t, "before 2", must[[]Offence](t)(s.Offences(ctx, 4, 2)), all[8:])
		var odd []Offence
		for _, o := range all {
			if o.Hotkey == "tao1hk1" {
				odd = append(odd, o)
			}
		}
		equal(t, "hotkey", must[[]Offence](t)(s.HotkeyOffences(ctx, "tao1hk1")), odd)
		equal(t, "hotkey from offences", must[bool](t)(s.KnownHotkey(ctx, "tao1hk1")), true)
	}},

	{"supply sampling", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		writeBlocks(t, ctx, s, 11, 110) // 100 blocks
		all := must[[]Block](t)(s.Supply(ctx, 1000))
		equal(t, "all", len(all), 100)
		equal(t, "all issuance", all[99].Issuance, "110000")
		equal(t, "one", heights(must[[]Block](t)(s.Supply(ctx, 1))), []int64{110})
		equal(t, "ten", heights(must[[]Block](t)(s.Supply(ctx, 10))), []int64{11, 23, 35, 47, 59, 71, 83, 95, 107, 110})
		for points := 2; points <= 101; points++ {
			got := heights(must[[]Block](t)(s.Supply(ctx, points)))
			if len(got) > points || len(got) < min(points, 100)/2 {
				t.Fatalf("Supply(%d) returned %d points", points, len(got))
			}
			if got[0] != 11 || got[len(got)-1] != 110 {
				t.Fatalf("Supply(%d) = %v: must start at the first block and end at the last", points, got)
			}
			for i := 1; i < len(got)-1; i++ {
				if got[i]-got[i-1] != got[1]-got[0] {
					t.Fatalf("Supply(%d) = %v: not evenly spaced", points, got)
				}
			}
		}
	}},

	{"concurrent writers", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		// Two indexers writing the same height: exactly one wins, the other is told the block
		// is out of order (not a duplicate-key error), on an empty store and after it.
		for h := int64(1); h <= 4; h++ {
			errs := make(chan error, 2)
			for i := 0; i < 2; i++ {
				go func() { errs <- s.WriteBlock(ctx, block(h)) }()
			}
			var ok, outOfOrder int
			for i := 0; i < 2; i++ {
				switch err := <-errs; {
				case err == nil:
					ok++
				case errors.Is(err, ErrOutOfOrder):
					outOfOrder++
				default:
					t.Fatalf("height %d: %v", h, err)
				}
			}
			if ok != 1 || outOfOrder != 1 {
				t.Fatalf("height %d: %d writes succeeded, %d out of order; want 1 and 1", h, ok, outOfOrder)
			}
		}
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(4))
		equal(t, "first", must[int64](t)(s.FirstHeight(ctx)), int64(1))
	}},

	{"concurrent open", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		// Opening a database another handle has open migrates nothing and shares the cursor.
		writeBlocks(t, ctx, s, 1, 2)
		openConcurrently(t, ctx, s.dsn, 2)
	}},

	{"large amounts stay exact", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		// 2^53+1 is where a float64 would round; sums must stay integers in both databases.
		const odd = "9007199254740993"
		d := block(1)
		d.Block.Issuance = "2100000000000000000"
		n0, n1 := neuron(1, 0, "tao1hk0", "tao1ck", 0), neuron(1, 1, "tao1hk1", "tao1ck", 0)
		n0.Emission, n1.Emission, n0.Stake = odd, odd, "9223372036854775807"
		d.History = []NeuronEpoch{{Neuron: n0, Epoch: 1, Height: 1}, {Neuron: n1, Epoch: 1, Height: 1}}
		d.Metagraphs = map[uint16][]Neuron{1: {n0, n1}}
		if err := s.WriteBlock(ctx, d); err != nil {
			t.Fatal(err)
		}
		equal(t, "issuance", must[Block](t)(s.Block(ctx, 1)).Issuance, "2100000000000000000")
		equal(t, "max stake", must[Neuron](t)(s.Neuron(ctx, 1, 0)).Stake, "9223372036854775807")
		equal(t, "sum", must[[]Earning](t)(s.ColdkeyEarnings(ctx, "tao1ck", 10)), []Earning{{Netuid: 1, Epoch: 1, Height: 1, Emission: "18014398509481986"}})
	}},

	{"limits", func(t *testing.T, ctx context.Context, s *Store, _ func(*Store) *Store) {
		writeBlocks(t, ctx, s, 1, 1)
		for _, limit := range []int{0, -1, MaxLimit + 1} {
			if _, err := s.LatestBlocks(ctx, limit, 0); err == nil || !strings.Contains(err.Error(), "allowed 1..1000") {
				t.Fatalf("LatestBlocks limit %d: error %v", limit, err)
			}
			if _, err := s.Supply(ctx, limit); err == nil {
				t.Fatalf("Supply points %d accepted", limit)
			}
		}
		equal(t, "max", len(must[[]Block](t)(s.LatestBlocks(ctx, MaxLimit, 0))), 1)
	}},

	{"reopen keeps the cursor", func(t *testing.T, ctx context.Context, s *Store, reopen func(*Store) *Store) {
		writeBlocks(t, ctx, s, 100, 102)
		s = reopen(s)
		equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(102))
		equal(t, "first", must[int64](t)(s.FirstHeight(ctx)), int64(100))
		if err := s.WriteBlock(ctx, block(104)); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("gap after reopen: %v", err)
		}
		writeBlocks(t, ctx, s, 103, 103)
		equal(t, "block", must[Block](t)(s.Block(ctx, 103)), block(103).Block)
	}},
}

// TestMemory checks the ":memory:" database tests and tools use: one connection, so every
// query sees the same database.
func TestMemory(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeBlocks(t, ctx, s, 1, 3)
	equal(t, "last", must[int64](t)(s.LastHeight(ctx)), int64(3))
	equal(t, "blocks", heights(must[[]Block](t)(s.LatestBlocks(ctx, 10, 0))), []int64{3, 2, 1})
}

// TestOpenRefuses checks the errors a user can hit when pointing taoscan at a database.
func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, ""); err == nil {
		t.Fatal("empty dsn accepted")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "a?b.db")); err == nil || !strings.Contains(err.Error(), "'?'") {
		t.Fatalf("path with '?': %v", err)
	}
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE meta SET value = ? WHERE key = ?`, SchemaVersion+1, metaSchemaVersion); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestRebindDollar(t *testing.T) {
	equal(t, "rebind", rebindDollar(`SELECT a FROM t WHERE b = ? AND c IN (?, ?)`), `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`)
}
