package users

import (
	"slices"
	"sync"
	"time"
)

// SortCreated sorts the user list by creation time.
const SortCreated = "created"

// NeverSeen is the last-seen time of an account that was never used.
var NeverSeen = time.Unix(0, 0).UTC()

// BuiltInGuestLogins are the logins of the shared guests made at first
// start (sorted).
var BuiltInGuestLogins = sync.OnceValue(func() []string {
	out := make([]string, 0, len(guestNames))
	for _, g := range guestNames {
		out = append(out, guestLogin(g))
	}
	slices.Sort(out)
	return out
})

// IsBuiltInGuest tells one of the shared guests made at first start.
func (u *User) IsBuiltInGuest() bool {
	_, found := slices.BinarySearch(BuiltInGuestLogins(), u.Login)
	return found && u.Type == TypeGuest && !u.FlagTemporary
}

// IsUnusedGuest tells a built-in guest that nobody has used yet: what the
// user list hides by default, since it is not a person.
func (u *User) IsUnusedGuest() bool {
	return u.IsBuiltInGuest() && !u.LastLoginAt.After(NeverSeen)
}
