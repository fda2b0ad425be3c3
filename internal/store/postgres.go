package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PostgreSQL is the second backend: N kmusers processes over one database.
// The numbers below are set on purpose; docs/POSTGRES.md has the reasoning
// for an operator sizing a deployment.
const (
	// pgWriteConns: write transactions run one at a time across every
	// process (pgWriteLock), so more writer connections would only wait;
	// four let a few writes queue at the lock while single-statement writes
	// (activity, sessions) pass beside them. N processes use
	// N×(pgWriteConns+pgReadConns()) connections at most.
	pgWriteConns = 4
	// pgStatementTimeout bounds any one statement, so that a stuck query
	// frees its connection. The longest legitimate one is the whole user
	// list streamed to a slow client (the HTTP write deadline is 3 minutes,
	// but 100,000 rows stream in well under a second on a healthy server).
	pgStatementTimeout = "60s"
	// pgIdleInTransaction ends a session that left a transaction open (a
	// crash between BEGIN and COMMIT) so that its locks do not last.
	pgIdleInTransaction = "60s"
	// pgConnLifetime recycles connections, so that a failover or a
	// connection pooler's rebalancing reaches every process within it.
	pgConnLifetime = 30 * time.Minute
	// pgWriteAttempts: a serialization failure (40001) or a deadlock
	// (40P01, a transaction against a many-row single statement such as a
	// sweep) is retried, the whole transaction again, with a short random
	// back-off; the error surfaces after this many attempts.
	pgWriteAttempts = 8
	// pgWriteLock is the advisory lock key every write transaction holds
	// ("kmuserw"): see write.
	pgWriteLock int64 = 0x6b6d7573657277
	// pgMigrationLock is the advisory lock key held while migrating
	// ("kmusers" in ASCII): N processes starting at once migrate once.
	pgMigrationLock int64 = 0x6b6d7573657273
)

// pgReadConns is the read pool: as for SQLite, twice the cores, at least 4.
func pgReadConns() int { return max(4, runtime.NumCPU()*2) }

// IsPostgresDSN tells a PostgreSQL URL (postgres:// or postgresql://).
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens the two pools on one database and migrates it. Both
// pools are ordinary pgx connections; the writer's only differ in size and
// in taking the write lock (see write).
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	w, err := openPG(dsn, pgWriteConns)
	if err != nil {
		return nil, err
	}
	r, err := openPG(dsn, pgReadConns())
	if err != nil {
		closeDB(w)
		return nil, err
	}
	s := &Store{w: w, r: r}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPG(dsn string, conns int) (*gorm.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", redact(dsn), err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	// Times are compared and stored in UTC whatever the server's zone, and
	// read back as UTC (pgx would give time.Local): a time round-trips as
	// it does through SQLite.
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["statement_timeout"] = pgStatementTimeout
	cfg.RuntimeParams["idle_in_transaction_session_timeout"] = pgIdleInTransaction
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "kmusers"
	}
	sqlDB := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}))
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxLifetime(pgConnLifetime)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		PrepareStmtMaxSize:     stmtCacheSize,
		PrepareStmtTTL:         stmtCacheTTL,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	if err := sqlDB.Ping(); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect %s: %w", redact(dsn), err)
	}
	bindLimits(db)
	return db, nil
}

// redact hides the password of a URL for error messages and logs.
func redact(dsn string) string {
	return regexp.MustCompile(`://([^:/@]*):[^@]*@`).ReplaceAllString(dsn, "://$1:***@")
}

func (s *Store) isPostgres() bool { return s.w.Dialector.Name() == "postgres" }

// write runs fn in one write transaction. The domain's transactions read,
// check and write (a name is free, then it is taken; a row is read, then
// saved whole), which is correct when they run one at a time: SQLite has
// one writer connection. On PostgreSQL every write transaction first takes
// one transaction-level advisory lock, so they still run one at a time,
// across every process, and each statement after the lock sees every
// write committed before it (READ COMMITTED). SERIALIZABLE without the lock
// was tried: on small tables its predicate locks cover the whole table, so
// concurrent edits of different accounts failed each other (40001) faster
// than retries could drain them (TestLoadNoLostUpdates, 50 writers).
// Single-statement writes (activity, sessions, sweeps) take no lock.
//
// A serialization failure or a deadlock runs fn again, so fn must change
// nothing outside the transaction but what it sets again on a rerun.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if !s.isPostgres() {
		return s.writeGrouped(ctx, fn) // group_commit.go
	}
	db := s.w.WithContext(ctx)
	return retry(ctx, func() error {
		return db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", pgWriteLock).Error; err != nil {
				return err
			}
			return fn(tx)
		})
	})
}

