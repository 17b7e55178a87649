package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxMetagraph is the largest subnet: Metagraph and the per-key neuron lists never return more.
const maxMetagraph = 4096

type scanner interface {
	Scan(dest ...any) error
}

func scanBlock(r scanner) (Block, error) {
	var b Block
	var timeNs, numTxs, minted, issuance, halvings int64
	if err := r.Scan(&b.Height, &b.Hash, &timeNs, &b.Proposer, &numTxs, &minted, &issuance, &halvings); err != nil {
		return b, err
	}
	b.Time = time.Unix(0, timeNs).UTC()
	b.NumTxs = int(numTxs)
	b.Minted = formatAmount(minted)
	b.Issuance = formatAmount(issuance)
	b.Halvings = uint32(halvings)
	return b, nil
}

func scanTx(r scanner) (Tx, error) {
	var t Tx
	var idx, code int64
	var msgs, addrs string
	if err := r.Scan(&t.Hash, &t.Height, &idx, &code, &t.Codespace, &t.Signer, &msgs, &t.Fee, &t.GasWanted,
		&t.GasUsed, &t.Memo, &t.Log, &addrs); err != nil {
		return t, err
	}
	t.Index = int(idx)
	t.Code = uint32(code)
	if err := json.Unmarshal([]byte(msgs), &t.Messages); err != nil {
		return t, fmt.Errorf("tx %s messages: %w", t.Hash, err)
	}
	if err := json.Unmarshal([]byte(addrs), &t.Addresses); err != nil {
		return t, fmt.Errorf("tx %s addresses: %w", t.Hash, err)
	}
	if len(t.Addresses) == 0 {
		t.Addresses = nil
	}
	return t, nil
}

func scanEpoch(r scanner) (Epoch, error) {
	var e Epoch
	var netuid, epoch, neurons int64
	var amounts [5]int64
	if err := r.Scan(&netuid, &epoch, &e.Height, &amounts[0], &amounts[1], &amounts[2], &amounts[3], &amounts[4], &neurons); err != nil {
		return e, err
	}
	e.Netuid, e.Epoch, e.Neurons = uint16(netuid), uint64(epoch), uint32(neurons)
	e.Emission, e.OwnerEmission, e.MinerEmission = formatAmount(amounts[0]), formatAmount(amounts[1]), formatAmount(amounts[2])
	e.ValidatorEmission, e.TakeEmission = formatAmount(amounts[3]), formatAmount(amounts[4])
	return e, nil
}

// neuronDest returns scan destinations for neuronColumns and a function that fills n from them.
func neuronDest(n *Neuron) ([]any, func()) {
	var netuid, uid, stake, rank, trust, consensus, incentive, dividends, vtrust, emission, active, permit int64
	dest := []any{&netuid, &uid, &n.Hotkey, &n.Coldkey, &stake, &rank, &trust, &consensus, &incentive, &dividends,
		&vtrust, &emission, &active, &permit, &n.LastUpdate, &n.RegisteredAt, &n.Axon}
	return dest, func() {
		n.Netuid, n.UID = uint16(netuid), uint32(uid)
		n.Stake, n.Emission = formatAmount(stake), formatAmount(emission)
		n.Rank, n.Trust, n.Consensus = uint32(rank), uint32(trust), uint32(consensus)
		n.Incentive, n.Dividends, n.ValidatorTrust = uint32(incentive), uint32(dividends), uint32(vtrust)
		n.Active, n.ValidatorPermit = active != 0, permit != 0
	}
}

func scanNeuron(r scanner) (Neuron, error) {
	var n Neuron
	dest, fill := neuronDest(&n)
	if err := r.Scan(dest...); err != nil {
		return n, err
	}
	fill()
	return n, nil
}

func scanNeuronEpoch(r scanner) (NeuronEpoch, error) {
	var ne NeuronEpoch
	var epoch int64
	dest, fill := neuronDest(&ne.Neuron)
	if err := r.Scan(append(dest, &epoch, &ne.Height)...); err != nil {
		return ne, err
	}
	fill()
	ne.Epoch = uint64(epoch)
	return ne, nil
}

