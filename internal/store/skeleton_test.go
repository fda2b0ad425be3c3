package store

import (
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// TestSkeletonMigrationBackfills: rows written before migration 131 get
// their skeleton; two old look-alike names both survive, the index holds,
// and a new look-alike is refused.
func TestSkeletonMigrationBackfills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testkit.DB(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 131, with two look-alike names in it.
	for _, q := range []string{
		"DROP INDEX idx_users_nickname_skeleton",
		"ALTER TABLE users DROP COLUMN nickname_skeleton",
		"DELETE FROM schema_migrations WHERE version = 131",
	} {
		if err := s.w.Exec(q).Error; err != nil {
			t.Fatal(q, err)
		}
	}
	for _, q := range []string{
		"INSERT INTO users (login, nickname, nickname_key, type, token_key, last_login_at, created_at) VALUES ('ann', 'Admin', 'admin', 1, 'k', '2020-01-01', '2020-01-01')",
		"INSERT INTO users (login, nickname, nickname_key, type, token_key, last_login_at, created_at) VALUES ('bea', 'Аdmin', 'аdmin', 1, 'k', '2020-01-02', '2020-01-02')",
	} {
		if err := s.w.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ann, err := s.UserByLogin(ctx, "ann")
	if err != nil || ann.NicknameSkeleton != users.NicknameSkeleton("Admin") {
		t.Fatalf("ann: %+v %v", ann, err)
	}
	bea, err := s.UserByLogin(ctx, "bea")
	if err != nil || bea.NicknameSkeleton == "" || bea.NicknameSkeleton == ann.NicknameSkeleton {
		t.Fatalf("bea: %q %v", bea.NicknameSkeleton, err)
	}
	err = s.Update(ctx, func(tx users.Tx) error {
		owner, err := tx.NameOwner(users.NicknameKey("ADMİN"), "")
		if owner != "ann" {
			t.Errorf("look-alike of ann's name owned by %q", owner)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
