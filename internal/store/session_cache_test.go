package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

func addSession(t *testing.T, s *Store, login, id string) {
	t.Helper()
	now := time.Now().UTC()
	err := s.InsertSession(context.Background(), &users.Session{ID: id, Login: login, Kind: users.KindToken,
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour), IdleFor: 3600})
	if err != nil {
		t.Fatal(err)
	}
}

func sessionType(t *testing.T, s *Store, id string) int {
	t.Helper()
	_, u, err := s.SessionUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Type
}

// TestSessionCacheSeesEveryWrite: the gate's cache never answers with a row
// older than the last committed write of this store, whatever wrote it.
func TestSessionCacheSeesEveryWrite(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error {
		u := newUser("alice", "Alice")
		u.Type = users.TypeOperator
		provider := "anilist"
		u.AnimeListToFetch = &provider
		return tx.Insert(u)
	}); err != nil {
		t.Fatal(err)
	}
	addSession(t, s, "alice", "s1")
	addSession(t, s, "alice", "s2")
	for range 2 { // a read, then a hit
		if sessionType(t, s, "s1") != users.TypeOperator {
			t.Fatal("not an operator")
		}
	}
	if kept := len(s.sessions.entries) > 0; kept == s.isPostgres() {
		t.Fatalf("the gate's read kept: %v (kept on SQLite only: PostgreSQL may have other writers)", kept)
	}

	// The caller may change what it got without changing the cache.
	_, u, _ := s.SessionUser(ctx, "s1")
	u.Type, u.Login = users.TypeGuest, "mallory"
	if _, u, _ := s.SessionUser(ctx, "s1"); u.Type != users.TypeOperator || u.Login != "alice" {
		t.Fatalf("a caller's change leaked into the cache: %+v", u)
	}

	// A demotion, read while its transaction is still open (the readers see
	// the old row then), and after its commit.
	demote := func(from, typ int) {
		err := s.Update(ctx, func(tx users.Tx) error {
			u, err := tx.UserByLogin("alice")
			if err != nil {
				return err
			}
			u.Type = typ
			if err := tx.Save(u); err != nil {
				return err
			}
			if got := sessionType(t, s, "s1"); got != from {
				t.Errorf("uncommitted demotion seen: %d", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	demote(users.TypeOperator, users.TypeUser)
	if got := sessionType(t, s, "s1"); got != users.TypeUser {
		t.Fatalf("demotion not seen after commit: type %d", got)
	}
	demote(users.TypeUser, users.TypeGuest)
	if got := sessionType(t, s, "s2"); got != users.TypeGuest {
		t.Fatalf("second demotion not seen: type %d", got)
	}

	// A write through raw SQL (the anime list) is seen.
	sessionType(t, s, "s1")
	if ok, err := s.SetAnimeList(ctx, "alice", "anilist", users.SocialNetworks{}, []int{7}, time.Now()); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, u, _ := s.SessionUser(ctx, "s1"); len(u.AnimeListIDs) != 1 {
		t.Fatalf("anime list write not seen: %v", u.AnimeListIDs)
	}

	// Ending one session, then all of them (logout, password change).
	if ok, err := s.DeleteSession(ctx, "alice", "s1"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, _, err := s.SessionUser(ctx, "s1"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("ended session still answers: %v", err)
	}
	sessionType(t, s, "s2")
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.EndSessions("alice", "") }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "s2"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("session ended with the others still answers: %v", err)
	}

	// A deletion.
	addSession(t, s, "alice", "s3")
	sessionType(t, s, "s3")
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Delete("alice") }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "s3"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("deleted user's session still answers: %v", err)
	}
}

// TestForgetSessions: a change made by another process (here a second store
// on the same file) is seen once ForgetSessions is called.
func TestForgetSessions(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kmusers.db")
	ctx := context.Background()
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("bob", "Bob")) }); err != nil {
		t.Fatal(err)
	}
	addSession(t, a, "bob", "s1")
	sessionType(t, a, "s1")
	if err := b.Update(ctx, func(tx users.Tx) error {
		u, err := tx.UserByLogin("bob")
		if err != nil {
			return err
		}
		u.Type = users.TypeGuest
		return tx.Save(u)
	}); err != nil {
		t.Fatal(err)
	}
	a.ForgetSessions("bob")
	if got := sessionType(t, a, "s1"); got != users.TypeGuest {
		t.Fatalf("change of another process not seen after ForgetSessions: %d", got)
	}
}
