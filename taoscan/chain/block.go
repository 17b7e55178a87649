package chain

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/gogoproto/proto"

	"github.com/taochain/taochain/taoscan/store"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// Typed event names the decoder reads field by field; every other taochain event only marks the
// subnets it names as touched.
var (
	eventEmission = sdk.MsgTypeURL(&taotypes.EventEmission{})[1:]
	eventEpoch    = sdk.MsgTypeURL(&intelligencetypes.EventEpoch{})[1:]
	eventOffence  = sdk.MsgTypeURL(&slashingtypes.EventOffence{})[1:]
)

// netuidKeys are the attribute names under which taochain events name a subnet.
var netuidKeys = map[string]bool{"netuid": true, "from_netuid": true, "to_netuid": true}

// subnetReaders bounds how many subnets of one block are read over gRPC at once: enough to hide
// round trips when many subnets run their epoch together, few enough not to crowd the node.
const subnetReaders = 4

// decoded is what a block's bytes and results say without asking the node's state.
type decoded struct {
	data store.BlockData
	// emitted is true when the block carried an EventEmission (Minted/Issuance/Halvings set).
	emitted bool
	// touched are the subnets some event of the block named.
	touched map[uint16]bool
}

// FetchBlock reads block height and its results and decodes them into the rows the store keeps;
// every subnet an event of the block touched is read over gRPC at that height (subnet row,
// registration price, metagraph, and for an epoch the neurons' history rows).
//
// Block.Proposer is the proposer's consensus address in bech32 (taovalcons1…). Block.Issuance is
// EventEmission's issuance, or the bank supply at that height when the block emitted nothing.
func (c *Client) FetchBlock(ctx context.Context, height int64) (store.BlockData, error) {
	return c.fetch(ctx, height, false)
}

// FetchFirstBlock is FetchBlock for the first block of an empty store: it also reads every
// subnet that exists at that height, so subnets from genesis (or from before the first indexed
// block) are known without an event.
func (c *Client) FetchFirstBlock(ctx context.Context, height int64) (store.BlockData, error) {
	return c.fetch(ctx, height, true)
}

func (c *Client) fetch(ctx context.Context, height int64, allSubnets bool) (store.BlockData, error) {
	blk, err := c.rpc.Block(ctx, &height)
	if err != nil {
		return store.BlockData{}, fmt.Errorf("block %d from %s: %w", height, c.rpcAddr, err)
	}
	res, err := c.rpc.BlockResults(ctx, &height)
	if err != nil {
		return store.BlockData{}, fmt.Errorf("results of block %d from %s: %w", height, c.rpcAddr, err)
	}
	dec, err := c.decode(blk, res)
	if err != nil {
		return store.BlockData{}, err
	}
	d := dec.data
	at := atHeight(ctx, height)
	if !dec.emitted {
		iss, err := c.tao.Issuance(at, &taotypes.QueryIssuanceRequest{})
		if err != nil {
			return store.BlockData{}, fmt.Errorf("issuance at %d: %w", height, err)
		}
		d.Block.Issuance = iss.Issuance.String()
	}
	if allSubnets {
		netuids, err := c.subnetIDs(at)
		if err != nil {
			return store.BlockData{}, fmt.Errorf("subnets at %d: %w", height, err)
		}
		for _, n := range netuids {
			dec.touched[n] = true
		}
	}
	if err := c.readSubnets(ctx, height, dec.touched, &d); err != nil {
		return store.BlockData{}, err
	}
	return d, nil
}

// decode turns a block and its results into rows; it reads nothing from the node.
func (c *Client) decode(blk *coretypes.ResultBlock, res *coretypes.ResultBlockResults) (decoded, error) {
	h := blk.Block.Header
	if len(res.TxsResults) != len(blk.Block.Txs) {
		return decoded{}, fmt.Errorf("block %d has %d txs but %d tx results", h.Height, len(blk.Block.Txs), len(res.TxsResults))
	}
	dec := decoded{touched: map[uint16]bool{}}
	d := &dec.data
	d.Block = store.Block{
		Height:   h.Height,
		Hash:     strings.ToUpper(hex.EncodeToString(blk.BlockID.Hash)),
		Time:     h.Time.UTC(),
		Proposer: sdk.ConsAddress(h.ProposerAddress).String(),
		NumTxs:   len(blk.Block.Txs),
		Minted:   "0",
	}
	minted := math.ZeroInt()
	for _, ev := range res.FinalizeBlockEvents {
		if err := dec.event(ev, &minted); err != nil {
			return decoded{}, fmt.Errorf("block %d: %w", h.Height, err)
		}
	}
	for i, raw := range blk.Block.Txs {
		r := res.TxsResults[i]
		d.Txs = append(d.Txs, c.decodeTx(h.Height, i, raw, r))
		if r.Code != 0 {
			continue // a failed tx changed no module state
		}
		for _, ev := range r.Events {
			if err := dec.event(ev, &minted); err != nil {
				return decoded{}, fmt.Errorf("block %d tx %d: %w", h.Height, i, err)
			}
		}
	}
	if dec.emitted {
		d.Block.Minted = minted.String()
	}
	return dec, nil
}

