package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

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
		if errors.Is(err, users.ErrBusy) {
			return nil, busy(c)
		}
		return nil, mapErr(err, nil,
			rule{users.ErrBadCredentials, errLogError},
			rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrUnreachable, errNotResponding})
	}
	setDeviceCookie(c.echo, res.Device)
	return loginResult{Token: res.Token, OnlineToken: res.OnlineToken, Username: res.User.Login, Role: res.User.Role()}, nil
}

// setDeviceCookie gives a client that logged in its device cookie: with it,
// strangers' failures on the account do not lock this client out.
func setDeviceCookie(c echo.Context, value string) {
	if value == "" || c == nil { // no cookies over socket.io
		return
	}
	c.SetCookie(&http.Cookie{Name: users.DeviceCookie, Value: value, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request().TLS != nil})
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
