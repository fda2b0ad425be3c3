package store

import (
	"context"
	"testing"

	"gorm.io/gorm"
)

// TestMigrationsRunUnprepared: a migration's transaction must not use
// GORM's prepared statements, which database/sql prepares again at each
// use inside a transaction and keeps until its commit (migration 230 held
// 1.9 GB over 100,000 users; docs/PERFORMANCE.md).
func TestMigrationsRunUnprepared(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if _, ok := s.w.Statement.ConnPool.(*gorm.PreparedStmtDB); !ok {
		t.Fatalf("the writer itself is not on prepared statements (%T): this test tests nothing", s.w.Statement.ConnPool)
	}
	err := s.migrationSession(context.Background(), func(db *gorm.DB) error {
		return db.Transaction(func(tx *gorm.DB) error {
			if _, ok := tx.Statement.ConnPool.(*gorm.PreparedStmtTX); ok {
				t.Errorf("a migration's transaction is on prepared statements")
			}
			return tx.Exec("SELECT 1").Error
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
