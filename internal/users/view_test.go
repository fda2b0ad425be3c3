package users_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// The e-mail rule lives in the domain: a profile read for anyone but its
// owner or an operator comes without it, whatever the front end does next.
func TestGetHidesTheEmailFromOthers(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	svc := open(t, testkit.DB(t), &log)
	ctx := context.Background()
	for _, l := range []string{"bob", "carl"} {
		if err := svc.Create(ctx, users.System(), users.NewAccount{Login: l, Password: "a long password"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Edit(ctx, "bob", users.Patch{Email: users.Some("bob@example.org")}); err != nil {
		t.Fatal(err)
	}
	carl, _ := svc.UserByLogin(ctx, "carl")
	bob, _ := svc.UserByLogin(ctx, "bob")
	for _, c := range []struct {
		name   string
		viewer *users.User
		sees   bool
	}{{"anonymous", nil, false}, {"another user", carl, false}, {"the owner", bob, true}, {"an operator", users.System(), true}} {
		u, err := svc.Get(ctx, c.viewer, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Email != nil; got != c.sees || got != users.CanSeeEmail(c.viewer, u) {
			t.Errorf("%s: e-mail shown = %v, want %v", c.name, got, c.sees)
		}
	}
}
