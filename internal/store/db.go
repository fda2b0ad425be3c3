// Package store keeps kmusers' state in SQL through GORM: one writer
// connection, a pool of readers, versioned migrations, one file per table.
package store

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the database: w is the only writer, r a pool of readers.
type Store struct {
	w *gorm.DB
	r *gorm.DB

	animeOrders orderCache // anime lists in order, by list and view (karas_list.go)

	sessions sessionCache // what the gate last read (session_cache.go)
	counts   countCache   // the unfiltered lists' counts (count_cache.go)
	unused   unusedCache  // the built-in guests nobody used (unused_guests_cache.go)
	anchors  anchorCache  // where deep pages start (page_anchors.go)
	active   activeCache  // how many users are online (online_count.go)
	group    writeGroup   // SQLite's queued write transactions (group_commit.go)
	txStmts  txStmts      // statements to prepare on the writer's pool (tx_stmts.go)

	userByLogin prepared // the one-row read of the hot path (prepared.go)

	walkHidingFrom int // tests: the offset from which eachHiding walks (0: shallowHiding)
}

// Open opens (creating if needed) the database and migrates it: a
// postgres:// URL is PostgreSQL (postgres.go), anything else a SQLite file
// path. SQLite allows one writer at a time, so writes share one connection
// and wait their turn in Go rather than failing with SQLITE_BUSY.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgresDSN(path) {
		return openPostgres(ctx, path)
	}
	if !IsSQLiteDSN(path) {
		return nil, fmt.Errorf("store: %s: only postgres:// URLs and SQLite file paths are supported", redact(path))
	}
	if err := privateFile(path); err != nil {
		return nil, err
	}
	w, err := openSQLite(path, false)
	if err != nil {
		return nil, err
	}
	r, err := openSQLite(path, true)
	if err != nil {
		closeDB(w)
		return nil, err
	}
	s := &Store{w: w, r: r}
	if err := s.watchWrites(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// privateFile creates the database file with mode 0600 before SQLite does,
// whatever the umask and the data dir's mode: SQLite gives its -wal and
// -shm files the mode of the database file. An existing file is narrowed.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("store: chmod %s: %w", p, err)
		}
	}
	return nil
}

// readerCacheKiB is each reader's page cache. SQLite's default, 2 MB per
// connection, made the caches of the pool a fifth of the server's RSS at
// 100,000 users (issue 16: peak RSS ≤ 64 MiB); at 1 MB the indexes' upper
// levels and the pages of a list still stay, the rest is read from the
// OS's cache. Measured: 3.5–4 MiB less RSS, the same throughput on getUser,
// getUsers and deep pages (docs/PERFORMANCE.md). The writer keeps the default.
const readerCacheKiB = 1024

// sqliteDSN adds the pragmas of the contract: WAL, a busy timeout, foreign
// keys and NORMAL sync (safe with WAL). The writer takes its lock at BEGIN,
// so a transaction never fails half-way on a lock upgrade.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "1")
		q.Set("_cache_size", strconv.Itoa(-readerCacheKiB))
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

func openSQLite(path string, readOnly bool) (*gorm.DB, error) {
	db, err := gorm.Open(sqlite.Open(sqliteDSN(path, readOnly)), &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // our writes open their own transactions
		PrepareStmt:            true,
		PrepareStmtMaxSize:     stmtCacheSize,
		PrepareStmtTTL:         stmtCacheTTL,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	bindLimits(db)
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if readOnly {
		sqlDB.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
		sqlDB.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	} else {
		sqlDB.SetMaxOpenConns(1)
	}
	sqlDB.SetConnMaxIdleTime(0)
	return db, nil
}

// Ping tells whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.r.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes both pools; the writer last, so that WAL is checkpointed.
func (s *Store) Close() error {
	s.sessions.close()
	s.userByLogin.close()
	closeDB(s.r)
	return closeDB(s.w)
}

func closeDB(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// IsSQLiteDSN tells a file path from a URL-like DSN of another database.
func IsSQLiteDSN(dsn string) bool { return !strings.Contains(dsn, "://") }
