package api

import (
	"net/http"
	"strings"

	"github.com/kmusers/kmusers/internal/users"
)

type resetArgs struct {
	Username     string  `json:"username"`
	Password     string  `json:"password"`
	SecurityCode codeArg `json:"securityCode"`
}

var resetRules = []rule{
	{users.ErrWrongCode, apiErr(http.StatusForbidden, "USER_RESETPASSWORD_WRONGSECURITYCODE")},
	{users.ErrCodeLocked, errTooMany},
	{users.ErrPasswordTooShort, errPasswordShort},
	{users.ErrPasswordTooWeak, errPasswordWeak},
	{users.ErrPasswordEmpty, errPasswordShort},
	{users.ErrPasswordTooLong, errPasswordLong},
	{users.ErrNotFound, errUserNotExists},
	{users.ErrAdminProtected, errEditForbidden.with("ADMIN_IS_PROTECTED")},
	{users.ErrGuestWithPassword, apiErr(http.StatusBadRequest, "GUEST_WITH_PASSWORD")},
	{users.ErrUnreachable, apiErr(http.StatusInternalServerError, "USER_RESETPASSWORD_ONLINE_ERROR")},
}

// resetUserPassword sets a local password with the operator code.
func (h *Handler) resetUserPassword(c *call) (any, error) {
	var a resetArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	if e := required("username", a.Username); e != nil {
		return nil, e
	}
	if strings.Contains(a.Username, "@") {
		return h.resetOnlinePassword(c, a.Username)
	}
	if err := h.users.ResetPassword(c.ctx, a.Username, a.Password, a.SecurityCode.ptr()); err != nil {
		return nil, mapErr(err, nil, resetRules...)
	}
	return done("USER_RESETPASSWORD_SUCCESS"), nil
}
