package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// maxParams bounds the placeholders of one multi-row insert, below both SQLite's (32766) and
// PostgreSQL's (65535) limits; maxRowsPerInsert keeps statements a reasonable size.
const (
	maxParams        = 16000
	maxRowsPerInsert = 512
)

// WriteBlock writes everything of one block and moves the cursor, in one transaction: a block
// is either fully indexed or not at all. The height must be LastHeight()+1, or any height >= 1
// when the store is empty; otherwise the error wraps ErrOutOfOrder.
//
// Subnet rows are stored as given: the indexer sets LastEpochEmission (which orders Subnets)
// when it refreshes a subnet after an epoch.
func (s *Store) WriteBlock(ctx context.Context, d BlockData) error {
	h := d.Block.Height
	if h < 1 {
		return fmt.Errorf("block height %d: heights start at 1", h)
	}
	// Convert everything before taking the write lock, so a bad amount fails fast.
	rows, err := blockRows(d)
	if err != nil {
		return fmt.Errorf("block %d: %w", h, err)
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("block %d: begin: %w", h, err)
	}
	w := &writer{s: s, tx: tx}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()

	last, err := s.lockCursor(ctx, tx)
	if err != nil {
		return fmt.Errorf("block %d: %w", h, err)
	}
	if last != 0 && h != last+1 {
		return fmt.Errorf("%w: block %d cannot follow the last indexed block %d (expected %d)", ErrOutOfOrder, h, last, last+1)
	}

	for _, netuid := range rows.metagraphOrder {
		if _, err := w.exec(ctx, s.q(deleteMetagraphSQL), int64(netuid)); err != nil {
			return fmt.Errorf("block %d: clear metagraph of subnet %d: %w", h, netuid, err)
		}
		if err := w.insert(ctx, neuronsTable, rows.metagraphs[netuid]); err != nil {
			return fmt.Errorf("block %d: write metagraph of subnet %d: %w", h, netuid, err)
		}
	}
	for _, sn := range rows.subnets {
		if _, err := w.exec(ctx, s.q(upsertSubnetSQL), sn...); err != nil {
			return fmt.Errorf("block %d: write subnet %v: %w", h, sn[0], err)
		}
	}

	for _, t := range rows.tables {
		if err := w.insert(ctx, t.insertTable, t.rows); err != nil {
			return fmt.Errorf("block %d: write %s: %w", h, t.name, err)
		}
	}
	if err := w.insertHotkeys(ctx, rows.hotkeys); err != nil {
		return fmt.Errorf("block %d: record hotkeys: %w", h, err)
	}

	if last == 0 {
		if err := s.setMeta(ctx, tx, metaFirstHeight, h); err != nil {
			return fmt.Errorf("block %d: set first height: %w", h, err)
		}
	}
	// Conditional on the value read above: a concurrent writer (PostgreSQL has no database-wide
	// write lock) makes this update miss instead of skipping a block. The cursor row exists from
	// the first migration on (value 0 on an empty store).
	res, err := w.exec(ctx, s.q(moveCursorSQL), h, metaLastHeight, last)
	if err != nil {
		return fmt.Errorf("block %d: move cursor: %w", h, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%w: block %d: another writer moved the cursor from %d", ErrOutOfOrder, h, last)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("block %d: commit: %w", h, err)
	}
	committed = true
	return nil
}

const (
	blockColumns   = `height, hash, time_ns, proposer, num_txs, minted, issuance, halvings`
	txColumns      = `hash, height, idx, code, codespace, signer, messages, fee, gas_wanted, gas_used, memo, log, addresses`
	epochColumns   = `netuid, epoch, height, emission, owner_emission, miner_emission, validator_emission, take_emission, neurons`
	subnetColumns  = `netuid, name, owner, created_at, locked, hyperparams, tempo, neurons, registration_price, last_epoch_emission, dissolved, updated_at`
	offenceColumns = `id, kind, netuid, hotkey, epoch, height, evidence_hash, slashed, reward, burned`
)

// insertTable is a table WriteBlock fills with multi-row inserts.
type insertTable struct {
	name, columns string
	// onConflict ends each insert (empty: a duplicate row fails the block).
	onConflict string
}

var (
	blocksTable       = insertTable{name: "blocks", columns: blockColumns}
	txsTable          = insertTable{name: "txs", columns: txColumns}
	txAddressesTable  = insertTable{name: "tx_addresses", columns: txAddressColumns}
	epochsTable       = insertTable{name: "epochs", columns: epochColumns}
	neuronEpochsTable = insertTable{name: "neuron_epochs", columns: neuronEpochColumns}
	offencesTable     = insertTable{name: "offences", columns: offenceColumns}
	neuronsTable      = insertTable{name: "neurons", columns: neuronColumns}
	// hotkeys records every hotkey ever seen; one already there is not an error.
	hotkeysTable = insertTable{name: "hotkeys", columns: "hotkey", onConflict: " ON CONFLICT (hotkey) DO NOTHING"}
)

// insertTables are the tables WriteBlock fills with multi-row inserts.
var insertTables = []insertTable{blocksTable, txsTable, txAddressesTable, epochsTable, neuronEpochsTable,
	offencesTable, neuronsTable, hotkeysTable}

// tableRows are the flattened rows of one table: len(rows) is a multiple of the column count.
type tableRows struct {
	insertTable
	rows []any
}

type blockRowSet struct {
	tables         []tableRows
	metagraphOrder []uint16
	metagraphs     map[uint16][]any
	subnets        [][]any
	// hotkeys named by the block's metagraphs, history and offences, sorted and unique.
	hotkeys []string
}

// blockRows converts a BlockData into SQL argument rows, parsing every amount.
func blockRows(d BlockData) (blockRowSet, error) {
	var out blockRowSet
	b := d.Block
	minted, err := parseAmount("minted", b.Minted)
	if err != nil {
		return out, err
	}
	issuance, err := parseAmount("issuance", b.Issuance)
	if err != nil {
		return out, err
	}
	out.tables = append(out.tables, tableRows{blocksTable, []any{
		b.Height, strings.ToUpper(b.Hash), b.Time.UnixNano(), b.Proposer, int64(b.NumTxs), minted, issuance, int64(b.Halvings),
	}})

	txs := make([]any, 0, len(d.Txs)*13)
	var addrs []any
	for _, t := range d.Txs {
		msgs, err := json.Marshal(nonNil(t.Messages))
		if err != nil {
			return out, err
		}
		uniq := slices.Clone(t.Addresses)
		slices.Sort(uniq)
		uniq = slices.Compact(uniq)
		addrJSON, err := json.Marshal(nonNil(uniq))
		if err != nil {
			return out, err
		}
		txs = append(txs, strings.ToUpper(t.Hash), b.Height, int64(t.Index), int64(t.Code), t.Codespace, t.Signer,
			string(msgs), t.Fee, t.GasWanted, t.GasUsed, t.Memo, t.Log, string(addrJSON))
		for _, a := range uniq {
			if a != "" {
				addrs = append(addrs, a, b.Height, int64(t.Index))
			}
		}
	}
	out.tables = append(out.tables, tableRows{txsTable, txs}, tableRows{txAddressesTable, addrs})

	epochs := make([]any, 0, len(d.Epochs)*9)
	for _, e := range d.Epochs {
		var amounts [5]int64
		for i, a := range []struct{ what, v string }{
			{"epoch emission", e.Emission}, {"epoch owner emission", e.OwnerEmission}, {"epoch miner emission", e.MinerEmission},
			{"epoch validator emission", e.ValidatorEmission}, {"epoch take emission", e.TakeEmission},
		} {
			if amounts[i], err = parseAmount(fmt.Sprintf("subnet %d %s", e.Netuid, a.what), a.v); err != nil {
				return out, err
			}
		}
		epochs = append(epochs, int64(e.Netuid), int64(e.Epoch), e.Height, amounts[0], amounts[1], amounts[2], amounts[3], amounts[4], int64(e.Neurons))
	}
	out.tables = append(out.tables, tableRows{epochsTable, epochs})

	history := make([]any, 0, len(d.History)*19)
	for _, n := range d.History {
		if history, err = appendNeuron(history, n.Neuron); err != nil {
			return out, err
		}
		history = append(history, int64(n.Epoch), n.Height)
	}
	out.tables = append(out.tables, tableRows{neuronEpochsTable, history})

	offences := make([]any, 0, len(d.Offences)*10)
	for _, o := range d.Offences {
		var amounts [3]int64
		for i, a := range []struct{ what, v string }{{"slashed", o.Slashed}, {"reward", o.Reward}, {"burned", o.Burned}} {
			if amounts[i], err = parseAmount(fmt.Sprintf("offence %d %s", o.ID, a.what), a.v); err != nil {
				return out, err
			}
		}
		offences = append(offences, int64(o.ID), o.Kind, int64(o.Netuid), o.Hotkey, int64(o.Epoch), o.Height,
			o.EvidenceHash, amounts[0], amounts[1], amounts[2])
	}
	out.tables = append(out.tables, tableRows{offencesTable, offences})

	out.metagraphs = make(map[uint16][]any, len(d.Metagraphs))
	for netuid, neurons := range d.Metagraphs {
		out.metagraphOrder = append(out.metagraphOrder, netuid)
		rows := make([]any, 0, len(neurons)*17)
		for _, n := range neurons {
			if n.Netuid != netuid {
				return out, fmt.Errorf("metagraph of subnet %d holds neuron uid %d of subnet %d", netuid, n.UID, n.Netuid)
			}
			if rows, err = appendNeuron(rows, n); err != nil {
				return out, err
			}
		}
		out.metagraphs[netuid] = rows
	}
	slices.Sort(out.metagraphOrder)

	for _, n := range d.History {
		out.hotkeys = append(out.hotkeys, n.Hotkey)
	}
	for _, ns := range d.Metagraphs {
		for _, n := range ns {
			out.hotkeys = append(out.hotkeys, n.Hotkey)
		}
	}
	for _, o := range d.Offences {
		out.hotkeys = append(out.hotkeys, o.Hotkey)
	}
	slices.Sort(out.hotkeys)
	out.hotkeys = slices.Compact(out.hotkeys)

	for _, sn := range d.Subnets {
		locked, err := parseAmount(fmt.Sprintf("subnet %d locked", sn.Netuid), sn.Locked)
		if err != nil {
			return out, err
		}
		price, err := parseAmount(fmt.Sprintf("subnet %d registration price", sn.Netuid), sn.RegistrationPrice)
		if err != nil {
			return out, err
		}
		lastEmission, err := parseAmount(fmt.Sprintf("subnet %d last epoch emission", sn.Netuid), sn.LastEpochEmission)
		if err != nil {
			return out, err
		}
		out.subnets = append(out.subnets, []any{int64(sn.Netuid), sn.Name, sn.Owner, sn.CreatedAt, locked, sn.Hyperparams,
			int64(sn.Tempo), int64(sn.Neurons), price, lastEmission, boolInt(sn.Dissolved), sn.UpdatedAt})
	}
	return out, nil
}

func appendNeuron(args []any, n Neuron) ([]any, error) {
	stake, err := parseAmount(fmt.Sprintf("subnet %d uid %d stake", n.Netuid, n.UID), n.Stake)
	if err != nil {
		return args, err
	}
	emission, err := parseAmount(fmt.Sprintf("subnet %d uid %d emission", n.Netuid, n.UID), n.Emission)
	if err != nil {
		return args, err
	}
	return append(args, int64(n.Netuid), int64(n.UID), n.Hotkey, n.Coldkey, stake, int64(n.Rank), int64(n.Trust),
		int64(n.Consensus), int64(n.Incentive), int64(n.Dividends), int64(n.ValidatorTrust), emission,
		boolInt(n.Active), boolInt(n.ValidatorPermit), n.LastUpdate, n.RegisteredAt, n.Axon), nil
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// writer holds one WriteBlock transaction.
type writer struct {
	s  *Store
	tx *sql.Tx
}

// exec runs one of the store's write statements in the transaction, using the statement
// prepared at Open (every statement WriteBlock runs is): an epoch block runs dozens of large
// multi-row inserts, and parsing each again for every block cost a tenth of the write time.
func (w *writer) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := w.s.writeStmts[query]
	if !ok {
		return nil, fmt.Errorf("internal: statement not prepared at Open (or the store is closed): %.60s…", query)
	}
	return w.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// insert writes flattened rows into table with multi-row INSERTs of power-of-two sizes, so
// that a handful of prepared statements serve every row count.
func (w *writer) insert(ctx context.Context, t insertTable, args []any) error {
	if len(args) == 0 {
		return nil
	}
	ncols := strings.Count(t.columns, ",") + 1
	if len(args)%ncols != 0 {
		return fmt.Errorf("internal: %d values for %d columns", len(args), ncols)
	}
	for len(args) > 0 {
		n := chunkRows(len(args)/ncols, ncols)
		if _, err := w.exec(ctx, w.s.q(insertSQL(t, ncols, n)), args[:n*ncols]...); err != nil {
			return err
		}
		args = args[n*ncols:]
	}
	return nil
}

// chunkRows is the largest power of two <= rows that one insert of ncols columns may carry.
func chunkRows(rows, ncols int) int {
	limit := min(rows, maxParams/ncols, maxRowsPerInsert)
	n := 1
	for n*2 <= limit {
		n *= 2
	}
	return n
}

func insertSQL(t insertTable, ncols, nrows int) string {
	row := "(" + strings.Repeat("?, ", ncols-1) + "?)"
	var b strings.Builder
	b.Grow(len(t.name) + len(t.columns) + len(t.onConflict) + 32 + nrows*(len(row)+2))
	b.WriteString("INSERT INTO ")
	b.WriteString(t.name)
	b.WriteString(" (")
	b.WriteString(t.columns)
	b.WriteString(") VALUES ")
	for i := 0; i < nrows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(t.onConflict)
	return b.String()
}

const (
	txAddressColumns   = `addr, height, idx`
	neuronEpochColumns = neuronColumns + `, epoch, height`
	deleteMetagraphSQL = `DELETE FROM neurons WHERE netuid = ?`
	moveCursorSQL      = `UPDATE meta SET value = ? WHERE key = ? AND value = ?`
	upsertSubnetSQL    = `INSERT INTO subnets (` + subnetColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (netuid) DO UPDATE SET name = excluded.name, owner = excluded.owner,
		created_at = excluded.created_at, locked = excluded.locked, hyperparams = excluded.hyperparams,
		tempo = excluded.tempo, neurons = excluded.neurons, registration_price = excluded.registration_price,
		last_epoch_emission = excluded.last_epoch_emission, dissolved = excluded.dissolved,
		updated_at = excluded.updated_at`
)

// prepareWrites prepares every statement WriteBlock runs (each insert in every chunk size).
func (s *Store) prepareWrites(ctx context.Context) error {
	s.writeStmts = map[string]*sql.Stmt{}
	var queries []string
	for _, t := range insertTables {
		ncols := strings.Count(t.columns, ",") + 1
		for n := 1; n <= chunkRows(maxRowsPerInsert, ncols); n *= 2 {
			queries = append(queries, insertSQL(t, ncols, n))
		}
	}
	queries = append(queries, deleteMetagraphSQL, moveCursorSQL, upsertSubnetSQL)
	for _, q := range queries {
		q = s.q(q)
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			s.closeWrites()
			return fmt.Errorf("prepare %.60s…: %w", q, err)
		}
		s.writeStmts[q] = st
	}
	return nil
}

func (s *Store) closeWrites() {
	for _, st := range s.writeStmts {
		st.Close()
	}
	s.writeStmts = nil
}

// lockCursor reads the cursor inside the write transaction. On PostgreSQL it also locks the row,
// so a second writer waits and then sees the moved cursor (ErrOutOfOrder) instead of failing on
// a duplicate key; SQLite's BEGIN IMMEDIATE already serializes writers.
func (s *Store) lockCursor(ctx context.Context, tx *sql.Tx) (int64, error) {
	query := `SELECT value FROM meta WHERE key = ?`
	if s.driver == DriverPostgres {
		query += ` FOR UPDATE`
	}
	var v int64
	if err := tx.QueryRowContext(ctx, s.q(query), metaLastHeight).Scan(&v); err != nil {
		return 0, fmt.Errorf("read cursor: %w", err)
	}
	return v, nil
}

// insertHotkeys adds the hotkeys the table does not hold yet.
func (w *writer) insertHotkeys(ctx context.Context, hotkeys []string) error {
	args := make([]any, len(hotkeys))
	for i, hk := range hotkeys {
		args[i] = hk
	}
	return w.insert(ctx, hotkeysTable, args)
}
