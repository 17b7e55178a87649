package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	// The two database/sql drivers the store speaks: "sqlite" (pure Go, so taoscan stays a
	// single static binary) and "pgx" for PostgreSQL.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// ErrNotFound is returned (wrapped) when a block, tx, subnet or neuron is not in the store.
var ErrNotFound = errors.New("not found")

// ErrOutOfOrder is returned (wrapped) by WriteBlock for a height other than LastHeight()+1: the
// indexer must write blocks one after the other so that the cursor always means "everything up
// to here is indexed".
var ErrOutOfOrder = errors.New("block out of order")

// MaxLimit is the largest limit a list read accepts, except Metagraph which returns a whole
// subnet. It bounds what one page request can pull from the database.
const MaxLimit = 1000

// The drivers Driver reports.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Store is taoscan's database handle; it is safe for concurrent use (one writer, many readers).
type Store struct {
	db     *sql.DB
	driver string
	dsn    string
	// writeStmts are WriteBlock's statements prepared at Open, by query text (already rebound).
	writeStmts map[string]*sql.Stmt
}

// Open opens or creates the database: dsn "postgres://…" or "postgresql://…" is PostgreSQL,
// anything else a SQLite file path (":memory:" allowed for tests). The schema is created or
// migrated on open.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{dsn: dsn}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.driver = DriverPostgres
		s.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.db.SetMaxOpenConns(8)
	} else {
		if dsn == "" {
			return nil, errors.New("empty database path: give a SQLite file path, \":memory:\" or a postgres:// URL")
		}
		// The driver reads its options after the first '?', so a path with one would be cut.
		if strings.ContainsRune(dsn, '?') {
			return nil, fmt.Errorf("SQLite path %q contains '?': use a path without it", dsn)
		}
		s.driver = DriverSQLite
		// WAL lets the web server read while the indexer writes; busy_timeout makes a second
		// writer wait instead of failing; NORMAL sync is durable at each checkpoint and a crash
		// loses at most the last blocks, which the indexer writes again from the cursor.
		// _txlock=immediate takes the write lock at BEGIN, so WriteBlock's read of the cursor
		// and its writes cannot interleave with another writer.
		opts := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		s.db, err = sql.Open("sqlite", dsn+opts)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		if dsn == ":memory:" || strings.Contains(dsn, "mode=memory") {
			// Every connection to ":memory:" is a different database: keep one.
			s.db.SetMaxOpenConns(1)
		} else {
			s.db.SetMaxOpenConns(4)
		}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.driver, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.prepareWrites(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.closeWrites()
	return s.db.Close()
}

// Driver is "sqlite" or "postgres".
func (s *Store) Driver() string {
	return s.driver
}

// q rewrites a query written with '?' placeholders for the store's driver: PostgreSQL numbers
// them ($1, $2, …). No query of the store has a '?' inside a literal.
func (s *Store) q(query string) string {
	if s.driver != DriverPostgres {
		return query
	}
	return rebindDollar(query)
}

func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// LastHeight is the height of the newest indexed block, 0 when the store is empty.
func (s *Store) LastHeight(ctx context.Context) (int64, error) {
	return s.metaValue(ctx, s.db, metaLastHeight)
}

// FirstHeight is the height of the oldest indexed block, 0 when the store is empty.
func (s *Store) FirstHeight(ctx context.Context) (int64, error) {
	return s.metaValue(ctx, s.db, metaFirstHeight)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) metaValue(ctx context.Context, db queryer, key string) (int64, error) {
	var v int64
	err := db.QueryRowContext(ctx, s.q(`SELECT value FROM meta WHERE key = ?`), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// SizeBytes is the size of the database on disk: SQLite's pages after a WAL checkpoint, or
// PostgreSQL's pg_database_size.
func (s *Store) SizeBytes(ctx context.Context) (int64, error) {
	if s.driver == DriverPostgres {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
			return 0, fmt.Errorf("database size: %w", err)
		}
		return n, nil
	}
	// One connection for the three statements, so they see the same database.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	defer conn.Close()
	// PASSIVE never waits for readers; what it cannot copy yet stays in the WAL, which
	// page_count counts anyway.
	var busy, logFrames, checkpointed int64
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return 0, fmt.Errorf("database size: checkpoint: %w", err)
	}
	var pages, pageSize int64
	if err := conn.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return pages * pageSize, nil
}

// parseAmount turns a rao amount (math.Int's decimal form) into the int64 the schema stores, so
// that SQL can sum it. what names the field for the error.
func parseAmount(what, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("%s amount %s does not fit the store's int64 columns (max %d rao)", what, v, int64(^uint64(0)>>1))
		}
		return 0, fmt.Errorf("%s amount %q is not a decimal integer of rao", what, v)
	}
	if n < 0 {
		return 0, fmt.Errorf("%s amount %s is negative; amounts are rao >= 0", what, v)
	}
	return n, nil
}

func formatAmount(n int64) string {
	return strconv.FormatInt(n, 10)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// checkLimit refuses a list limit outside 1..max so that a page never asks for an unbounded read.
func checkLimit(limit, max int) error {
	if limit < 1 || limit > max {
		return fmt.Errorf("limit %d out of range: allowed 1..%d", limit, max)
	}
	return nil
}
