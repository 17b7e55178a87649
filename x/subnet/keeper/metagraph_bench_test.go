package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/testutil/benchclock"
	"github.com/taochain/taochain/x/subnet/types"
)

// metagraphSubnet registers a subnet with max_uids = uids (at least 32, for its 32 validators; at
// most MaxUIDsLimit) and fills it through the msg server: every uid registered
// (max_registrations_per_block per block), a stake on every hotkey (1,000 TAO on the 32
// validators), an axon on every hotkey, and epoch results on every neuron. Beyond MaxUIDsLimit
// (synthetic: the chain cannot hold such a subnet) the registered neurons are copied into the
// higher uids with their own hotkeys and stake pools, written to the collections directly.
func metagraphSubnet(tb testing.TB, uids int) (*fixture, uint16) {
	tb.Helper()
	f := newStoreFixture(tb)
	owner := addr("mg-owner")
	cost, err := f.k.CurrentLockCost(f.ctx)
	require.NoError(tb, err)
	f.fundInt(tb, owner, cost)
	resp, err := f.msg.RegisterSubnet(f.ctx, &types.MsgRegisterSubnet{Owner: owner.String(), Name: "mg", MaxLock: cost})
	require.NoError(tb, err)
	netuid := uint16(resp.Netuid)
	s, err := f.k.GetSubnet(f.ctx, netuid)
	require.NoError(tb, err)
	real := min(uids, types.MaxUIDsLimit)
	s.Hyperparams.MaxUids = uint32(max(real, 32))
	s.Hyperparams.MaxValidators = 32
	s.Hyperparams.MaxRegistrationsPerBlock = types.MaxRegistrationsPerBlockLimit
	s.Hyperparams.MinAllowedWeights = 1
	s.Hyperparams.ImmunityPeriod = 0
	require.NoError(tb, s.Hyperparams.Validate())
	require.NoError(tb, f.k.Subnets.Set(f.ctx, netuid, s))

	cold := addr("mg-cold")
	for i := 0; i < real; i++ {
		if i > 0 && i%types.MaxRegistrationsPerBlockLimit == 0 {
			f.advance(1)
		}
		h := newHotkey(fmt.Sprintf("mg-%d", i))
		price, err := f.k.RegistrationPrice(f.ctx, netuid)
		require.NoError(tb, err)
		f.fundInt(tb, cold, price)
		sig, err := h.priv.Sign(types.RegistrationProofBytes(chainID, netuid, cold.String()))
		require.NoError(tb, err)
		r, err := f.msg.RegisterNeuron(f.ctx, &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(netuid), HotkeyPubkey: h.pub(), Proof: sig, MaxBurn: price})
		require.NoError(tb, err)
		stake := math.NewInt(tao + int64(i)*1_000_003)
		if i < 32 {
			stake = math.NewInt(1000 * tao).AddRaw(int64(i))
		}
		f.fundInt(tb, cold, stake)
		_, err = f.msg.AddStake(f.ctx, &types.MsgAddStake{Coldkey: cold.String(), Hotkey: h.addr().String(), Netuid: uint32(netuid), Amount: stake})
		require.NoError(tb, err)
		require.NoError(tb, f.k.ServeAxon(f.ctx, h.addr(), netuid, types.AxonInfo{Host: fmt.Sprintf("10.0.%d.%d", i/256, i%256), Port: 8091, Protocol: types.AXON_PROTOCOL_HTTPS, Version: 2}))
		v := uint32(i*7919) % (types.U16Max + 1)
		f.writeEpochResult(tb, netuid, uint16(r.Uid), types.EpochResult{
			Rank: v, Trust: v / 2, Consensus: v / 3, Incentive: v / 4, Dividends: v / 5, ValidatorTrust: v / 6,
			Emission: math.NewInt(int64(i) * 12345), Active: i%3 != 0, ValidatorPermit: i < 32,
		})
	}
	for uid := real; uid < uids; uid++ {
		n, err := f.k.GetNeuron(f.ctx, netuid, uint16(uid%real))
		require.NoError(tb, err)
		pool, err := f.k.GetPool(f.ctx, sdk.MustAccAddressFromBech32(n.Hotkey), netuid)
		require.NoError(tb, err)
		hk := sdk.AccAddress(secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("mg-synthetic-%d", uid))).PubKey().Address())
		n.Uid, n.Hotkey = uint32(uid), hk.String()
		pool.Hotkey = hk.String()
		require.NoError(tb, f.k.Neurons.Set(f.ctx, collections.Join(netuid, uint16(uid)), n))
		require.NoError(tb, f.k.NeuronUIDs.Set(f.ctx, collections.Join(netuid, hk), uint16(uid)))
		require.NoError(tb, f.k.Pools.Set(f.ctx, collections.Join(netuid, hk), pool))
	}
	return f, netuid
}