func scanSubnet(r scanner) (Subnet, error) {
	var sn Subnet
	var netuid, locked, tempo, neurons, price, lastEmission, dissolved int64
	if err := r.Scan(&netuid, &sn.Name, &sn.Owner, &sn.CreatedAt, &locked, &sn.Hyperparams, &tempo, &neurons,
		&price, &lastEmission, &dissolved, &sn.UpdatedAt); err != nil {
		return sn, err
	}
	sn.Netuid, sn.Tempo, sn.Neurons = uint16(netuid), uint64(tempo), uint32(neurons)
	sn.Locked, sn.RegistrationPrice, sn.LastEpochEmission = formatAmount(locked), formatAmount(price), formatAmount(lastEmission)
	sn.Dissolved = dissolved != 0
	return sn, nil
}

func scanOffence(r scanner) (Offence, error) {
	var o Offence
	var id, netuid, epoch, slashed, reward, burned int64
	if err := r.Scan(&id, &o.Kind, &netuid, &o.Hotkey, &epoch, &o.Height, &o.EvidenceHash, &slashed, &reward, &burned); err != nil {
		return o, err
	}
	o.ID, o.Netuid, o.Epoch = uint64(id), uint16(netuid), uint64(epoch)
	o.Slashed, o.Reward, o.Burned = formatAmount(slashed), formatAmount(reward), formatAmount(burned)
	return o, nil
}

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return out, nil
}

// one runs a query for a single row; no row is ErrNotFound wrapped with what.
func one[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.db.QueryRowContext(ctx, s.q(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("read %s: %w", what, err)
	}
	return v, nil
}

// LatestBlocks returns up to limit blocks newest first, below height before (before <= 0: from
// the newest block).
func (s *Store) LatestBlocks(ctx context.Context, limit int, before int64) ([]Block, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	if before <= 0 {
		return list(ctx, s, "blocks", scanBlock, `SELECT `+blockColumns+` FROM blocks ORDER BY height DESC LIMIT ?`, limit)
	}
	return list(ctx, s, "blocks", scanBlock, `SELECT `+blockColumns+` FROM blocks WHERE height < ? ORDER BY height DESC LIMIT ?`, before, limit)
}

// Block returns the block at height.
func (s *Store) Block(ctx context.Context, height int64) (Block, error) {
	return one(ctx, s, fmt.Sprintf("block %d", height), scanBlock, `SELECT `+blockColumns+` FROM blocks WHERE height = ?`, height)
}

// BlockTxs returns the txs of a block by index (none for an unknown block).
func (s *Store) BlockTxs(ctx context.Context, height int64) ([]Tx, error) {
	return list(ctx, s, fmt.Sprintf("txs of block %d", height), scanTx, `SELECT `+txColumns+` FROM txs WHERE height = ? ORDER BY idx`, height)
}

// Tx returns the tx with the given hash (hex, any case).
func (s *Store) Tx(ctx context.Context, hash string) (Tx, error) {
	return one(ctx, s, "tx "+hash, scanTx, `SELECT `+txColumns+` FROM txs WHERE hash = ?`, strings.ToUpper(hash))
}

// LatestTxs returns up to limit txs, newest first.
func (s *Store) LatestTxs(ctx context.Context, limit int) ([]Tx, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	return list(ctx, s, "txs", scanTx, `SELECT `+txColumns+` FROM txs ORDER BY height DESC, idx DESC LIMIT ?`, limit)
}

// AddressTxs returns up to limit txs naming addr, newest first.
func (s *Store) AddressTxs(ctx context.Context, addr string, limit int) ([]Tx, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	return list(ctx, s, "txs of "+addr, scanTx, `SELECT `+prefixed("t", txColumns)+`
		FROM tx_addresses a JOIN txs t ON t.height = a.height AND t.idx = a.idx
		WHERE a.addr = ? ORDER BY a.height DESC, a.idx DESC LIMIT ?`, addr, limit)
}

// Supply returns at most points blocks sampled evenly by height over the indexed range,
// ascending, always including the last block: the supply chart's points, read without loading
// the whole history.
func (s *Store) Supply(ctx context.Context, points int) ([]Block, error) {
	if err := checkLimit(points, MaxLimit); err != nil {
		return nil, err
	}
	first, err := s.FirstHeight(ctx)
	if err != nil {
		return nil, err
	}
	last, err := s.LastHeight(ctx)
	if err != nil {
		return nil, err
	}
	if last == 0 {
		return nil, nil
	}
	n := last - first + 1
	if points == 1 {
		b, err := s.Block(ctx, last)
		if err != nil {
			return nil, err
		}
		return []Block{b}, nil
	}
	if n <= int64(points) {
		return list(ctx, s, "supply", scanBlock, `SELECT `+blockColumns+` FROM blocks ORDER BY height`)
	}
	// Heights first, first+step, … plus last: floor((n-1)/step)+1 samples and the last, which
	// is at most points when step > (n-1)/(points-1). The heights are listed so that the
	// database looks up each by its primary key instead of scanning the history.
	step := (n-1)/int64(points-1) + 1
	args := make([]any, 0, points)
	for h := first; h < last; h += step {
		args = append(args, h)
	}
	args = append(args, last)
	return list(ctx, s, "supply", scanBlock, `SELECT `+blockColumns+` FROM blocks WHERE height IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`) ORDER BY height`, args...)
}

// KnownHotkey reports whether addr is, or was, a hotkey of a neuron the store has seen (in a
// metagraph, the history, or an offence): search sends such an address to the hotkey page
// rather than the account page.
func (s *Store) KnownHotkey(ctx context.Context, addr string) (bool, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM hotkeys WHERE hotkey = ?`), addr).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up hotkey %s: %w", addr, err)
	}
	return n > 0, nil
}

