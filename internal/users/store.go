package users

import (
	"context"
	"time"
)

// Sort keys of the user list.
const (
	SortLogin    = "login"
	SortNickname = "nickname"
	SortLastSeen = "last_seen"
	SortType     = "type"
)

// ListQuery selects a page of users. Filter is found anywhere in the login
// or the nickname, ignoring case and accents (one character: a prefix).
type ListQuery struct {
	Filter      string
	Type        *int
	PublicOnly  bool
	ActiveSince *time.Time
	Kind        string // "", "local" or "online"
	Sort        string
	Desc        bool
	Offset      int
	Limit       int // 0: all

	HideUnusedGuests bool // leave out the shared guests nobody used yet
	TemporaryOnly    bool // only temporary guests
}

// Store is what the domain needs from storage.
type Store interface {
	UserByLogin(ctx context.Context, login string) (*User, error)
	// EachUser calls fn with the summary columns of each listed user, in
	// order, streaming: the user passed is reused between calls.
	EachUser(ctx context.Context, q ListQuery, fn func(*User) error) error
	CountUsers(ctx context.Context, q ListQuery) (int64, error)
	// CountActive counts the users active at or after since, and returns
	// the earliest of their activity times (zero when none).
	CountActive(ctx context.Context, since time.Time) (n int64, oldest time.Time, err error)
	// Update runs fn in one write transaction: all or nothing. fn may run
	// more than once (PostgreSQL retries a serialization failure), so it
	// only sets what a rerun sets again; effects outside wait for the end.
	Update(ctx context.Context, fn func(Tx) error) error
	// TouchUser sets last_login_at to at when it is older than before, and
	// tells whether it did (another request or process may have first).
	TouchUser(ctx context.Context, login string, at, before time.Time) (bool, error)
	DeleteTemporaryUsers(ctx context.Context) (int64, error)
	LoadSettings(ctx context.Context) (map[string]string, error)
	SaveSettings(ctx context.Context, kv map[string]string) error
	SessionStore
	AuditStore
}

// Tx is the write side, inside one transaction.
type Tx interface {
	UserByLogin(login string) (*User, error)
	// NameOwner returns the login of a user other than except whose login
	// or nickname key equals name, or whose nickname skeleton equals name's
	// (NicknameSkeleton), or "".
	NameOwner(name, except string) (string, error)
	Insert(u *User) error
	Save(u *User) error
	Rename(oldLogin string, u *User) error
	Delete(login string) error
	IdleGuests(before time.Time) ([]string, error)
	// ClaimUpload spends a pending avatar upload of owner made after since;
	// ErrInvalidAvatar when there is none.
	ClaimUpload(id, owner string, since time.Time) error
	// EndSessions deletes the registry rows of login but keep ("": all).
	EndSessions(login, keep string) error
	// PutReset keeps the hash of login's reset token, replacing any other.
	PutReset(login, hash string, expires time.Time) error
	// TakeReset spends the reset token of that hash; ErrNotFound when none.
	TakeReset(hash string) (login string, expires time.Time, err error)
}

// AvatarFiles removes avatar files once the database no longer names them.
type AvatarFiles interface {
	Remove(name string)
}
