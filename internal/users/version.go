package users

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// RowVersion names the state of an account as an edit form saw it: a hash
// of every stored field but the activity time (which moves on every
// request). A save that carries an older version is refused.
func RowVersion(u *User) string {
	c := *u
	c.LastLoginAt = time.Time{}
	b, _ := json.Marshal(&c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}

// ChangedError is a save over a version that is no longer the account's:
// nothing was written. Current is the account as it is now.
type ChangedError struct{ Current *User }

func (e *ChangedError) Error() string { return "the account changed meanwhile" }

// AsChanged returns the ChangedError inside err, if any.
func AsChanged(err error) (*ChangedError, bool) {
	var ce *ChangedError
	ok := errors.As(err, &ce)
	return ce, ok
}

// checkVersion refuses a save over another version than the form's.
func checkVersion(u *User, version string) error {
	if version == "" || version == RowVersion(u) {
		return nil
	}
	cur := *u
	return &ChangedError{Current: &cur}
}
