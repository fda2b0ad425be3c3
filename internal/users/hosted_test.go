package users_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

func TestResetLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"),
		Log: (&testkit.Buffer{}).Logger(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "a fine password"
	if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "ann", Password: pw}); err != nil {
		t.Fatal(err)
	}
	ann, _ := svc.UserByLogin(ctx, "ann")
	if rm, err := svc.RequestResetMail(ctx, "ann"); rm != nil || err != nil {
		t.Fatalf("a link for an account without an address: %v %v", rm, err)
	}
	if _, err := svc.EditHosted(ctx, ann, users.Patch{Email: users.Some("ann@example.com")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"nobody", "admin", "guest-" + "x"} {
		if rm, err := svc.RequestResetMail(ctx, name); rm != nil || err != nil {
			t.Fatalf("%s: %v %v", name, rm, err)
		}
	}
	first, err := svc.RequestResetMail(ctx, "ANN")
	if err != nil || first == nil || first.Email != "ann@example.com" || first.Login != "ann" {
		t.Fatalf("%+v %v", first, err)
	}
	second, _ := svc.RequestResetMail(ctx, "ann")
	if svc.ResetLinkValid(ctx, first.Token) || !svc.ResetLinkValid(ctx, second.Token) {
		t.Fatal("a new request does not replace the old link")
	}
	if _, err := svc.ResetWithToken(ctx, second.Token, "short"); !errors.Is(err, users.ErrPasswordTooShort) {
		t.Fatalf("short: %v", err)
	}
	if !svc.ResetLinkValid(ctx, second.Token) {
		t.Fatal("a refused password spent the link")
	}
	tok, _ := svc.Token(ann)
	login, err := svc.ResetWithToken(ctx, second.Token, "a new password")
	if err != nil || login != "ann" {
		t.Fatalf("reset: %q %v", login, err)
	}
	if _, err := svc.ResetWithToken(ctx, second.Token, "a third password"); !errors.Is(err, users.ErrResetLinkExpire) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := svc.Authenticate(ctx, tok); !errors.Is(err, users.ErrInvalidToken) {
		t.Fatalf("a token lives on after the reset: %v", err)
	}
	if _, err := svc.Login(ctx, "1.2.3.4", "ann", "a new password", nil); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}

	// Two hours, no more.
	third, _ := svc.RequestResetMail(ctx, "ann")
	// Three mails per account in two hours, then none: no inbox flooding.
	if rm, _ := svc.RequestResetMail(ctx, "ann"); rm != nil {
		t.Fatal("a fourth mail within two hours")
	}
	clk.Add(users.ResetLinkLife - time.Second)
	if !svc.ResetLinkValid(ctx, third.Token) {
		t.Fatal("expired early")
	}
	clk.Add(time.Second)
	if svc.ResetLinkValid(ctx, third.Token) {
		t.Fatal("valid after two hours")
	}
	if _, err := svc.ResetWithToken(ctx, third.Token, "a fourth password"); !errors.Is(err, users.ErrResetLinkExpire) {
		t.Fatalf("expired link: %v", err)
	}
	if _, err := svc.ResetWithToken(ctx, "", "a fourth password"); !errors.Is(err, users.ErrResetLinkExpire) {
		t.Fatalf("empty token: %v", err)
	}
	// The link follows its account: deleted with it.
	fourth, _ := svc.RequestResetMail(ctx, "ann")
	if _, err := svc.Delete(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if svc.ResetLinkValid(ctx, fourth.Token) {
		t.Fatal("the link outlived its account")
	}
}
