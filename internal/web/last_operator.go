package web

import (
	"context"
	"slices"

	"github.com/kmusers/kmusers/internal/users"
)

// leavesNoOperator tells whether taking the operator role from the logins
// in losing (a delete, a demotion) would leave no operator able to log in
// with a password: every operator but the built-in admin, who by the
// contract logs in only otherwise. The domain allows it (the API does);
// the panel warns before it and says how to get an operator back. False
// when losing holds no such operator: nothing changes.
func (h *Handler) leavesNoOperator(ctx context.Context, v *users.User, losing []string) (bool, error) {
	if v == nil || v.Type != users.TypeOperator || len(losing) == 0 {
		return false, nil
	}
	op := users.TypeOperator
	// One more than a bulk action can take, and admin: when the list is
	// full, someone is left whatever the action.
	list, err := h.users.List(ctx, v, users.ListQuery{Type: &op, Limit: maxBulk + 2})
	if err != nil {
		return false, err
	}
	left, lost := 0, 0
	for _, u := range list {
		switch {
		case u.Login == users.AdminLogin:
		case slices.Contains(losing, u.Login):
			lost++
		default:
			left++
		}
	}
	return lost > 0 && left == 0, nil
}
