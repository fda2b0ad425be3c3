package users_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// DeleteTemporary removes a temporary guest and refuses every other
// account, keeping it: the rule lives here, the panel's bulk action only
// maps the refusal.
func TestDeleteTemporaryRemovesOnlyTemporaryGuests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var log bytes.Buffer
	svc := open(t, testkit.DB(t), &log)
	st := svc.Settings()
	st.AllowTemporaryGuests = true
	if err := svc.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	temp, _, err := svc.LoginGuest(ctx, "Passing Through")
	if err != nil || !temp.FlagTemporary {
		t.Fatalf("temporary guest: %+v %v", temp, err)
	}
	if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "bob", Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	builtIn, err := svc.List(ctx, users.System(), users.ListQuery{Type: ptr(users.TypeGuest), Limit: 1})
	if err != nil || len(builtIn) != 1 || builtIn[0].FlagTemporary {
		t.Fatalf("a built-in guest: %+v %v", builtIn, err)
	}
	for _, login := range []string{"bob", builtIn[0].Login} {
		if _, err := svc.DeleteTemporary(ctx, login); !errors.Is(err, users.ErrNotTemporary) {
			t.Fatalf("DeleteTemporary(%s) = %v, want ErrNotTemporary", login, err)
		}
		if _, err := svc.Get(ctx, users.System(), login); err != nil {
			t.Fatalf("%s gone after a refused DeleteTemporary: %v", login, err)
		}
	}
	if _, err := svc.DeleteTemporary(ctx, users.AdminLogin); !errors.Is(err, users.ErrAdminProtected) {
		t.Fatalf("DeleteTemporary(admin) = %v", err)
	}
	if _, err := svc.DeleteTemporary(ctx, "nobody-here"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("DeleteTemporary(unknown) = %v", err)
	}
	gone, err := svc.DeleteTemporary(ctx, temp.Login)
	if err != nil || gone.Login != temp.Login {
		t.Fatalf("DeleteTemporary(%s) = %+v %v", temp.Login, gone, err)
	}
	if _, err := svc.Get(ctx, users.System(), temp.Login); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("temporary guest still there: %v", err)
	}
	if _, err := svc.DeleteTemporary(ctx, temp.Login); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("second DeleteTemporary = %v", err)
	}
}