// event reads one ABCI event into the rows (typed events of x/tao, x/intelligence, x/slashing)
// and marks the subnets it names.
func (dec *decoded) event(ev abci.Event, minted *math.Int) error {
	if !strings.HasPrefix(ev.Type, "taochain.") {
		return nil
	}
	d := &dec.data
	switch ev.Type {
	case eventEmission:
		// Its pending-emission list names every subnet each block; that accrues to the subnet
		// and changes no metagraph row, so it does not mark subnets as touched.
		e, err := parseTyped[*taotypes.EventEmission](ev)
		if err != nil {
			return err
		}
		dec.emitted = true
		*minted = minted.Add(e.Minted)
		d.Block.Issuance = e.Issuance.String()
		d.Block.Halvings = e.Halvings
		return nil
	case eventEpoch:
		e, err := parseTyped[*intelligencetypes.EventEpoch](ev)
		if err != nil {
			return err
		}
		d.Epochs = append(d.Epochs, store.Epoch{
			Netuid: uint16(e.Netuid), Epoch: e.Epoch, Height: e.Height,
			Emission: e.Emission.String(), OwnerEmission: e.OwnerEmission.String(),
			MinerEmission: e.MinerEmission.String(), ValidatorEmission: e.ValidatorEmission.String(),
			TakeEmission: e.TakeEmission.String(), Neurons: e.Neurons,
		})
		dec.touched[uint16(e.Netuid)] = true
		return nil
	case eventOffence:
		e, err := parseTyped[*slashingtypes.EventOffence](ev)
		if err != nil {
			return err
		}
		o := e.Offence
		d.Offences = append(d.Offences, store.Offence{
			ID: o.Id, Kind: o.Kind.String(), Netuid: uint16(o.Netuid), Hotkey: o.Hotkey, Epoch: o.Epoch,
			Height: o.Height, EvidenceHash: hex.EncodeToString(o.EvidenceHash),
			Slashed: o.Slashed.String(), Reward: o.Reward.String(), Burned: o.Burned.String(),
		})
		dec.touched[uint16(o.Netuid)] = true
		return nil
	}
	for _, a := range ev.Attributes {
		if !netuidKeys[a.Key] {
			continue
		}
		n, err := strconv.ParseUint(strings.Trim(a.Value, `"`), 10, 16)
		if err != nil {
			return fmt.Errorf("event %s: attribute %s=%q is not a netuid", ev.Type, a.Key, a.Value)
		}
		dec.touched[uint16(n)] = true
	}
	return nil
}

// parseTyped decodes a typed event of type T. Finalize-block events carry a "mode" attribute
// and tx events a "msg_index" that are not the event's fields (and "mode" is not JSON), so they
// are dropped first.
func parseTyped[T proto.Message](ev abci.Event) (T, error) {
	var zero T
	clean := abci.Event{Type: ev.Type}
	for _, a := range ev.Attributes {
		if a.Key == "mode" || a.Key == "msg_index" {
			continue
		}
		clean.Attributes = append(clean.Attributes, a)
	}
	msg, err := sdk.ParseTypedEvent(clean)
	if err != nil {
		return zero, fmt.Errorf("decoding event %s: %w", ev.Type, err)
	}
	e, ok := msg.(T)
	if !ok {
		return zero, fmt.Errorf("event %s decoded to %T, not %T", ev.Type, msg, zero)
	}
	return e, nil
}

