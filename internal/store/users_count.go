package store

import (
	"context"
)

// CountLogins counts the accounts that exist among logins, in one read.
func (s *Store) CountLogins(ctx context.Context, logins []string) (int, error) {
	var n int64
	// By table name, not model: this runs at every start, before the
	// server answers, and parsing the model costs more than the count.
	err := s.r.WithContext(ctx).Table("users").Where("login IN ?", logins).Count(&n).Error
	return int(n), err
}
