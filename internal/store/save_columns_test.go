package store

import (
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// TestSaveWritesOnlyChangedColumns: a save writes the columns the caller
// changed, not the others: a column written meanwhile by another statement
// of the transaction (here raw SQL, as the anime list fetch writes) stays.
func TestSaveWritesOnlyChangedColumns(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("ann", "Ann")) }); err != nil {
		t.Fatal(err)
	}
	var cols []string
	err := s.Update(ctx, func(tx users.Tx) error {
		u, err := tx.UserByLogin("ann")
		if err != nil {
			return err
		}
		if err := tx.(userTx).db.Exec("UPDATE users SET location = 'Lyon' WHERE login = 'ann'").Error; err != nil {
			return err
		}
		bio := "new bio"
		u.Bio = &bio
		u.FlagPublic = false
		cols = tx.(userTx).changedColumns(u)
		if err := tx.Save(u); err != nil {
			return err
		}
		return tx.Save(u) // nothing changed since: no write, no error
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0] != "bio" || cols[1] != "flag_public" {
		t.Fatalf("changed columns %v, want [bio flag_public]", cols)
	}
	u, err := s.UserByLogin(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if u.Bio == nil || *u.Bio != "new bio" || u.FlagPublic || u.Location == nil || *u.Location != "Lyon" {
		t.Fatalf("after the save: bio %v public %v location %v", u.Bio, u.FlagPublic, u.Location)
	}
	// A row this transaction did not read is saved whole; a missing one is
	// not found.
	err = s.Update(ctx, func(tx users.Tx) error {
		if got := tx.(userTx).changedColumns(&users.User{Login: "ann"}); len(got) != len(userSaveColumns) {
			t.Errorf("unread row: %d columns, want all %d", len(got), len(userSaveColumns))
		}
		return tx.Save(newUser("nobody", "Nobody"))
	})
	if err != users.ErrNotFound {
		t.Fatalf("save of a missing row: %v", err)
	}
}
