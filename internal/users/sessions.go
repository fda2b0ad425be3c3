package users

import (
	"context"
)

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