// committedQueryContext commits the fixture's store and returns a context over a cache of the
// committed version, as baseapp serves a gRPC query (CreateQueryContext): reading an uncommitted
// IAVL tree sorts its unsaved keys on every iterator and would dominate the measurement.
func committedQueryContext(tb testing.TB, ctx sdk.Context) sdk.Context {
	tb.Helper()
	cms, ok := ctx.MultiStore().(storetypes.CommitMultiStore)
	require.True(tb, ok, "fixture store is not a CommitMultiStore")
	id := cms.Commit()
	cache, err := cms.CacheMultiStoreWithVersion(id.Version)
	require.NoError(tb, err)
	return ctx.WithMultiStore(cache).WithGasMeter(storetypes.NewInfiniteGasMeter())
}

// BenchmarkMetagraphQuery4096 times Query/Metagraph (the handler with an sdk.Context over the
// in-memory store, plus marshalling the response as gRPC would) on a full subnet: at
// MaxUIDsLimit (1,024, the most a subnet can hold) and at 4,096 (synthetic uids above the limit,
// the size issue 18 names), and Query/Neurons pages of 100 at 4,096 (first and last page).
func BenchmarkMetagraphQuery4096(b *testing.B) {
	for _, uids := range []int{types.MaxUIDsLimit, 4096} {
		f, netuid := metagraphSubnet(b, uids)
		ctx := committedQueryContext(b, f.ctx)
		// The query and the per-neuron reads it replaced (metagraphPerNeuron), each marshalled as
		// gRPC would, alternating so both see the same machine load; CPU time from rusage.
		queries := []struct {
			name string
			run  func() (proto.Marshaler, int, error)
		}{
			{"metagraph", func() (proto.Marshaler, int, error) {
				r, err := f.q.Metagraph(ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
				if err != nil {
					return nil, 0, err
				}
				return r, len(r.Neurons), nil
			}},
			{"metagraph-per-neuron-reads", func() (proto.Marshaler, int, error) {
				s, err := f.k.GetSubnet(ctx, netuid)
				if err != nil {
					return nil, 0, err
				}
				entries, err := metagraphPerNeuron(ctx, f.k, netuid)
				r := &types.QueryMetagraphResponse{Netuid: uint32(netuid), Block: ctx.BlockHeight(), Hyperparams: s.Hyperparams, Neurons: entries}
				return r, len(entries), err
			}},
		}
		for _, qr := range queries {
			b.Run(fmt.Sprintf("%s/uids=%d", qr.name, uids), func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := benchclock.ProcessCPU(b)
				for i := 0; i < b.N; i++ {
					r, n, err := qr.run()
					if err != nil || n != uids {
						b.Fatalf("%s: %v, %d neurons", qr.name, err, n)
					}
					if _, err := r.Marshal(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
				b.ReportMetric(float64((benchclock.ProcessCPU(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/query")
				b.ReportMetric(50, "target-ms")
			})
		}
		if uids != 4096 {
			continue
		}
		first, err := f.q.Neurons(ctx, &types.QueryNeuronsRequest{Netuid: uint32(netuid), Pagination: &query.PageRequest{Limit: 100}})
		require.NoError(b, err)
		lastKey := first.Pagination.NextKey
		for next := lastKey; next != nil; {
			r, err := f.q.Neurons(ctx, &types.QueryNeuronsRequest{Netuid: uint32(netuid), Pagination: &query.PageRequest{Key: next, Limit: 100}})
			require.NoError(b, err)
			if r.Pagination.NextKey != nil {
				lastKey = r.Pagination.NextKey
			}
			next = r.Pagination.NextKey
		}
		for _, page := range []struct {
			name string
			key  []byte
			want int
		}{{"first", nil, 100}, {"last", lastKey, uids % 100}} {
			b.Run(fmt.Sprintf("neurons-page100/uids=%d/%s", uids, page.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					r, err := f.q.Neurons(ctx, &types.QueryNeuronsRequest{Netuid: uint32(netuid), Pagination: &query.PageRequest{Key: page.key, Limit: 100}})
					if err != nil || len(r.Neurons) != page.want {
						b.Fatalf("neurons: %v, %d neurons", err, len(r.Neurons))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			})
		}
	}
}