// Subnets returns the subnets that are not dissolved, by last epoch emission (descending),
// then netuid.
func (s *Store) Subnets(ctx context.Context) ([]Subnet, error) {
	return list(ctx, s, "subnets", scanSubnet, `SELECT `+subnetColumns+` FROM subnets WHERE dissolved = 0
		ORDER BY last_epoch_emission DESC, netuid`)
}

// Subnet returns a subnet's row, dissolved or not.
func (s *Store) Subnet(ctx context.Context, netuid uint16) (Subnet, error) {
	return one(ctx, s, fmt.Sprintf("subnet %d", netuid), scanSubnet, `SELECT `+subnetColumns+` FROM subnets WHERE netuid = ?`, int64(netuid))
}

// Epochs returns up to limit epochs of a subnet, newest first.
func (s *Store) Epochs(ctx context.Context, netuid uint16, limit int) ([]Epoch, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	return list(ctx, s, fmt.Sprintf("epochs of subnet %d", netuid), scanEpoch, `SELECT `+epochColumns+` FROM epochs
		WHERE netuid = ? ORDER BY epoch DESC LIMIT ?`, int64(netuid), limit)
}

// Metagraph returns a subnet's current metagraph by uid (empty for an unknown subnet).
func (s *Store) Metagraph(ctx context.Context, netuid uint16) ([]Neuron, error) {
	return list(ctx, s, fmt.Sprintf("metagraph of subnet %d", netuid), scanNeuron, `SELECT `+neuronColumns+` FROM neurons
		WHERE netuid = ? ORDER BY uid LIMIT ?`, int64(netuid), maxMetagraph)
}

// Neuron returns the current row of one neuron.
func (s *Store) Neuron(ctx context.Context, netuid uint16, uid uint32) (Neuron, error) {
	return one(ctx, s, fmt.Sprintf("neuron %d of subnet %d", uid, netuid), scanNeuron, `SELECT `+neuronColumns+` FROM neurons
		WHERE netuid = ? AND uid = ?`, int64(netuid), int64(uid))
}

