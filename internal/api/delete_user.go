package api

import (
	"github.com/kmusers/kmusers/internal/users"
)

var deleteRules = []rule{
	{users.ErrAdminProtected, errAdminDamedesu},
	{users.ErrNotFound, errUserNotExists},
}

// deleteUser is an operator deleting any account but admin.
func (h *Handler) deleteUser(c *call) (any, error) {
	var a usernameArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	if e := required("username", a.Username); e != nil {
		return nil, e
	}
	if _, err := h.users.Delete(c.ctx, a.Username); err != nil {
		return nil, mapErr(err, nil, deleteRules...)
	}
	return done("USER_DELETED"), nil
}

// deleteMyUser deletes the caller's own account (local copy only).
func (h *Handler) deleteMyUser(c *call) (any, error) {
	if _, err := h.users.Delete(c.ctx, c.user.Login); err != nil {
		return nil, mapErr(err, nil, deleteRules...)
	}
	return done("USER_DELETED"), nil
}
