package web

import (
	"errors"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// fieldMessages is the one mapping from domain errors to the panel's words,
// and the field each belongs to ("form" for the whole form).
var fieldMessages = []struct {
	err          error
	field, words string
}{
	{users.ErrLoginInvalid, "login", "Use 1 to 64 lowercase letters, digits, dots, dashes or underscores."},
	{users.ErrLoginTaken, "login", "This name is already taken."},
	{users.ErrNicknameTaken, "nickname", "This nickname is already taken."},
	{users.ErrPasswordEmpty, "password", "Choose a password."},
	{users.ErrPasswordTooShort, "password", "Use at least 8 characters."},
	{users.ErrPasswordTooLong, "password", "Use at most 72 bytes."},
	{users.ErrGuestWithPassword, "password", "Guests have no password: leave it empty."},
	{users.ErrAdminProtected, "form", "The admin account is protected: it cannot be renamed, demoted, deleted or given a password."},
	{users.ErrWrongPassword, "old_password", "This is not your current password."},
	{users.ErrBadCredentials, "form", "Wrong login or password."},
	{users.ErrTooManyAttempts, "form", "Too many tries. Wait a few minutes and try again."},
	{users.ErrBusy, "form", "The server is busy: try again in a moment."},
	{users.ErrCodeLocked, "security_code", "Too many wrong codes: a new one was logged. Wait a minute."},
	{users.ErrWrongCode, "security_code", "Wrong security code."},
	{users.ErrCodeNeeded, "security_code", "A security code is needed to sign up: ask the karaoke's operator."},
	{users.ErrUnauthorized, "security_code", "A valid security code is needed for this."},
	{users.ErrCreationDisabled, "form", "Account creation is disabled on this karaoke."},
	{users.ErrInvalidAvatar, "avatar", "This upload cannot be used: upload the picture again."},
	{users.ErrUnreachable, "form", "The online server is not responding. Try again later."},
	{users.ErrOnlineAdmin, "login", "Admin accounts cannot be online accounts."},
	{users.ErrOnlineDisabled, "server", "Online accounts are disabled on this karaoke."},
	{users.ErrHostNotAllowed, "server", "This online server is not allowed here."},
	{users.ErrOnlineTaken, "login", "This name is already taken on that online server."},
	{users.ErrRemoteDisabled, "server", "That online server does not take online accounts."},
	{users.ErrRemoteCreate, "form", "The online server refused to create the account."},
	{users.ErrOnlineToken, "form", "The online server did not accept your session: log in again."},
	{users.ErrAlreadyOnline, "form", "This account is already an online account."},
	{users.ErrNotOnline, "form", "This account is not an online account."},
	{users.ErrResetLinkExpire, "form", "This link is unknown, already used or expired."},
	{users.ErrGuestsNotAllowed, "form", "Guest login is disabled."},
	{users.ErrNoGuestAvailable, "form", "Every guest account is in use. Try again later."},
	{users.ErrNotFound, "form", "There is no such user."},
	{users.ErrCannotChangeType, "type", "You cannot change your own role."},
	{avatars.ErrUnsupported, "avatar", "Use a PNG, JPEG, GIF or WebP picture."},
	{avatars.ErrInvalid, "avatar", "This picture cannot be read, or is over 40 megapixels."},
	{avatars.ErrTooLarge, "avatar", "The picture is over 8 MiB."},
	{avatars.ErrTooManyUploads, "avatar", "Too many pictures sent: wait a while, or use one you sent."},
}

// fieldError puts err on its field of f; false when err is not a form error.
func fieldError(f partials.Form, err error) bool {
	if fe, ok := users.AsFieldError(err); ok {
		f.Errors[fe.Field] = capitalize(fe.Field) + " " + fe.Message + "."
		return true
	}
	if errors.Is(err, users.ErrPasswordTooWeak) {
		f.Errors["password"] = "This password " + users.WeakReason(err) + ": choose another."
		return true
	}
	for _, m := range fieldMessages {
		if errors.Is(err, m.err) {
			f.Errors[m.field] = m.words
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