// decodeTx decodes one tx with the app's decoder. A tx the decoder refuses (the node stored it,
// so this happens only if taoscan is older than the chain) keeps its hash, result and events.
func (c *Client) decodeTx(height int64, index int, raw []byte, r *abci.ExecTxResult) store.Tx {
	tx := store.Tx{
		Hash:      strings.ToUpper(hex.EncodeToString(cmttypes.Tx(raw).Hash())),
		Height:    height,
		Index:     index,
		Code:      r.Code,
		Codespace: r.Codespace,
		GasWanted: r.GasWanted,
		GasUsed:   r.GasUsed,
		Messages:  []string{},
	}
	if r.Code != 0 {
		tx.Log = r.Log
	}
	addrs := map[string]bool{}
	if decodedTx, err := c.txDec(raw); err == nil {
		for _, m := range decodedTx.GetMsgs() {
			tx.Messages = append(tx.Messages, sdk.MsgTypeURL(m))
		}
		if f, ok := decodedTx.(sdk.FeeTx); ok {
			tx.Fee = f.GetFee().String()
		}
		if m, ok := decodedTx.(sdk.TxWithMemo); ok {
			tx.Memo = m.GetMemo()
		}
		if s, ok := decodedTx.(interface{ GetSigners() ([][]byte, error) }); ok {
			if signers, err := s.GetSigners(); err == nil && len(signers) > 0 {
				tx.Signer = sdk.AccAddress(signers[0]).String()
				addrs[tx.Signer] = true
			}
		}
	} else if tx.Log == "" {
		tx.Log = fmt.Sprintf("taoscan could not decode this tx: %v", err)
	}
	for _, ev := range r.Events {
		for _, a := range ev.Attributes {
			if addr, ok := accountAddress(a.Value); ok {
				addrs[addr] = true
			}
		}
	}
	for a := range addrs {
		tx.Addresses = append(tx.Addresses, a)
	}
	sort.Strings(tx.Addresses)
	return tx
}

// accountAddress reports whether an event attribute value (plain, or JSON-quoted as typed events
// write strings) is an account address with the chain's prefix, and returns it.
func accountAddress(v string) (string, bool) {
	v = strings.Trim(v, `"`)
	prefix := sdk.GetConfig().GetBech32AccountAddrPrefix() + "1"
	if !strings.HasPrefix(v, prefix) {
		return "", false
	}
	if _, err := sdk.AccAddressFromBech32(v); err != nil {
		return "", false
	}
	return v, true
}

// subnetIDs lists every subnet that exists in the state of ctx's height.
func (c *Client) subnetIDs(ctx context.Context) ([]uint16, error) {
	var out []uint16
	err := allPages(1000, func(page *query.PageRequest) (*query.PageResponse, error) {
		res, err := c.subnet.Subnets(ctx, &subnettypes.QuerySubnetsRequest{Pagination: page})
		if err != nil {
			return nil, err
		}
		for _, s := range res.Subnets {
			out = append(out, uint16(s.Subnet.Netuid))
		}
		return res.Pagination, nil
	})
	if err != nil {
		return nil, fmt.Errorf("subnet list: %w", err)
	}
	return out, nil
}

// allPages calls read with pages of 100 entries, following NextKey, until the last page; more
// than maxPages pages is an error (a node that keeps answering next keys).
func allPages(maxPages int, read func(*query.PageRequest) (*query.PageResponse, error)) error {
	var key []byte
	for page := 0; page < maxPages; page++ {
		res, err := read(&query.PageRequest{Key: key, Limit: 100})
		if err != nil {
			return err
		}
		if res == nil || len(res.NextKey) == 0 {
			return nil
		}
		key = res.NextKey
	}
	return fmt.Errorf("more than %d pages", maxPages)
}

// readSubnets reads every touched subnet at height into d (Subnets, Metagraphs and, for the
// subnets with an epoch in d.Epochs, History), a few subnets at a time.
func (c *Client) readSubnets(ctx context.Context, height int64, touched map[uint16]bool, d *store.BlockData) error {
	if len(touched) == 0 {
		return nil
	}
	netuids := make([]uint16, 0, len(touched))
	for n := range touched {
		netuids = append(netuids, n)
	}
	sort.Slice(netuids, func(i, j int) bool { return netuids[i] < netuids[j] })
	epochOf := map[uint16]store.Epoch{}
	for _, e := range d.Epochs {
		epochOf[e.Netuid] = e
	}

	type result struct {
		subnet store.Subnet
		neuron []store.Neuron
		err    error
	}
	results := make([]result, len(netuids))
	sem := make(chan struct{}, subnetReaders)
	var wg sync.WaitGroup
	for i, n := range netuids {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, n uint16) {
			defer wg.Done()
			defer func() { <-sem }()
			ep, hasEpoch := epochOf[n]
			var r result
			r.subnet, r.neuron, r.err = c.readSubnet(ctx, height, n, ep, hasEpoch)
			results[i] = r
		}(i, n)
	}
	wg.Wait()

	d.Metagraphs = make(map[uint16][]store.Neuron, len(netuids))
	for i, n := range netuids {
		r := results[i]
		if r.err != nil {
			return fmt.Errorf("subnet %d at height %d: %w", n, height, r.err)
		}
		d.Subnets = append(d.Subnets, r.subnet)
		d.Metagraphs[n] = r.neuron
		if ep, ok := epochOf[n]; ok && !r.subnet.Dissolved {
			for _, nr := range r.neuron {
				d.History = append(d.History, store.NeuronEpoch{Neuron: nr, Epoch: ep.Epoch, Height: height})
			}
		}
	}
	return nil
}

