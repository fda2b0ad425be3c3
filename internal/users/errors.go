package users

import "errors"

// Sentinel errors of the domain. Handlers map them to wire codes and panel
// messages in one place each; nothing else looks at error text.
var (
	ErrNotFound          = errors.New("user not found")
	ErrLoginInvalid      = errors.New("login invalid")
	ErrLoginTaken        = errors.New("login already exists")
	ErrNicknameTaken     = errors.New("nickname already in use")
	ErrPasswordEmpty     = errors.New("password empty")
	ErrPasswordTooShort  = errors.New("password too short")
	ErrPasswordTooLong   = errors.New("password too long")
	ErrGuestWithPassword = errors.New("guests have no password")
	ErrAdminProtected    = errors.New("the admin account is protected")
	ErrWrongPassword     = errors.New("wrong password")
	ErrBadCredentials    = errors.New("bad credentials")
	ErrUnauthorized      = errors.New("not allowed")
	ErrCreationDisabled  = errors.New("account creation is disabled")
	ErrWrongCode         = errors.New("wrong security code")
	ErrCodeNeeded        = errors.New("a security code is needed")
	ErrCodeLocked        = errors.New("security code locked after too many tries")
	ErrTooManyAttempts   = errors.New("too many attempts")
	ErrGuestsNotAllowed  = errors.New("guest login is disabled")
	ErrNoGuestAvailable  = errors.New("no guest account available")
	ErrGuestCannotEdit   = errors.New("guests cannot edit")
	ErrCannotChangeType  = errors.New("users cannot change their type")
	ErrInvalidAvatar     = errors.New("invalid avatar")
	ErrOnlineDisabled    = errors.New("online accounts are disabled")
	ErrOnlineAdmin       = errors.New("admin accounts cannot be online")
	ErrHostNotAllowed    = errors.New("online server not allowed")
	ErrUnreachable       = errors.New("online server not responding")
	ErrNotOnline         = errors.New("not an online account")
	ErrOnlinePassword    = errors.New("an online account's password is set on its server")
	ErrInvalidToken      = errors.New("invalid token")
)

// FieldError is an invalid value of one field; the message is for people.
type FieldError struct {
	Field   string
	Message string
	// Sub names the part of a compound field (a network of
	// social_networks), "" for a plain field.
	Sub string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Message: msg} }

// AsFieldError returns the FieldError inside err, if any.
func AsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}
