package api

import (
	"net/http"

	"github.com/kmusers/kmusers/internal/users"
)

type loginArgs struct {
	Username     string  `json:"username"`
	Password     string  `json:"password"`
	SecurityCode codeArg `json:"securityCode"`
}

type loginResult struct {
	Token       string `json:"token"`
	OnlineToken string `json:"onlineToken,omitempty"`
	Username    string `json:"username"`
	Role        string `json:"role"`
}

// login checks a password; with the operator code it also promotes.
func (h *Handler) login(c *call) (any, error) {
	var a loginArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	res, err := h.users.Login(c.ctx, c.clientIP, a.Username, a.Password, a.SecurityCode.ptr())
	if err != nil {
		return nil, mapErr(err, nil,
			rule{users.ErrBadCredentials, errLogError},
			rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrUnreachable, errNotResponding})
	}
	return loginResult{Token: res.Token, OnlineToken: res.OnlineToken, Username: res.User.Login, Role: res.User.Role()}, nil
}

type loginGuestArgs struct {
	Name string `json:"name"`
}

// loginGuest logs in as a free shared guest, or a named temporary guest.
func (h *Handler) loginGuest(c *call) (any, error) {
	var a loginGuestArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	u, tok, err := h.users.LoginGuest(c.ctx, a.Name)
	if err != nil {
		return nil, mapErr(err, errInvalidData,
			rule{users.ErrGuestsNotAllowed, apiErr(http.StatusForbidden, "GUESTS_NOT_ALLOWED")},
			rule{users.ErrNoGuestAvailable, apiErr(http.StatusInternalServerError, "NO_MORE_GUESTS_AVAILABLE")},
			rule{users.ErrLoginTaken, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS")},
			rule{users.ErrLoginInvalid, errInvalidData.with(map[string]string{"name": "must contain letters or digits"})})
	}
	return loginResult{Token: tok, Username: u.Login, Role: u.Role()}, nil
}

type checkAuthResult struct {
	Username        string `json:"username"`
	Role            string `json:"role"`
	OnlineAvailable *bool  `json:"onlineAvailable,omitempty"`
}

// checkAuth tells who the token belongs to, with the role as stored now.
func (h *Handler) checkAuth(c *call) (any, error) {
	res := checkAuthResult{Username: c.user.Login, Role: c.user.Role()}
	if c.user.IsOnline() {
		ok := h.users.OnlineAvailable(c.ctx, c.user, c.onlineToken)
		res.OnlineAvailable = &ok
	}
	return res, nil
}
