package store

import (
	"context"

	"github.com/kmusers/kmusers/internal/users"
)

// CountLogins counts the accounts that exist among logins, in one read.
func (s *Store) CountLogins(ctx context.Context, logins []string) (int, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&users.User{}).Where("login IN ?", logins).Count(&n).Error
	return int(n), err
}
