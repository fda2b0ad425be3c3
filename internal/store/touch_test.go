package store

import (
	"context"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// TouchUser tells whether it wrote, so that only the writer announces the
// user came online.
func TestTouchUserTellsWhetherItWrote(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("tom", "Tom")) }); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		at    time.Time
		wrote bool
	}{
		{at, true},                        // older than a minute before: written
		{at.Add(30 * time.Second), false}, // within the minute of the last
		{at.Add(2 * time.Minute), true},
	} {
		wrote, err := s.TouchUser(ctx, "tom", c.at, c.at.Add(-time.Minute))
		if err != nil || wrote != c.wrote {
			t.Fatalf("touch %d: wrote %v, %v; want %v", i, wrote, err, c.wrote)
		}
	}
	if wrote, err := s.TouchUser(ctx, "nobody", at.Add(time.Hour), at.Add(time.Hour)); err != nil || wrote {
		t.Fatalf("touch of a missing user: wrote %v, %v", wrote, err)
	}
}
