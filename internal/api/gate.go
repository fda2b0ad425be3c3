package api

import (
	"errors"
	"net/http"

	"github.com/kmusers/kmusers/internal/users"
)

// who may run a command.
type access int

const (
	anyone   access = iota // a token is optional, but checked when sent
	loggedIn               // guests too
	member                 // users and operators, not guests
	operator
)

// command is one row of the command table.
type command struct {
	who access
	// openOnly: needs the frontend restricted or open (operators bypass).
	openOnly bool
	// guestCode replaces NOT_GUEST for commands whose contract names another.
	guestCode string
	// fail is the code of an unexpected 500.
	fail string
	run  func(h *Handler, c *call) (any, error)
}

var (
	errNotLoggedIn  = apiErr(http.StatusUnauthorized, "NOT_LOGGED_IN")
	errInvalidToken = apiErr(http.StatusUnauthorized, "INVALID_TOKEN")
	errNotGuest     = apiErr(http.StatusForbidden, "NOT_GUEST")
	errAdminPlease  = apiErr(http.StatusForbidden, "ADMIN_PLEASE")
	errClosed       = apiErr(http.StatusServiceUnavailable, "WEBAPPMODE_CLOSED_API_MESSAGE")
)

// gate checks, in this order: the token, the role, the frontend mode.
func (h *Handler) gate(c *call, name string, cmd command, token string) *Error {
	if token != "" {
		u, row, err := h.users.AuthenticateSession(c.ctx, token)
		if errors.Is(err, users.ErrInvalidToken) {
			return errInvalidToken
		}
		if err != nil {
			return h.failure(c.reqID, name, err, cmd.fail) // the command's own 500

		}
		c.user, c.token = u, token
		cl := users.ClientFrom(c.ctx)
		cl.Session, cl.Actor = row.ID, u.Login
		c.ctx = users.WithClient(c.ctx, cl)
	}
	if cmd.who != anyone && c.user == nil {
		return errNotLoggedIn
	}
	if e := roleCheck(cmd, c.user); e != nil {
		h.users.Refused(c.ctx, users.AuditForbidden, "api "+name)
		return e
	}
	op := c.user != nil && c.user.Type == users.TypeOperator
	if cmd.openOnly && !op && h.users.Settings().FrontendMode == users.FrontendClosed {
		return errClosed
	}
	return nil
}

func roleCheck(cmd command, u *users.User) *Error {
	if u == nil || cmd.who < member {
		return nil
	}
	if u.Type == users.TypeGuest {
		if cmd.guestCode != "" {
			return apiErr(http.StatusForbidden, cmd.guestCode)
		}
		return errNotGuest
	}
	if cmd.who == operator && u.Type != users.TypeOperator {
		return errAdminPlease
	}
	return nil
}