// readSubnet reads one subnet and its metagraph at height. A subnet that no longer exists there
// was dissolved: its row comes from the height before (name, owner, lock) marked Dissolved, with
// an empty metagraph.
func (c *Client) readSubnet(ctx context.Context, height int64, netuid uint16, ep store.Epoch, hasEpoch bool) (store.Subnet, []store.Neuron, error) {
	at := atHeight(ctx, height)
	info, err := c.subnet.Subnet(at, &subnettypes.QuerySubnetRequest{Netuid: uint32(netuid)})
	if status.Code(err) == codes.NotFound {
		row := store.Subnet{Netuid: netuid, Dissolved: true, UpdatedAt: height, LastEpochEmission: "0", Locked: "0", RegistrationPrice: "0", Hyperparams: "{}"}
		if height > 1 {
			if prev, perr := c.subnet.Subnet(atHeight(ctx, height-1), &subnettypes.QuerySubnetRequest{Netuid: uint32(netuid)}); perr == nil {
				row = c.subnetRow(prev.Subnet, "0", "0", height)
				row.Dissolved = true
			} else if status.Code(perr) != codes.NotFound {
				return store.Subnet{}, nil, perr
			}
		}
		return row, []store.Neuron{}, nil
	}
	if err != nil {
		return store.Subnet{}, nil, err
	}
	price, err := c.subnet.RegistrationPrice(at, &subnettypes.QueryRegistrationPriceRequest{Netuid: uint32(netuid)})
	if err != nil {
		return store.Subnet{}, nil, fmt.Errorf("registration price: %w", err)
	}
	lastEmission := "0"
	if hasEpoch {
		lastEmission = ep.Emission
	} else {
		last, err := c.intelligence.LastEpoch(at, &intelligencetypes.QueryLastEpochRequest{Netuid: uint32(netuid)})
		switch {
		case err == nil:
			lastEmission = last.LastEpoch.Emission.String()
		case status.Code(err) != codes.NotFound:
			return store.Subnet{}, nil, fmt.Errorf("last epoch: %w", err)
		}
	}
	mg, err := c.subnet.Metagraph(at, &subnettypes.QueryMetagraphRequest{Netuid: uint32(netuid)})
	if err != nil {
		return store.Subnet{}, nil, fmt.Errorf("metagraph: %w", err)
	}
	row := c.subnetRow(info.Subnet, price.Price.String(), lastEmission, height)
	return row, metagraphRows(netuid, mg.Neurons), nil
}

// subnetRow is the store's row of a subnet as the node describes it.
func (c *Client) subnetRow(info subnettypes.SubnetInfo, price, lastEmission string, height int64) store.Subnet {
	s := info.Subnet
	hp, err := c.cdc.MarshalJSON(&s.Hyperparams)
	if err != nil {
		hp = []byte("{}") // cannot happen for a message the codec just decoded
	}
	return store.Subnet{
		Netuid: uint16(s.Netuid), Name: s.Name, Owner: s.Owner, CreatedAt: s.CreatedAt, Locked: s.Locked.String(),
		Hyperparams: string(hp), Tempo: s.Hyperparams.Tempo, Neurons: info.Neurons,
		RegistrationPrice: price, LastEpochEmission: lastEmission, UpdatedAt: height,
	}
}

// metagraphRows converts the node's metagraph into store rows, in uid order as the node sends.
func metagraphRows(netuid uint16, entries []subnettypes.MetagraphEntry) []store.Neuron {
	rows := make([]store.Neuron, 0, len(entries))
	for _, e := range entries {
		axon := ""
		if e.Axon.Host != "" {
			axon = net.JoinHostPort(e.Axon.Host, strconv.FormatUint(uint64(e.Axon.Port), 10))
		}
		rows = append(rows, store.Neuron{
			Netuid: netuid, UID: e.Uid, Hotkey: e.Hotkey, Coldkey: e.Coldkey, Stake: e.Stake.String(),
			Rank: e.Rank, Trust: e.Trust, Consensus: e.Consensus, Incentive: e.Incentive, Dividends: e.Dividends,
			ValidatorTrust: e.ValidatorTrust, Emission: e.Emission.String(), Active: e.Active,
			ValidatorPermit: e.ValidatorPermit, LastUpdate: e.LastUpdate, RegisteredAt: e.RegisteredAt, Axon: axon,
		})
	}
	return rows
}
