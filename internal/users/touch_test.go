package users_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// Two processes (or two requests) that both read a user as away and both
// record the activity announce "came online" once: only the one whose write
// happened publishes it (the socket.io TestPushes saw it twice).
func TestCameOnlineAnnouncedOnce(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	clk := testkit.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	bus := events.New() // one bus for both, as a bridge between processes would make it
	sub := bus.Subscribe(16)
	var svcs [2]*users.Service
	for i := range svcs {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svcs[i], err = users.New(context.Background(), users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("k"), 32),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now, Events: bus})
		if err != nil {
			t.Fatal(err)
		}
	}
	a, b := svcs[0], svcs[1]
	ctx := context.Background()
	if err := a.Create(ctx, users.System(), users.NewAccount{Login: "amy", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	for len(sub.C) > 0 {
		<-sub.C // the creation's
	}
	clk.Add(time.Hour)
	ua, _ := a.UserByLogin(ctx, "amy")
	ub, _ := b.UserByLogin(ctx, "amy")
	a.Touch(ctx, ua)
	b.Touch(ctx, ub) // the same minute: B's stale copy says away, the database says not
	a.Touch(ctx, ua) // A's own copy is now fresh
	if n := len(sub.C); n != 1 {
		t.Fatalf("%d events for one user coming online, want 1", n)
	}
	if e := <-sub.C; e.Kind != events.UserUpdated || e.Login != "amy" {
		t.Fatalf("event %+v", e)
	}
}

// TestOnlineCountsTheWindow: operators see how many users are online and
// when the first of them leaves; others are refused.
func TestOnlineCountsTheWindow(t *testing.T) {
	t.Parallel()
	db, err := store.Open(context.Background(), testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := testkit.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	svc, err := users.New(context.Background(), users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("k"), 32),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now, OnlineWindow: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, login := range []string{"amy", "ben"} {
		if err := svc.Create(ctx, users.System(), users.NewAccount{Login: login, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
	}
	online := func(want int64, wantIn time.Duration) {
		t.Helper()
		n, in, err := svc.Online(ctx, users.System())
		if err != nil || n != want || in != wantIn {
			t.Fatalf("online: %d, first leaves in %s (%v); want %d, %s", n, in, err, want, wantIn)
		}
	}
	online(0, 0)
	amy, _ := svc.UserByLogin(ctx, "amy")
	svc.Touch(ctx, amy)
	clk.Add(4 * time.Minute)
	ben, _ := svc.UserByLogin(ctx, "ben")
	svc.Touch(ctx, ben)
	online(2, 6*time.Minute)
	clk.Add(7 * time.Minute)
	online(1, 3*time.Minute) // amy left at 12:10, ben leaves at 12:14
	if _, _, err := svc.Online(ctx, ben); !errors.Is(err, users.ErrUnauthorized) {
		t.Fatalf("a user asked who is online: %v", err)
	}
}
