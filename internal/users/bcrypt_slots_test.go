package users

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/throttle"
)

// TestBcryptSlots: past the running slots a compare waits in the queue;
// past the queue it is refused at once, and a waiter runs when a slot frees.
func TestBcryptSlots(t *testing.T) {
	t.Parallel()
	b := newBcryptSlots(1)
	b.queue = make(chan struct{}, 1)
	b.wait = time.Hour // the test never waits for the timer
	ctx := context.Background()
	release, err := b.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		r, err := b.acquire(ctx) // queued behind the first
		if err == nil {
			r()
		}
		waited <- err
	}()
	for len(b.queue) == 0 { // await the waiter in the queue
		time.Sleep(time.Millisecond)
	}
	if _, err := b.acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("queue full: %v, want ErrBusy", err)
	}
	release()
	if err := <-waited; err != nil {
		t.Fatalf("the queued compare was refused: %v", err)
	}
	if newBcryptSlots(0) != nil {
		t.Fatal("0 slots must mean no bound")
	}
	if r, err := (*bcryptSlots)(nil).acquire(ctx); err != nil || r == nil {
		t.Fatal("no bound must always run")
	}
	cancelled, cancel := context.WithCancel(ctx)
	release, _ = b.acquire(ctx)
	cancel()
	if _, err := b.acquire(cancelled); !errors.Is(err, ErrBusy) {
		t.Fatalf("a caller gone while queued: %v", err)
	}
	release()
}

// TestBusyTryIsGivenBack: a login refused as busy made no compare, so its
// try is given back: busy answers never lock an account out.
func TestBusyTryIsGivenBack(t *testing.T) {
	t.Parallel()
	now := time.Now
	s := &Service{ipLimit: throttle.New(ipFailures, failureWindow, now),
		loginLimit: throttle.New(loginFailures, failureWindow, now), deviceLimit: throttle.New(loginFailures, failureWindow, now)}
	ctx := context.Background()
	for i := range 3 * ipFailures {
		a, err := s.beginAttempt(ctx, "192.0.2.1", "bob")
		if err != nil {
			t.Fatalf("try %d refused after busy answers: %v", i, err)
		}
		a.refund()
	}
}
