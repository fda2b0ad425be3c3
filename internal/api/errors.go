package api

import (
	"errors"
	"net/http"

	"github.com/kmusers/kmusers/internal/users"
)

// rule maps one domain error to its wire error for one command.
type rule struct {
	err  error
	wire *Error
}

// mapErr maps err with the command's rules. A field error becomes fieldCode
// with data {field: message}; anything unmapped stays an error and becomes
// the command's 500.
func mapErr(err error, fieldCode *Error, rules ...rule) error {
	if fe, ok := users.AsFieldError(err); ok && fieldCode != nil {
		return fieldCode.with(map[string]string{fe.Field: fe.Message})
	}
	for _, r := range rules {
		if errors.Is(err, r.err) {
			return r.wire
		}
	}
	return err
}

// Wire errors shared by several commands.
var (
	errInvalidData   = apiErr(http.StatusBadRequest, "INVALID_DATA")
	errTooMany       = apiErr(http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS")
	errUserNotExists = apiErr(http.StatusNotFound, "USER_NOT_EXISTS")
	errPasswordShort = apiErr(http.StatusBadRequest, "PASSWORD_TOO_SHORT")
	errPasswordLong  = apiErr(http.StatusBadRequest, "PASSWORD_TOO_LONG")
	errEditInvalid   = apiErr(http.StatusBadRequest, "USER_EDIT_ERROR")
	errEditConflict  = apiErr(http.StatusConflict, "USER_EDIT_ERROR")
	errEditForbidden = apiErr(http.StatusForbidden, "USER_EDIT_ERROR")
	errNotResponding = apiErr(http.StatusGatewayTimeout, "INSTANCE_NOT_RESPONDING")
	errAdminDamedesu = apiErr(http.StatusNotAcceptable, "USER_DELETE_ADMIN_DAMEDESU")
	errLogError      = apiErr(http.StatusUnauthorized, "LOG_ERROR")
	errPasswordWeak  = apiErr(http.StatusBadRequest, "PASSWORD_TOO_WEAK")
)

// editRules are the errors of editUser, which editMyAccount shares.
var editRules = []rule{
	{users.ErrNotFound, errUserNotExists},
	{users.ErrNicknameTaken, errEditConflict.with("NICKNAME_ALREADY_IN_USE")},
	{users.ErrLoginTaken, errEditConflict.with("USER_ALREADY_EXISTS")},
	{users.ErrPasswordTooShort, errPasswordShort},
	{users.ErrPasswordEmpty, errPasswordShort},
	{users.ErrPasswordTooWeak, errPasswordWeak},
	{users.ErrPasswordTooLong, errEditInvalid.with(map[string]string{"password": "must be at most 72 bytes"})},
	{users.ErrAdminProtected, errEditForbidden.with("ADMIN_IS_PROTECTED")},
	{users.ErrInvalidAvatar, errEditInvalid.with("INVALID_AVATAR")},
	{users.ErrWrongPassword, errEditForbidden.with("WRONG_PASSWORD")},
	{users.ErrGuestWithPassword, apiErr(http.StatusBadRequest, "GUEST_WITH_PASSWORD")},
	{users.ErrGuestCannotEdit, apiErr(http.StatusForbidden, "GUESTS_CANNOT_EDIT")},
	{users.ErrCannotChangeType, apiErr(http.StatusForbidden, "USER_CANNOT_CHANGE_TYPE")},
	{users.ErrUnreachable, errNotResponding},
	{users.ErrTooManyAttempts, errTooMany},
}
