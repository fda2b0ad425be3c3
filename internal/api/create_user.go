package api

import (
	"net/http"

	"github.com/kmusers/kmusers/internal/users"
)

type createUserArgs struct {
	Login        string  `json:"login"`
	Password     string  `json:"password"`
	Role         string  `json:"role"`
	Type         *int    `json:"type"` // an operator's choice; ignored for others
	Nickname     string  `json:"nickname"`
	Language     string  `json:"language"`
	SecurityCode codeArg `json:"securityCode"`
}

var createRules = []rule{
	{users.ErrUnauthorized, apiErr(http.StatusForbidden, "UNAUTHORIZED")},
	{users.ErrCreationDisabled, apiErr(http.StatusForbidden, "USER_CREATION_DISABLED")},
	{users.ErrWrongCode, apiErr(http.StatusForbidden, "USER_CREATION_WRONG_SECURITY_CODE")},
	{users.ErrCodeNeeded, apiErr(http.StatusForbidden, "USER_CREATION_WRONG_SECURITY_CODE").with("SECURITY_CODE_NEEDED")},
	{users.ErrCodeLocked, errTooMany},
	{users.ErrTooManyAttempts, errTooMany},
	{users.ErrLoginInvalid, apiErr(http.StatusBadRequest, "USER_LOGIN_INVALID")},
	{users.ErrPasswordEmpty, apiErr(http.StatusBadRequest, "USER_EMPTY_PASSWORD")},
	{users.ErrGuestWithPassword, apiErr(http.StatusBadRequest, "GUEST_WITH_PASSWORD")},
	{users.ErrPasswordTooLong, errPasswordLong},
	{users.ErrPasswordTooShort, apiErr(http.StatusLengthRequired, "PASSWORD_TOO_SHORT")},
	{users.ErrPasswordTooWeak, errPasswordWeak},
	{users.ErrLoginTaken, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS")},
	{users.ErrNicknameTaken, apiErr(http.StatusConflict, "NICKNAME_ALREADY_IN_USE")},
	{users.ErrOnlineAdmin, apiErr(http.StatusForbidden, "USER_CREATE_ERROR").with("Admin accounts are not allowed to be created online")},
	{users.ErrOnlineDisabled, apiErr(http.StatusForbidden, "USER_CREATE_ERROR").with("Creating online accounts is not allowed on this instance")},
	{users.ErrHostNotAllowed, apiErr(http.StatusForbidden, "USER_CREATE_ERROR").with("This online server is not allowed on this instance")},
	{users.ErrUnreachable, errNotResponding},
	{users.ErrOnlineTaken, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS_ONLINE")},
	{users.ErrRemoteDisabled, apiErr(http.StatusForbidden, "USER_CREATE_ERROR_ONLINE_DISABLED")},
	{users.ErrRemoteCreate, apiErr(http.StatusInternalServerError, "USER_CREATE_ERROR_ONLINE")},
}

// createUser signs up a user, or lets an operator create any account.
func (h *Handler) createUser(c *call) (any, error) {
	var a createUserArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	err := h.users.Create(c.ctx, c.user, users.NewAccount{
		Login: a.Login, Password: a.Password, Role: a.Role, Type: a.Type, Nickname: a.Nickname,
		Language: a.Language, Code: a.SecurityCode.ptr(),
	})
	if err != nil {
		return nil, mapErr(err, errInvalidData, createRules...)
	}
	return done("USER_CREATED"), nil
}
