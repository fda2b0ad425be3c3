package store

import (
	"context"

	"gorm.io/gorm"
)

// migrateV200: a login is unique whatever its case, in the schema too, so
// that a row written by another tool (an import, a hand fix) cannot make
// two accounts differ only in case. lower() of an ASCII login is the same
// in every dialect and collation; nicknames have their own keys
// (nickname_key, nickname_skeleton), compared byte-wise (byteOrder).
func migrateV200(tx *gorm.DB) error {
	return tx.Exec("CREATE UNIQUE INDEX idx_users_login_lower ON users (lower(login))").Error
}

// SchemaVersion is the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Row().Scan(&v)
	return v, err
}
