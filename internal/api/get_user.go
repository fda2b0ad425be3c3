package api

import (
	"net/http"
	"strings"

	"github.com/kmusers/kmusers/internal/users"
)

// required refuses an empty argument, naming it.
func required(field, value string) *Error {
	if strings.TrimSpace(value) == "" {
		return errInvalidData.with(map[string]string{field: "is required"})
	}
	return nil
}

type usernameArgs struct {
	Username string `json:"username"`
}

// getUser shows a profile; a private one is missing to strangers.
func (h *Handler) getUser(c *call) (any, error) {
	var a usernameArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	if e := required("username", a.Username); e != nil {
		return nil, e
	}
	u, err := h.users.Get(c.ctx, c.user, a.Username)
	if err != nil {
		return nil, mapErr(err, nil, rule{users.ErrNotFound, apiErr(http.StatusNotFound, "USER_VIEW_ERROR")})
	}
	return h.profileFor(c.user, u), nil
}
