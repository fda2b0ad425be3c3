package users

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// SessionStamp is what a panel session remembers of its user: it changes
// when the token key changes (password change, reset, rename, demotion) or
// the session key does (logout), and a session whose stamp differs is over.
func SessionStamp(u *User) string {
	h := sha256.Sum256([]byte("kmusers session\x00" + u.Login + "\x00" + u.TokenKey + "\x00" + u.SessionKey))
	return hex.EncodeToString(h[:16])
}

// EndSessions logs u out of every browser; API tokens live on.
func (s *Service) EndSessions(ctx context.Context, login string) error {
	_, err := s.update(ctx, login, func(_ Tx, u *User) error {
		u.SessionKey = NewTokenKey()
		return nil
	})
	if err != nil {
		return fmt.Errorf("users: end sessions of %s: %w", login, err)
	}
	return nil
}

// HasHumanOperator tells whether an operator other than the system admin
// exists; until one does, the panel sends everyone to /setup.
func (s *Service) HasHumanOperator(ctx context.Context) (bool, error) {
	op := TypeOperator
	n, err := s.Count(ctx, System(), ListQuery{Type: &op})
	return n > 1, err
}

// UserByLogin reads an account as stored, for the panel's session check.
func (s *Service) UserByLogin(ctx context.Context, login string) (*User, error) {
	return s.store.UserByLogin(ctx, NormalizeLogin(login))
}
