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
	{avatars.ErrTooLarge, "avatar", "This picture is too big (max 8 MiB)."},
	{avatars.ErrTooManyUploads, "avatar", "Too many pictures sent: wait a while, or use one you sent."},
}

// Refusals that the panel itself decides, before the domain is asked; their
// words are in fieldMessages with the domain's.
var (
	errSetupCode       = errors.New("web: no security code")
	errNoRole          = errors.New("web: no role chosen")
	errPasswordsDiffer = errors.New("web: the two passwords differ")
	errSelfDemotion    = errors.New("web: self-demotion not confirmed")
)

// panelMessages are the words of the panel's own refusals.
var panelMessages = []struct {
	err          error
	field, words string
}{
	{errSetupCode, "security_code", "Type the security code from the server's log."},
	{errNoRole, "type", "Choose a role."},
	{errPasswordsDiffer, "password_again", "The two passwords differ."},
	{errSelfDemotion, "type", "You are about to remove your own operator rights: you will no longer be able to come back to this page. Tick the box below to confirm, or keep the role Operator."},
}

// fieldAliases are the domain's names of fields that the forms call otherwise.
var fieldAliases = map[string]string{"role": "type"}

// fieldError puts every message of err on its field of f, labelled as the
// page labels it; false when err is not a form error. The domain may refuse
// several fields at once (errors.Join): each gets its message.
func fieldError(f partials.Form, err error) bool {
	if fes := fieldErrors(err); len(fes) > 0 {
		for _, fe := range fes {
			name := fe.Field
			if fe.Sub != "" {
				name = "social_" + fe.Sub
			}
			if a, ok := fieldAliases[name]; ok {
				name = a
			}
			f.Errors[name] = f.Label(name) + " " + fe.Message + "."
		}
		return true
	}
	if errors.Is(err, users.ErrPasswordTooWeak) {
		f.Errors["password"] = "This password " + users.WeakReason(err) + ": choose another."
		return true
	}
	for _, table := range [][]struct {
		err          error
		field, words string
	}{panelMessages, fieldMessages} {
		for _, m := range table {
			if errors.Is(err, m.err) {
				f.Errors[m.field] = m.words
				return true
			}
		}
	}
	return false
}

// fieldErrors are the FieldErrors in err's tree, in order.
func fieldErrors(err error) []*users.FieldError {
	var out []*users.FieldError
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*users.FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// renameField moves the message of the domain's field from to the form's
// field to, for a form that names it otherwise (the login form's "username").
func renameField(f partials.Form, from, to string) {
	if msg, ok := f.Errors[from]; ok {
		delete(f.Errors, from)
		f.Errors[to] = msg
	}
}
