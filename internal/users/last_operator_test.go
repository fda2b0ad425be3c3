package users_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// LeavesNoOperator: losing every operator but admin (who cannot log in
// with a password) leaves nobody able to operate; losing some, or people
// who are not operators, does not.
func TestLeavesNoOperator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var log bytes.Buffer
	svc := open(t, testkit.DB(t), &log)
	for _, a := range []users.NewAccount{
		{Login: "olga", Password: "a long password", Role: "admin"},
		{Login: "oscar", Password: "a long password", Role: "admin"},
		{Login: "bob", Password: "a long password"},
	} {
		if err := svc.Create(ctx, users.System(), a); err != nil {
			t.Fatal(err)
		}
	}
	olga, err := svc.Get(ctx, users.System(), "olga")
	if err != nil || olga.Type != users.TypeOperator {
		t.Fatalf("olga: %+v %v", olga, err)
	}
	bob, _ := svc.Get(ctx, users.System(), "bob")
	for _, c := range []struct {
		viewer *users.User
		losing []string
		want   bool
	}{
		{olga, []string{"olga"}, false},
		{olga, []string{"OLGA", "Oscar"}, true}, // names as typed
		{olga, []string{"olga", "oscar", "bob", users.AdminLogin}, true},
		{olga, []string{"bob", users.AdminLogin}, false},
		{olga, nil, false},
		{bob, []string{"olga", "oscar"}, false}, // not an operator: nothing to say
	} {
		got, err := svc.LeavesNoOperator(ctx, c.viewer, c.losing)
		if err != nil || got != c.want {
			t.Errorf("%s losing %v: %v %v, want %v", c.viewer.Login, c.losing, got, err, c.want)
		}
	}
}
