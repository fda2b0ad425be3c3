package users

import (
	"context"
	"fmt"

	"github.com/kmusers/kmusers/internal/events"
)

// Delete removes an account with every session and token.
func (s *Service) Delete(ctx context.Context, login string) (*User, error) {
	return s.deleteIf(ctx, login, func(*User) error { return nil })
}

// deleteIf is Delete for an account that allow accepts (read in the
// delete's transaction); allow's error refuses it.
func (s *Service) deleteIf(ctx context.Context, login string, allow func(*User) error) (*User, error) {
	login = NormalizeLogin(login)
	if login == AdminLogin {
		return nil, ErrAdminProtected
	}
	var gone *User
	err := s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByLogin(login)
		if err != nil {
			return err
		}
		if err := allow(u); err != nil {
			return err
		}
		gone = u
		if err := tx.Delete(login); err != nil {
			return err
		}
		return revokeOnChange(ctx, tx, u, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("users: delete %s: %w", login, err)
	}
	s.removeAvatar(gone.AvatarFile)
	s.auditChange(ctx, false, gone, nil)
	s.log.Info("user deleted", "login", login)
	s.publish(events.UsersUpdated, login, "")
	return gone, nil
}