// retry runs try until it succeeds, fails for another reason than a
// serialization failure or a deadlock, or pgWriteAttempts have failed,
// after a random back-off of 1-2 ms, then 2-4, 4-8… (at most 64-128 ms).
func retry(ctx context.Context, try func() error) error {
	for attempt := 1; ; attempt++ {
		err := try()
		if !retryable(err) || attempt == pgWriteAttempts {
			return err
		}
		d := time.Duration(1<<min(attempt-1, 6)) * time.Millisecond
		t := time.NewTimer(d + rand.N(d))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// retryable tells the errors after which a transaction may simply run again.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// migrationSession runs fn on one connection holding the migration lock:
// a second process waits, then finds every step applied. The lock is a
// session lock, released when fn returns (or the connection dies).
func (s *Store) migrationSession(ctx context.Context, fn func(db *gorm.DB) error) error {
	db := unprepared(s.w.WithContext(ctx))
	if !s.isPostgres() {
		return fn(db)
	}
	return db.Connection(func(conn *gorm.DB) error {
		// A migration may rewrite a big table, and waiting for another
		// process's migration is expected: no statement timeout here.
		if err := conn.Exec("SET statement_timeout = 0").Error; err != nil {
			return err
		}
		// The connection goes back to the pool: with the timeout it came with.
		defer conn.Exec("RESET statement_timeout")
		if err := conn.Exec("SELECT pg_advisory_lock(?)", pgMigrationLock).Error; err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", pgMigrationLock)
		return fn(conn)
	})
}

// unprepared is db without GORM's prepared statements. Inside a
// transaction GORM keeps a statement prepared on that transaction, and
// database/sql prepares such a statement again at every use, keeping each
// copy until the commit: migration 230's backfill of 100,000 users ran 1.5
// million statements in one transaction and held 1.9 GB (C memory). A
// migration runs each statement few times, or many times in one
// transaction, where a prepared statement saves nothing.
func unprepared(db *gorm.DB) *gorm.DB {
	db = db.Session(&gorm.Session{})
	if p, ok := db.Statement.ConnPool.(*gorm.PreparedStmtDB); ok {
		db.Statement.ConnPool = p.ConnPool
	}
	return db
}

// ddl adapts a migration's SQLite table text to the dialect: PostgreSQL
// has no WITHOUT ROWID, and its bare TIMESTAMP has no time zone.
func ddl(tx *gorm.DB, q string) string {
	if tx.Dialector.Name() != "postgres" {
		return q
	}
	q = strings.ReplaceAll(q, " WITHOUT ROWID", "")
	return timestampWord().ReplaceAllString(q, "TIMESTAMPTZ")
}

var timestampWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bTIMESTAMP\b`) })

// byteOrder makes every text column of the schema compare as SQLite's do,
// byte by byte (COLLATE "C"), and every timestamp carry its zone. Then
// uniqueness, ORDER BY and the prefix ranges of the user search (login >=
// p AND login < p+U+10FFFF, on the btree indexes) mean the same on both
// backends whatever collation the database was created with: under a
// linguistic collation "a.b" sorts between "ab" and "ac", and a prefix
// range would find it. It runs after each migration step, so that later
// steps (whoever writes them) are covered too; nothing to do costs one
// catalogue query.
func byteOrder(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	var cols []struct{ Table, Column, Type string }
	err := tx.Raw(`SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type"
		FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND (
			(c.data_type IN ('text', 'character varying') AND c.collation_name IS DISTINCT FROM 'C')
			OR c.data_type = 'timestamp without time zone')
		ORDER BY c.table_name, c.ordinal_position`).Scan(&cols).Error
	if err != nil {
		return err
	}
	for _, c := range cols {
		alter := fmt.Sprintf(`ALTER TABLE %q ALTER COLUMN %q TYPE text COLLATE "C"`, c.Table, c.Column)
		if c.Type == "timestamp without time zone" {
			alter = fmt.Sprintf(`ALTER TABLE %q ALTER COLUMN %q TYPE timestamptz USING %q AT TIME ZONE 'UTC'`, c.Table, c.Column, c.Column)
		}
		if err := tx.Exec(alter).Error; err != nil {
			return fmt.Errorf("%s.%s: %w", c.Table, c.Column, err)
		}
	}
	return nil
}

// Settle brings the planner's statistics and the visibility map up to date
// after a bulk load, as autovacuum does within a minute or so of it: the
// benchmarks call it so that they measure that steady state. Nothing to do
// on SQLite, whose planner works without statistics here.
func (s *Store) Settle(ctx context.Context) error {
	if !s.isPostgres() {
		return nil
	}
	return s.w.WithContext(ctx).Exec("VACUUM ANALYZE").Error
}
