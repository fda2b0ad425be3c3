package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// TestDeepPagesFollowWrites: a page read from an anchor holds exactly the
// rows of the plain OFFSET, before and after writes that move every row
// behind the anchors, and in a filtered view.
func TestDeepPagesFollowWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	const n = 2*anchorStep + 700
	var all []string // the view's logins, in order
	err := s.Update(ctx, func(tx users.Tx) error {
		for i := range n {
			login := fmt.Sprintf("u%05d", (i*7919)%n)
			u := newUser(login, login) // not inserted in login order
			u.FlagPublic = i%3 != 0
			all = append(all, u.Login)
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	write := func(fn func(users.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, q users.ListQuery) {
		t.Helper()
		var want []string
		err := filtered(s.r.Model(&users.User{}), q).Order("login").Limit(q.Limit).Offset(q.Offset).Pluck("login", &want).Error
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = s.EachUser(ctx, q, func(u *users.User) error { got = append(got, u.Login); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: page at %d (public %v): %d rows from %v, want %d from %v", step, q.Offset, q.PublicOnly, len(got), first(got), len(want), first(want))
		}
	}
	offsets := []int{0, anchorStep - 1, anchorStep, anchorStep + 1, 2*anchorStep - 30, 2 * anchorStep, n - 10, n, n + 5000}
	pages := func(step string) {
		t.Helper()
		for _, public := range []bool{false, true} {
			for _, o := range offsets {
				check(step, users.ListQuery{Offset: o, Limit: 50, PublicOnly: public})
			}
		}
	}
	pages("first reads")
	if kept := len(s.anchors.views); s.isPostgres() != (kept == 0) {
		t.Fatalf("%d views anchored (SQLite only: PostgreSQL may have other writers)", kept)
	}
	pages("read again")
	write(func(tx users.Tx) error { return tx.Insert(newUser("a", "first of all")) })
	pages("after an insert before every anchor")
	write(func(tx users.Tx) error { return tx.Delete(all[0]) })
	write(func(tx users.Tx) error {
		u, err := tx.UserByLogin("u00001")
		if err != nil {
			return err
		}
		u.FlagPublic = !u.FlagPublic
		return tx.Save(u)
	})
	pages("after a delete and a change of view")
	write(func(tx users.Tx) error {
		u, err := tx.UserByLogin("u00002")
		if err != nil {
			return err
		}
		old := u.Login
		u.Login = "zz"
		return tx.Rename(old, u)
	})
	pages("after a rename")
}

func first(logins []string) []string { return logins[:min(2, len(logins))] }
