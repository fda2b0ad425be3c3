package store

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// TestMain runs every test of the package on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) {
	os.Exit(testkit.RunBackends(m, func(dsn string) error {
		s, err := Open(context.Background(), dsn)
		if err == nil {
			s.Close()
		}
		return err
	}))
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newUser(login, nick string) *users.User {
	return &users.User{Login: login, Nickname: nick, NicknameKey: users.NicknameKey(nick), Type: users.TypeUser,
		TokenKey: "k", FlagPublic: true, LastLoginAt: time.Unix(0, 0).UTC(), CreatedAt: time.Now().UTC()}
}

func TestUsersRoundTripAndPaging(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	bio := "hello"
	err := s.Update(ctx, func(tx users.Tx) error {
		for _, l := range []string{"carol", "alice", "bob", "dave@kara.moe"} {
			u := newUser(l, l)
			if l == "alice" {
				u.Bio = &bio
				u.SocialNetworks.Discord = "al#1"
				u.AnimeListIDs = users.IntList{1, 2}
			}
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByLogin(ctx, "alice")
	if err != nil || *u.Bio != "hello" || u.SocialNetworks.Discord != "al#1" || len(u.AnimeListIDs) != 2 {
		t.Fatalf("round trip: %+v %v", u, err)
	}
	page, err := list(t, s, users.ListQuery{Limit: 2, Offset: 1})
	if err != nil || len(page) != 2 || page[0].Login != "bob" || page[1].Login != "carol" {
		t.Fatalf("page: %+v %v", page, err)
	}
	online, _ := list(t, s, users.ListQuery{Kind: "online"})
	if len(online) != 1 || online[0].Login != "dave@kara.moe" {
		t.Fatalf("online: %+v", online)
	}
	pref, _ := list(t, s, users.ListQuery{Filter: "ca"})
	if len(pref) != 1 || pref[0].Login != "carol" {
		t.Fatalf("prefix: %+v", pref)
	}
	n, _ := s.CountUsers(ctx, users.ListQuery{})
	if n != 4 {
		t.Fatalf("count %d", n)
	}
}

func TestFailedTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx users.Tx) error {
		if err := tx.Insert(newUser("eve", "eve")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := s.UserByLogin(ctx, "eve"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("half-written user: %v", err)
	}
}

func TestDuplicateNicknameKeyRefusedByIndex(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("a", "Same")) })
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("b", "same")) })
	if err == nil {
		t.Fatal("unique nickname index missing")
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	for i := 0; i < 2; i++ {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

func list(t *testing.T, s *Store, q users.ListQuery) ([]users.User, error) {
	t.Helper()
	var out []users.User
	err := s.EachUser(context.Background(), q, func(u *users.User) error {
		out = append(out, *u)
		return nil
	})
	return out, err
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	testkit.OnlySQLite(t, "pragmas (TestPostgresSession is PostgreSQL's)")
	s := openTemp(t)
	var mode string
	var fk, sync int
	s.w.Raw("PRAGMA journal_mode").Scan(&mode)
	s.w.Raw("PRAGMA foreign_keys").Scan(&fk)
	s.w.Raw("PRAGMA synchronous").Scan(&sync)
	if mode != "wal" || fk != 1 || sync != 1 {
		t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d", mode, fk, sync)
	}
	if err := s.r.Exec("DELETE FROM users").Error; err == nil {
		t.Fatal("the read pool can write")
	}
	sqlDB, _ := s.w.DB()
	if sqlDB.Stats().MaxOpenConnections != 1 {
		t.Fatal("more than one writer connection")
	}
}
