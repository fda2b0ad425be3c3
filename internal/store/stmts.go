package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Prepared statements live in C memory that the Go heap never sees, one per
// distinct SQL text and connection. Two guards keep their number bounded
// whatever the input: LIMIT and OFFSET are bound parameters (the drivers
// write them as literals, so every page number made a new statement), and the
// cache itself has a size and a lifetime.
const (
	stmtCacheSize = 200
	stmtCacheTTL  = time.Hour
)

// bindLimits makes db write LIMIT and OFFSET as bound parameters. SQLite
// needs a LIMIT before an OFFSET (-1 is none); PostgreSQL takes OFFSET alone.
func bindLimits(db *gorm.DB) {
	sqlite := db.Dialector.Name() == "sqlite"
	db.ClauseBuilders["LIMIT"] = func(c clause.Clause, b clause.Builder) {
		limit, ok := c.Expression.(clause.Limit)
		if !ok {
			return
		}
		switch {
		case limit.Limit != nil && *limit.Limit >= 0:
			b.WriteString("LIMIT ")
			b.AddVar(b, *limit.Limit)
		case limit.Offset > 0 && sqlite:
			b.WriteString("LIMIT -1")
		}
		if limit.Offset > 0 {
			b.WriteString(" OFFSET ")
			b.AddVar(b, limit.Offset)
		}
	}
}

// PreparedStatements counts the statements cached by both pools, for tests
// and diagnostics.
func (s *Store) PreparedStatements() int {
	n := 0
	for _, db := range []*gorm.DB{s.w, s.r} {
		if p, ok := db.ConnPool.(*gorm.PreparedStmtDB); ok {
			p.Mux.RLock()
			n += len(p.Stmts.Keys())
			p.Mux.RUnlock()
		}
	}
	return n
}
