package users_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// twoProcesses opens two services over one database with the same key and
// shared limiters, as two kmusers processes over one PostgreSQL are run.
func twoProcesses(t *testing.T) (a, b *users.Service) {
	t.Helper()
	path := testkit.DB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, svc := range []**users.Service{&a, &b} {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		*svc, err = users.New(context.Background(), users.Options{
			Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"), Log: log, BcryptCost: 10,
			Limiters: func(scope string, max int, window time.Duration) users.Limiter {
				return users.SharedLimiter(db.Throttle(scope, max, window, time.Now), log)
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

func TestRevocationOnBHoldsOnA(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	ctx := context.Background()
	for _, l := range []string{"pat", "dee", "del", "out"} {
		if err := a.Create(ctx, users.System(), users.NewAccount{Login: l, Password: "correct horse battery", Role: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
	token := func(login string) string {
		res, err := a.Login(ctx, "10.0.0.1", login, "correct horse battery", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("a token from A is refused on B: %v", err)
		}
		return res.Token
	}
	dead := func(what, tok string) {
		t.Helper()
		if _, err := a.Authenticate(ctx, tok); !errors.Is(err, users.ErrInvalidToken) {
			t.Fatalf("%s on B: the token still works on A (%v)", what, err)
		}
	}
	tok := token("pat")
	if _, err := b.Edit(ctx, "pat", users.Patch{Password: users.Some("another good password")}); err != nil {
		t.Fatal(err)
	}
	dead("a password change", tok)

	tok = token("dee")
	if _, err := b.Edit(ctx, "dee", users.Patch{Type: users.Some(users.TypeUser)}); err != nil {
		t.Fatal(err)
	}
	dead("a demotion", tok)

	tok = token("del")
	if _, err := b.Delete(ctx, "del"); err != nil {
		t.Fatal(err)
	}
	dead("a deletion", tok)

	tok = token("out")
	if err := b.EndSessions(ctx, "out"); err != nil {
		t.Fatal(err)
	}
	dead("logging out everywhere", tok)
}

func TestBruteForceSplitOverTwoProcessesLocks(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	ctx := context.Background()
	if err := a.Create(ctx, users.System(), users.NewAccount{Login: "vic", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	// The account's budget is 10 failures; each process sees 5 of them,
	// from different addresses, so only a shared count can lock.
	for i := range 10 {
		svc, ip := a, "10.0.1.1"
		if i%2 == 1 {
			svc, ip = b, "10.0.2.2"
		}
		if _, err := svc.Login(ctx, ip, "vic", "wrong guess", nil); !errors.Is(err, users.ErrBadCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	before := a.PasswordCompares() + b.PasswordCompares()
	for _, svc := range []*users.Service{a, b} {
		if _, err := svc.Login(ctx, "10.0.3.3", "vic", "correct horse battery", nil); !errors.Is(err, users.ErrTooManyAttempts) {
			t.Fatalf("the 11th try, with the right password: %v, want too many attempts", err)
		}
	}
	if n := a.PasswordCompares() + b.PasswordCompares() - before; n != 0 {
		t.Fatalf("a locked try cost %d compares", n)
	}
}

func TestSettingsSavedOnBReachAOnReload(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	st := b.Settings()
	st.FrontendMode = 1
	if err := b.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if err := a.ReloadSettings(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Settings().FrontendMode != 1 {
		t.Fatal("A kept its old settings")
	}
}

func TestActivityIsOneWriteAMinuteOverTwoProcesses(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	clk := testkit.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	var svcs [2]*users.Service
	for i := range svcs {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svcs[i], err = users.New(context.Background(), users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("k"), 32),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
	}
	a, b := svcs[0], svcs[1]
	ctx := context.Background()
	if err := a.Create(ctx, users.System(), users.NewAccount{Login: "amy", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	// Both processes read amy before either records her activity.
	ua, _ := a.UserByLogin(ctx, "amy")
	ub, _ := b.UserByLogin(ctx, "amy")
	first := clk.Now()
	a.Touch(ctx, ua)
	clk.Add(30 * time.Second)
	b.Touch(ctx, ub) // B's copy is stale; the database's condition holds the minute
	got, _ := a.UserByLogin(ctx, "amy")
	if !got.LastLoginAt.Equal(first) {
		t.Fatalf("last seen %v, want A's %v: B wrote within the minute", got.LastLoginAt, first)
	}
	clk.Add(31 * time.Second)
	ub, _ = b.UserByLogin(ctx, "amy") // each request reads its user afresh
	b.Touch(ctx, ub)
	if got, _ := a.UserByLogin(ctx, "amy"); !got.LastLoginAt.Equal(clk.Now()) {
		t.Fatalf("last seen %v after a minute, want %v", got.LastLoginAt, clk.Now())
	}
}
