package users

import "time"

// SortCreated sorts the user list by creation time.
const SortCreated = "created"

// NeverSeen is the last-seen time of an account that was never used.
var NeverSeen = time.Unix(0, 0).UTC()

// IsUnusedGuest tells a shared guest that nobody has used yet.
func (u *User) IsUnusedGuest() bool {
	return u.Type == TypeGuest && !u.FlagTemporary && !u.LastLoginAt.After(NeverSeen)
}
