package store

import (
	"context"
	"errors"
	"sync"

	"gorm.io/gorm"
)

// Statements first run inside a transaction were prepared again for every
// transaction: GORM caches a statement prepared on a transaction (it is
// the transaction's, closed at its end), and database/sql prepares such a
// statement afresh each time another transaction uses it. On SQLite's
// writer that was a quarter of an edit's CPU (sqlite3_prepare_v2 for each
// of its statements; docs/PERFORMANCE.md). A statement prepared on the pool
// instead is kept by the connection and reused by every transaction on it.
// So the SQL texts run inside a write transaction are noted, and once the
// transaction is over (the writer's one connection is free again) those
// the cache holds as a transaction's are prepared on the pool, replacing
// them in GORM's cache: from the next transaction on they are not
// prepared again. The cache's bounds (stmts.go) are GORM's as before.
type txStmts struct {
	mu      sync.Mutex
	pending map[string]struct{}
}

// watchTxStatements notes the SQL of every statement run in a transaction
// on the writer.
func (s *Store) watchTxStatements() error {
	note := func(db *gorm.DB) {
		if _, inTx := db.Statement.ConnPool.(*gorm.PreparedStmtTX); !inTx || db.Error != nil {
			return
		}
		q := db.Statement.SQL.String()
		if q == "" {
			return
		}
		c := &s.txStmts
		c.mu.Lock()
		if c.pending == nil {
			c.pending = map[string]struct{}{}
		}
		c.pending[q] = struct{}{}
		c.mu.Unlock()
	}
	cb := s.w.Callback()
	return errors.Join(
		cb.Create().After("gorm:create").Register("kmusers:tx_stmts_create", note),
		cb.Query().After("gorm:query").Register("kmusers:tx_stmts_query", note),
		cb.Update().After("gorm:update").Register("kmusers:tx_stmts_update", note),
		cb.Delete().After("gorm:delete").Register("kmusers:tx_stmts_delete", note),
		cb.Row().After("gorm:row").Register("kmusers:tx_stmts_row", note),
		cb.Raw().After("gorm:raw").Register("kmusers:tx_stmts_raw", note),
	)
}

// prepareTxStatements prepares on the writer's pool the statements noted
// since the last call that GORM still holds as a transaction's. Call it
// with no transaction open by the caller.
func (s *Store) prepareTxStatements() {
	c := &s.txStmts
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	p, ok := s.w.ConnPool.(*gorm.PreparedStmtDB)
	if !ok {
		return
	}
	for q := range pending {
		p.Mux.Lock()
		if st, ok := p.Stmts.Get(q); !ok || !st.Transaction {
			p.Mux.Unlock() // evicted, or already the pool's
			continue
		}
		// New unlocks p.Mux before preparing. A failure leaves the
		// statement out of the cache: the next use prepares it as before.
		_, _ = p.Stmts.New(context.Background(), q, false, p.ConnPool, p.Mux)
	}
}
