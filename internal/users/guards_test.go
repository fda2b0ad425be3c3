package users_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// touchCounter is the real store, counting activity writes.
type touchCounter struct {
	*store.Store
	n atomic.Int32
}

func (c *touchCounter) TouchUser(ctx context.Context, login string, at, before time.Time) (bool, error) {
	c.n.Add(1)
	return c.Store.TouchUser(ctx, login, at, before)
}

// openWithClock opens a service on a counting store and a test clock.
func openWithClock(t *testing.T) (*users.Service, *touchCounter, *testkit.Clock) {
	t.Helper()
	db, err := store.Open(context.Background(), testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := testkit.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	tc := &touchCounter{Store: db}
	var log bytes.Buffer
	svc, err := users.New(context.Background(), users.Options{Store: tc, JWTSecret: bytes.Repeat([]byte("k"), 32),
		Log: slog.New(slog.NewTextHandler(&log, nil)), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return svc, tc, clk
}

// The domain refuses a guest's edit itself: the API's gate stops guests
// first, so only a service-level test shows the rule holds on its own.
func TestGuestsCannotEditInTheDomain(t *testing.T) {
	t.Parallel()
	svc, _, _ := openWithClock(t)
	ctx := context.Background()
	g, _, err := svc.LoginGuest(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.EditMe(ctx, g, users.Patch{Bio: users.Some("hello")}); !errors.Is(err, users.ErrGuestCannotEdit) {
		t.Fatalf("a guest edited their account: %v", err)
	}
	if u, _ := svc.UserByLogin(ctx, g.Login); u.Bio != nil {
		t.Fatal("the guest's bio was written")
	}
}

// Activity is written at most once a minute per user, however many requests
// come, so that reads do not turn into writes.
func TestActivityWrittenOncePerMinute(t *testing.T) {
	t.Parallel()
	svc, tc, clk := openWithClock(t)
	ctx := context.Background()
	if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "bob", Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Login(ctx, "192.0.2.1", "bob", "a long password", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := tc.n.Load()
	for range 30 {
		clk.Add(time.Second)
		if _, err := svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
	}
	if n := tc.n.Load() - start; n > 1 {
		t.Fatalf("%d activity writes in 30 seconds of requests; want at most 1", n)
	}
	clk.Add(time.Minute)
	if _, err := svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	u, _ := svc.UserByLogin(ctx, "bob")
	if !u.LastLoginAt.Equal(clk.Now()) {
		t.Fatalf("activity after a minute not recorded: %v, now %v", u.LastLoginAt, clk.Now())
	}
}
