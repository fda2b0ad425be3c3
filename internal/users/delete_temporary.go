package users

import (
	"context"
	"errors"
)

// ErrNotTemporary refuses DeleteTemporary on an account that is not a
// temporary guest.
var ErrNotTemporary = errors.New("not a temporary guest")

// DeleteTemporary removes a temporary guest (a guest made with a chosen
// name), as Delete does; any other account is refused with ErrNotTemporary
// and kept. The flag is read in the same transaction as the delete.
func (s *Service) DeleteTemporary(ctx context.Context, login string) (*User, error) {
	return s.deleteIf(ctx, login, func(u *User) error {
		if !u.FlagTemporary {
			return ErrNotTemporary
		}
		return nil
	})
}
