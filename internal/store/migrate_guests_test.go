package store

import (
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// TestMigrationGuestsSendStats: guests saved before migration 120, whose
// statistics answer is null, answer yes after it; users keep "not asked".
func TestMigrationGuestsSendStats(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx users.Tx) error {
		g := newUser("old_guest", "Old Guest")
		g.Type = users.TypeGuest
		if err := tx.Insert(g); err != nil {
			return err
		}
		return tx.Insert(newUser("old_user", "Old User"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.w.Exec("DELETE FROM schema_migrations WHERE version = 120").Error; err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	g, err := s.UserByLogin(ctx, "old_guest")
	if err != nil || g.FlagSendstats == nil || !*g.FlagSendstats {
		t.Fatalf("guest after migration: %v %v", g.FlagSendstats, err)
	}
	u, err := s.UserByLogin(ctx, "old_user")
	if err != nil || u.FlagSendstats != nil {
		t.Fatalf("user after migration: %v %v", u.FlagSendstats, err)
	}
}
