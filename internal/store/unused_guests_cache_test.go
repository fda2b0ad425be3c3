package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// TestUnusedGuestsFollowWrites: the kept list of unused built-in guests
// (unused_guests_cache.go) is read again after any write to users, so a
// guest's first login shows it in the list and its count at once, and a
// guest added later is hidden at once.
func TestUnusedGuestsFollowWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	builtIn := users.BuiltInGuestLogins()
	g1, g2, person := newUser(builtIn[0], "G1"), newUser(builtIn[1], "G2"), newUser("person", "Person")
	g1.Type, g2.Type = users.TypeGuest, users.TypeGuest
	insertAll(t, s, g1, person)
	q := users.ListQuery{HideUnusedGuests: true, Limit: 10}
	check := func(step string, want ...string) {
		t.Helper()
		for range 2 { // the second read comes from what the first kept
			if got := logins(t, s, q); !slices.Equal(got, want) {
				t.Fatalf("%s: page %v, want %v", step, got, want)
			}
			if n, err := s.CountUsers(ctx, q); err != nil || n != int64(len(want)) {
				t.Fatalf("%s: count %d %v, want %d", step, n, err, len(want))
			}
		}
	}
	check("at first", "person")
	if err := s.w.Exec("UPDATE users SET last_login_at = ? WHERE login = ?", time.Now().UTC(), g1.Login).Error; err != nil {
		t.Fatal(err)
	}
	check("after the guest's first login", g1.Login, "person")
	insertAll(t, s, g2)
	check("after an unused guest was added", g1.Login, "person")
	if err := s.w.Exec("DELETE FROM users WHERE login = ?", g1.Login).Error; err != nil {
		t.Fatal(err)
	}
	check("after the used guest was deleted", "person")
}
