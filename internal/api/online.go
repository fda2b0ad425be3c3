package api

import (
	"net/http"

	"github.com/kmusers/kmusers/internal/users"
)

// The commands of online accounts (name@host): the domain talks to the
// host; here the arguments are decoded and the errors mapped.

var (
	errOnlineTaken    = apiErr(http.StatusConflict, "USER_ALREADY_EXISTS_ONLINE")
	errWrongPassword  = errInvalidData.with(map[string]string{"password": "is wrong"})
	errDeleteOnline   = apiErr(http.StatusInternalServerError, "USER_DELETE_ERROR_ONLINE")
	errOnlineTokenBad = errEditForbidden.with("ONLINE_TOKEN_INVALID")
)

type convertToOnlineArgs struct {
	Instance string `json:"instance"`
	Password string `json:"password"`
}

func (h *Handler) convertToOnline(c *call) (any, error) {
	var a convertToOnlineArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	res, err := h.users.ConvertToOnline(c.ctx, c.user, a.Instance, a.Password)
	if err != nil {
		return nil, mapErr(err, errInvalidData,
			rule{users.ErrAdminProtected, apiErr(http.StatusInternalServerError, "ADMIN_CONVERT_ERROR")},
			rule{users.ErrAlreadyOnline, errOnlineTaken},
			rule{users.ErrOnlineTaken, errOnlineTaken},
			rule{users.ErrWrongPassword, errWrongPassword},
			rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrOnlineDisabled, errInvalidData.with(map[string]string{"instance": "online accounts are disabled"})},
			rule{users.ErrHostNotAllowed, errInvalidData.with(map[string]string{"instance": "is not an allowed online server"})},
			rule{users.ErrLoginTaken, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS")},
			rule{users.ErrRemoteDisabled, apiErr(http.StatusForbidden, "USER_CREATE_ERROR_ONLINE_DISABLED")},
			rule{users.ErrUnreachable, errNotResponding})
	}
	return doneWith("USER_CONVERTED", map[string]string{"token": res.Token, "onlineToken": res.OnlineToken}), nil
}

type convertToLocalArgs struct {
	Password string `json:"password"`
}

func (h *Handler) convertToLocal(c *call) (any, error) {
	var a convertToLocalArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	res, err := h.users.ConvertToLocal(c.ctx, c.user, a.Password)
	if err != nil {
		return nil, mapErr(err, errInvalidData,
			rule{users.ErrNotOnline, errInvalidData.with(map[string]string{"login": "is not an online account"})},
			rule{users.ErrWrongPassword, errWrongPassword},
			rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrLoginTaken, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS_LOCALLY")},
			rule{users.ErrUnreachable, errDeleteOnline.with("online server not responding")},
			rule{users.ErrOnlineToken, errDeleteOnline.with("the online server refused the deletion")})
	}
	data := map[string]any{"token": res.Token, "login": res.User.Login}
	if res.Renamed {
		data["renamed"] = true
	}
	return doneWith("USER_DELETED_ONLINE", data), nil
}

// editMyOnlineAccount pushes an online user's edit to their host; the reply
// always carries the online token (refreshed after a password change).
func (h *Handler) editMyOnlineAccount(c *call, p users.Patch) (any, error) {
	u, onlineTok, err := h.users.EditOnline(c.ctx, c.user, c.onlineToken, p)
	if err != nil {
		return nil, mapErr(err, errEditInvalid, append([]rule{{users.ErrOnlineToken, errOnlineTokenBad}}, editRules...)...)
	}
	if onlineTok == "" {
		onlineTok = c.onlineToken
	}
	data := map[string]string{"onlineToken": onlineTok, "onlineAuthorization": onlineTok}
	if p.Password.Set {
		tok, err := h.users.Token(u)
		if err != nil {
			return nil, err
		}
		data["token"] = tok
	}
	return doneWith("USER_EDITED", data), nil
}

// resetOnlinePassword asks the account's host to mail a reset link.
func (h *Handler) resetOnlinePassword(c *call, login string) (any, error) {
	if err := h.users.OnlineResetPassword(c.ctx, login); err != nil {
		return nil, mapErr(err, nil,
			rule{users.ErrLoginInvalid, apiErr(http.StatusBadRequest, "USER_LOGIN_INVALID")},
			rule{users.ErrOnlineDisabled, apiErr(http.StatusForbidden, "USER_RESETPASSWORD_ONLINE_ERROR").with("online accounts are disabled")},
			rule{users.ErrHostNotAllowed, apiErr(http.StatusForbidden, "USER_RESETPASSWORD_ONLINE_ERROR").with("this online server is not allowed")},
			rule{users.ErrUnreachable, apiErr(http.StatusInternalServerError, "USER_RESETPASSWORD_ONLINE_ERROR")})
	}
	return done("USER_RESETPASSWORD_ONLINE"), nil
}
