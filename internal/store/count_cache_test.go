package store

import (
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// TestKeptCountsFollowWrites: the kept counts of the unfiltered lists are
// never older than the last committed write, and a filter is counted.
func TestKeptCountsFollowWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	count := func(q users.ListQuery) int64 {
		t.Helper()
		n, err := s.CountUsers(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := func(login string, public bool) {
		t.Helper()
		err := s.Update(ctx, func(tx users.Tx) error {
			u := newUser(login, login)
			u.FlagPublic = public
			return tx.Insert(u)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all, public := users.ListQuery{Limit: 50}, users.ListQuery{PublicOnly: true, Offset: 50, Sort: users.SortType}
	insert("ann", true)
	insert("bob", false)
	if count(all) != 2 || count(public) != 1 || count(all) != 2 {
		t.Fatal("first counts")
	}
	if want := map[bool]int{false: 2, true: 0}[s.isPostgres()]; len(s.counts.kept) != want {
		t.Fatalf("kept counts %v, want %d (SQLite only: PostgreSQL may have other writers)", s.counts.kept, want)
	}
	insert("cat", true)
	if count(all) != 3 || count(public) != 2 {
		t.Fatalf("after an insert: %d %d", count(all), count(public))
	}
	// Made private inside a transaction: the old count until the commit.
	err := s.Update(ctx, func(tx users.Tx) error {
		u, err := tx.UserByLogin("cat")
		if err != nil {
			return err
		}
		u.FlagPublic = false
		if err := tx.Save(u); err != nil {
			return err
		}
		if n := count(public); n != 2 {
			t.Errorf("uncommitted change counted: %d", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(public); n != 1 {
		t.Fatalf("after the commit: %d public, want 1", n)
	}
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Delete("ann") }); err != nil {
		t.Fatal(err)
	}
	if count(all) != 2 || count(public) != 0 {
		t.Fatalf("after a deletion: %d %d", count(all), count(public))
	}
	if n := count(users.ListQuery{Filter: "b"}); n != 1 {
		t.Fatalf("filtered count %d, want 1", n)
	}
	if n, err := s.DeleteTemporaryUsers(ctx); err != nil || n != 0 {
		t.Fatal(n, err)
	}
}

// TestKeptSearchCountsFollowWrites: a search's count, read from the
// suffixes alone and kept by view, follows inserts, nickname changes,
// renames and deletions, and is what the users' own filter counts.
func TestKeptSearchCountsFollowWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	write := func(fn func(tx users.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	check := func(filter string, want int64) {
		t.Helper()
		for _, q := range []users.ListQuery{{Filter: filter}, {Filter: filter, Offset: 50, Limit: 50, Sort: users.SortNickname}} {
			n, err := s.CountUsers(ctx, q)
			if err != nil || n != want {
				t.Fatalf("count of %q: %d, %v; want %d", filter, n, err, want)
			}
		}
		// The users' own filter, never kept, agrees.
		var n int64
		if err := filtered(s.r.WithContext(ctx).Model(&users.User{}), users.ListQuery{Filter: filter}).Count(&n).Error; err != nil || n != want {
			t.Fatalf("filtered count of %q: %d, %v; want %d", filter, n, err, want)
		}
	}
	write(func(tx users.Tx) error {
		for _, u := range [][2]string{{"ann", "Anna"}, {"bob", "Bobby Ann"}, {"cy", "Cy"}} {
			if err := tx.Insert(newUser(u[0], u[1])); err != nil {
				return err
			}
		}
		return nil
	})
	check("an", 2) // ann (login and nickname: one user) and Bobby Ann
	check("AN", 2)
	check("zz", 0)
	if s.isPostgres() != (len(s.counts.kept) == 0) {
		t.Fatalf("kept counts %v: SQLite keeps them, PostgreSQL not", s.counts.kept)
	}
	write(func(tx users.Tx) error {
		u, err := tx.UserByLogin("bob")
		if err != nil {
			return err
		}
		u.Nickname, u.NicknameKey = "Bobby", users.NicknameKey("Bobby")
		return tx.Save(u)
	})
	check("an", 1)
	write(func(tx users.Tx) error {
		u, err := tx.UserByLogin("cy")
		if err != nil {
			return err
		}
		old := u.Login
		u.Login = "cyan"
		return tx.Rename(old, u)
	})
	check("an", 2)
	write(func(tx users.Tx) error { return tx.Delete("ann") })
	check("an", 1)
	check("cy", 1)
	write(func(tx users.Tx) error { return tx.Insert(newUser("dana", "Dana")) })
	check("an", 2)
}
