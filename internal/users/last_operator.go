package users

import (
	"context"
	"slices"
)

// LeavesNoOperator tells whether taking the operator role from the logins
// in losing (a delete, a demotion) would leave no operator able to log in:
// every operator but the built-in admin, who by the contract never logs in
// with a password. The rules allow it (the API does it when asked); the
// panel warns before it and says how to get an operator back. False when
// losing holds no such operator, or when the viewer may not list operators.
func (s *Service) LeavesNoOperator(ctx context.Context, viewer *User, losing []string) (bool, error) {
	if viewer == nil || viewer.Type != TypeOperator || len(losing) == 0 {
		return false, nil
	}
	gone := make([]string, len(losing))
	for i, l := range losing {
		gone[i] = NormalizeLogin(l)
	}
	op := TypeOperator
	// One more than losing, and admin: when the page is full, someone is
	// left whatever losing holds.
	list, err := s.List(ctx, viewer, ListQuery{Type: &op, Limit: len(gone) + 2})
	if err != nil {
		return false, err
	}
	left, lost := 0, 0
	for _, u := range list {
		switch {
		case u.Login == AdminLogin:
		case slices.Contains(gone, u.Login):
			lost++
		default:
			left++
		}
	}
	return lost > 0 && left == 0, nil
}
