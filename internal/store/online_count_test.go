package store

import (
	"context"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// TestKeptOnlineCountFollowsTimeAndWrites: the kept count of active users
// answers as a fresh count would, as the window's start moves past the
// oldest activity counted, moves back, and after a write.
func TestKeptOnlineCountFollowsTimeAndWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	ten := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	err := s.Update(ctx, func(tx users.Tx) error {
		for i, at := range []time.Time{ten, ten.Add(5 * time.Minute), time.Unix(0, 0).UTC()} {
			u := newUser(string(rune('a'+i)), string(rune('a'+i)))
			u.LastLoginAt = at
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(since time.Time, n int64, oldest time.Time) {
		t.Helper()
		gotN, gotOldest, err := s.CountActive(ctx, since)
		if err != nil || gotN != n || !gotOldest.Equal(oldest) {
			t.Fatalf("active since %s: %d from %s (%v), want %d from %s", since.Format("15:04"), gotN, gotOldest, err, n, oldest)
		}
	}
	check(ten.Add(-10*time.Minute), 2, ten)
	if s.active.ok == s.isPostgres() {
		t.Fatalf("kept: %v (SQLite only: PostgreSQL may have other writers)", s.active.ok)
	}
	check(ten, 2, ten) // the oldest is still in at the edge
	check(ten.Add(time.Minute), 1, ten.Add(5*time.Minute))
	check(ten.Add(-time.Hour), 2, ten) // a clock set back
	check(ten.Add(6*time.Minute), 0, time.Time{})
	if _, err := s.TouchUser(ctx, "c", ten.Add(7*time.Minute), ten); err != nil {
		t.Fatal(err)
	}
	check(ten.Add(6*time.Minute), 1, ten.Add(7*time.Minute))
}