// NeuronHistory returns a neuron's rows of its newest limit epochs, ascending by epoch (the
// order a chart draws them).
func (s *Store) NeuronHistory(ctx context.Context, netuid uint16, uid uint32, limit int) ([]NeuronEpoch, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	out, err := list(ctx, s, fmt.Sprintf("history of neuron %d of subnet %d", uid, netuid), scanNeuronEpoch,
		`SELECT `+neuronColumns+`, epoch, height FROM neuron_epochs WHERE netuid = ? AND uid = ?
		ORDER BY epoch DESC LIMIT ?`, int64(netuid), int64(uid), limit)
	slices.Reverse(out)
	return out, err
}

// HotkeyNeurons returns the current rows of a hotkey on every subnet, by netuid.
func (s *Store) HotkeyNeurons(ctx context.Context, hotkey string) ([]Neuron, error) {
	return list(ctx, s, "neurons of hotkey "+hotkey, scanNeuron, `SELECT `+neuronColumns+` FROM neurons
		WHERE hotkey = ? ORDER BY netuid, uid LIMIT ?`, hotkey, maxMetagraph)
}

// ColdkeyNeurons returns the current rows of every hotkey a coldkey owns, by netuid and uid.
func (s *Store) ColdkeyNeurons(ctx context.Context, coldkey string) ([]Neuron, error) {
	return list(ctx, s, "neurons of coldkey "+coldkey, scanNeuron, `SELECT `+neuronColumns+` FROM neurons
		WHERE coldkey = ? ORDER BY netuid, uid LIMIT ?`, coldkey, maxMetagraph)
}

// ColdkeyEarnings returns what a coldkey's neurons earned in each subnet epoch (the sum of the
// emission of its rows in the history), the newest limit epochs, ascending by height.
func (s *Store) ColdkeyEarnings(ctx context.Context, coldkey string, limit int) ([]Earning, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	out, err := list(ctx, s, "earnings of coldkey "+coldkey, func(r scanner) (Earning, error) {
		var e Earning
		var netuid, epoch, sum int64
		if err := r.Scan(&netuid, &epoch, &e.Height, &sum); err != nil {
			return e, err
		}
		e.Netuid, e.Epoch, e.Emission = uint16(netuid), uint64(epoch), formatAmount(sum)
		return e, nil
	}, `SELECT netuid, epoch, height, CAST(SUM(emission) AS BIGINT) FROM neuron_epochs WHERE coldkey = ?
		GROUP BY height, netuid, epoch ORDER BY height DESC, netuid DESC, epoch DESC LIMIT ?`, coldkey, limit)
	slices.Reverse(out)
	return out, err
}

// Offences returns up to limit offences newest first, with an id below beforeID (0: from the
// newest).
func (s *Store) Offences(ctx context.Context, limit int, beforeID uint64) ([]Offence, error) {
	if err := checkLimit(limit, MaxLimit); err != nil {
		return nil, err
	}
	if beforeID == 0 {
		return list(ctx, s, "offences", scanOffence, `SELECT `+offenceColumns+` FROM offences ORDER BY id DESC LIMIT ?`, limit)
	}
	return list(ctx, s, "offences", scanOffence, `SELECT `+offenceColumns+` FROM offences WHERE id < ?
		ORDER BY id DESC LIMIT ?`, int64(beforeID), limit)
}

// HotkeyOffences returns a hotkey's offences, newest first (at most MaxLimit).
func (s *Store) HotkeyOffences(ctx context.Context, hotkey string) ([]Offence, error) {
	return list(ctx, s, "offences of "+hotkey, scanOffence, `SELECT `+offenceColumns+` FROM offences WHERE hotkey = ?
		ORDER BY id DESC LIMIT ?`, hotkey, MaxLimit)
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}
