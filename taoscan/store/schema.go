package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Keys of the meta table.
const (
	metaSchemaVersion = "schema_version"
	// metaLastHeight is the cursor: every block up to it is indexed.
	metaLastHeight  = "last_height"
	metaFirstHeight = "first_height"
)

// migrations[i] brings the schema from version i to i+1. Only append: a released database
// has run the earlier ones. The SQL is the common subset of SQLite and PostgreSQL (BIGINT,
// INTEGER, TEXT); amounts are BIGINT rao so SUM works, booleans are 0/1 integers, times are
// Unix nanoseconds.
var migrations = [][]string{
	{
		`CREATE TABLE blocks (
			height BIGINT PRIMARY KEY,
			hash TEXT NOT NULL,
			time_ns BIGINT NOT NULL,
			proposer TEXT NOT NULL,
			num_txs INTEGER NOT NULL,
			minted BIGINT NOT NULL,
			issuance BIGINT NOT NULL,
			halvings BIGINT NOT NULL
		)` + withoutRowID,
		`CREATE TABLE txs (
			hash TEXT PRIMARY KEY,
			height BIGINT NOT NULL,
			idx INTEGER NOT NULL,
			code BIGINT NOT NULL,
			codespace TEXT NOT NULL,
			signer TEXT NOT NULL,
			messages TEXT NOT NULL,
			fee TEXT NOT NULL,
			gas_wanted BIGINT NOT NULL,
			gas_used BIGINT NOT NULL,
			memo TEXT NOT NULL,
			log TEXT NOT NULL,
			addresses TEXT NOT NULL
		)`,
		`CREATE UNIQUE INDEX txs_height_idx ON txs (height, idx)`,
		`CREATE TABLE tx_addresses (
			addr TEXT NOT NULL,
			height BIGINT NOT NULL,
			idx INTEGER NOT NULL,
			PRIMARY KEY (addr, height, idx)
		)` + withoutRowID,
		`CREATE TABLE epochs (
			netuid INTEGER NOT NULL,
			epoch BIGINT NOT NULL,
			height BIGINT NOT NULL,
			emission BIGINT NOT NULL,
			owner_emission BIGINT NOT NULL,
			miner_emission BIGINT NOT NULL,
			validator_emission BIGINT NOT NULL,
			take_emission BIGINT NOT NULL,
			neurons BIGINT NOT NULL,
			PRIMARY KEY (netuid, epoch)
		)` + withoutRowID,
		`CREATE TABLE neuron_epochs (` + neuronColumnsDDL + `,
			epoch BIGINT NOT NULL,
			height BIGINT NOT NULL,
			PRIMARY KEY (netuid, uid, epoch)
		)` + withoutRowID,
		// Covers ColdkeyEarnings: grouped in index order, newest first, stopping at the limit.
		`CREATE INDEX neuron_epochs_coldkey ON neuron_epochs (coldkey, height, netuid, epoch, emission)`,
		// Every hotkey ever seen in a metagraph or an offence, so search can tell a hotkey from a
		// coldkey without an index on the whole history.
		`CREATE TABLE hotkeys (hotkey TEXT PRIMARY KEY)` + withoutRowID,
		`CREATE TABLE neurons (` + neuronColumnsDDL + `,
			PRIMARY KEY (netuid, uid)
		)` + withoutRowID,
		`CREATE INDEX neurons_hotkey ON neurons (hotkey)`,
		`CREATE INDEX neurons_coldkey ON neurons (coldkey)`,
		`CREATE TABLE subnets (
			netuid INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			owner TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			locked BIGINT NOT NULL,
			hyperparams TEXT NOT NULL,
			tempo BIGINT NOT NULL,
			neurons BIGINT NOT NULL,
			registration_price BIGINT NOT NULL,
			last_epoch_emission BIGINT NOT NULL,
			dissolved INTEGER NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE TABLE offences (
			id BIGINT PRIMARY KEY,
			kind TEXT NOT NULL,
			netuid INTEGER NOT NULL,
			hotkey TEXT NOT NULL,
			epoch BIGINT NOT NULL,
			height BIGINT NOT NULL,
			evidence_hash TEXT NOT NULL,
			slashed BIGINT NOT NULL,
			reward BIGINT NOT NULL,
			burned BIGINT NOT NULL
		)` + withoutRowID,
		`CREATE INDEX offences_hotkey ON offences (hotkey, id)`,
		// The cursor row exists from the start, so that WriteBlock can lock it even on an
		// empty store.
		`INSERT INTO meta (key, value) VALUES ('` + metaLastHeight + `', 0)`,
	},
}

// withoutRowID marks a table SQLite should store clustered on its primary key (no separate
// rowid b-tree and key index: smaller and fewer pages written per insert). The migration runner
// removes it for PostgreSQL, whose tables are heaps anyway.
const withoutRowID = ` WITHOUT ROWID`

// neuronColumnsDDL are the metagraph columns shared by neurons (current) and neuron_epochs
// (history); neuronColumns lists them in the same order for inserts and selects.
const neuronColumnsDDL = `
	netuid INTEGER NOT NULL,
	uid BIGINT NOT NULL,
	hotkey TEXT NOT NULL,
	coldkey TEXT NOT NULL,
	stake BIGINT NOT NULL,
	rank_ BIGINT NOT NULL,
	trust BIGINT NOT NULL,
	consensus BIGINT NOT NULL,
	incentive BIGINT NOT NULL,
	dividends BIGINT NOT NULL,
	validator_trust BIGINT NOT NULL,
	emission BIGINT NOT NULL,
	active INTEGER NOT NULL,
	validator_permit INTEGER NOT NULL,
	last_update BIGINT NOT NULL,
	registered_at BIGINT NOT NULL,
	axon TEXT NOT NULL`

const neuronColumns = `netuid, uid, hotkey, coldkey, stake, rank_, trust, consensus, incentive, dividends, ` +
	`validator_trust, emission, active, validator_permit, last_update, registered_at, axon`

// SchemaVersion is the schema version this build writes; Open migrates older databases to it.
var SchemaVersion = int64(len(migrations))

// migrationLockID is the PostgreSQL advisory lock taoscan holds while it migrates, so that two
// processes opening a new database at once do not both create the tables.
const migrationLockID = 0x7461_6f73_6361_6e // "taoscan"

// migrate creates the meta table if needed and runs the migrations the database has not run,
// each in its own transaction together with the new version number.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	defer conn.Close()
	if s.driver == DriverPostgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLockID)); err != nil {
			return fmt.Errorf("migrate schema: take the migration lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrationLockID))
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create meta table: %w", err)
	}
	version, err := s.metaValue(ctx, conn, metaSchemaVersion)
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this taoscan's (%d): use a newer taoscan or a new database", version, SchemaVersion)
	}
	for v := version; v < SchemaVersion; v++ {
		if err := s.runMigration(ctx, conn, v); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

// runMigration runs migrations[v] and records version v+1, in one transaction.
func (s *Store) runMigration(ctx context.Context, conn *sql.Conn, v int64) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have run it between our read of the version and this transaction
	// (SQLite has no advisory lock; its write lock is taken at BEGIN): read it again under the
	// lock.
	current, err := s.metaValue(ctx, tx, metaSchemaVersion)
	if err != nil {
		return err
	}
	if current > v {
		return nil
	}
	for _, stmt := range migrations[v] {
		if s.driver == DriverPostgres {
			stmt = strings.TrimSuffix(stmt, withoutRowID)
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if err := s.setMeta(ctx, tx, metaSchemaVersion, v+1); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) setMeta(ctx context.Context, tx *sql.Tx, key string, value int64) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`), key, value)
	return err
}
