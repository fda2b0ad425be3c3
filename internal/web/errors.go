package web

import (
	"context"
	"errors"

	"github.com/kmusers/kmusers/internal/i18n"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// fieldMessages is the one mapping from domain errors to the panel's words
// (message IDs of internal/i18n/locales), and the field each belongs to
// ("form" for the whole form).
var fieldMessages = []struct {
	err          error
	field, words string
}{
	{users.ErrLoginInvalid, "login", "error.login_invalid"},
	{users.ErrLoginTaken, "login", "error.login_taken"},
	{users.ErrNicknameTaken, "nickname", "error.nickname_taken"},
	{users.ErrPasswordEmpty, "password", "error.password_empty"},
	{users.ErrPasswordTooShort, "password", "error.password_too_short"},
	{users.ErrPasswordTooLong, "password", "error.password_too_long"},
	{users.ErrGuestWithPassword, "password", "error.guest_with_password"},
	{users.ErrAdminProtected, "form", "error.admin_protected"},
	{users.ErrWrongPassword, "old_password", "error.wrong_password"},
	{users.ErrBadCredentials, "form", "error.bad_credentials"},
	{users.ErrTooManyAttempts, "form", "error.too_many_attempts"},
	{users.ErrBusy, "form", "error.busy"},
	{users.ErrCodeLocked, "security_code", "error.code_locked"},
	{users.ErrWrongCode, "security_code", "error.wrong_code"},
	{users.ErrCodeNeeded, "security_code", "error.code_needed"},
	{users.ErrUnauthorized, "security_code", "error.unauthorized"},
	{users.ErrCreationDisabled, "form", "error.creation_disabled"},
	{users.ErrInvalidAvatar, "avatar", "error.invalid_avatar"},
	{users.ErrUnreachable, "form", "error.unreachable"},
	{users.ErrOnlineAdmin, "login", "error.online_admin"},
	{users.ErrOnlineDisabled, "server", "error.online_disabled"},
	{users.ErrHostNotAllowed, "server", "error.host_not_allowed"},
	{users.ErrOnlineTaken, "login", "error.online_taken"},
	{users.ErrRemoteDisabled, "server", "error.remote_disabled"},
	{users.ErrRemoteCreate, "form", "error.remote_create"},
	{users.ErrOnlineToken, "form", "error.online_token"},
	{users.ErrAlreadyOnline, "form", "error.already_online"},
	{users.ErrNotOnline, "form", "error.not_online"},
	{users.ErrResetLinkExpire, "form", "error.reset_link_expire"},
	{users.ErrGuestsNotAllowed, "form", "error.guests_not_allowed"},
	{users.ErrNoGuestAvailable, "form", "error.no_guest_available"},
	{users.ErrNotFound, "form", "error.not_found"},
	{users.ErrNotTemporary, "form", "error.not_temporary"},
	{users.ErrCannotChangeType, "type", "error.cannot_change_type"},
	{avatars.ErrUnsupported, "avatar", "error.avatar_unsupported"},
	{avatars.ErrInvalid, "avatar", "error.avatar_invalid"},
	{avatars.ErrTooLarge, "avatar", "error.avatar_too_large"},
	{avatars.ErrTooManyUploads, "avatar", "error.avatar_too_many_uploads"},
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
	{errSetupCode, "security_code", "error.setup_code"},
	{errNoRole, "type", "error.no_role"},
	{errPasswordsDiffer, "password_again", "error.passwords_differ"},
	{errSelfDemotion, "type", "error.self_demotion"},
}

// fieldAliases are the domain's names of fields that the forms call otherwise.
var fieldAliases = map[string]string{"role": "type"}

// fieldError puts every message of err on its field of f, labelled as the
// page labels it; false when err is not a form error. The domain may refuse
// several fields at once (errors.Join): each gets its message.
func fieldError(ctx context.Context, f partials.Form, err error) bool {
	if fes := fieldErrors(err); len(fes) > 0 {
		for _, fe := range fes {
			name := fe.Field
			if fe.Sub != "" {
				name = "social_" + fe.Sub
			}
			if a, ok := fieldAliases[name]; ok {
				name = a
			}
			f.Errors[name] = i18n.T(ctx, "field.message", map[string]any{"Label": f.Label(ctx, name), "Message": domainWords(ctx, fe.Message)})
		}
		return true
	}
	if errors.Is(err, users.ErrPasswordTooWeak) {
		f.Errors["password"] = i18n.T(ctx, "field.weak_password", map[string]any{"Reason": domainWords(ctx, users.WeakReason(err))})
		return true
	}
	for _, table := range [][]struct {
		err          error
		field, words string
	}{panelMessages, fieldMessages} {
		for _, m := range table {
			if errors.Is(err, m.err) {
				f.Errors[m.field] = i18n.T(ctx, m.words)
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

// domainWords are the domain's field messages ("is too long") in the
// language of ctx: each phrase the domain says has a message "domain.<phrase>"
// (a test reads the domain's phrases from its source). A phrase with no
// translation, one built with a value, stays as the domain said it.
func domainWords(ctx context.Context, phrase string) string {
	id := "domain." + phrase
	if s := i18n.T(ctx, id); s != id {
		return s
	}
	return phrase
}
