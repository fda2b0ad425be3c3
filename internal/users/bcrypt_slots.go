package users

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy is a password check refused because every bcrypt slot is taken
// and the queue is full or waited too long: the faces answer 503 with
// Retry-After, and the try is not counted.
var ErrBusy = errors.New("busy: retry later")

// A login storm used to take every core with bcrypt and starve every other
// request (views fell to 11% of their rate while 8 connections logged in:
// issue 16). Local logins wait for a bcrypt slot: one fewer than the cores,
// so a core stays for everything else, with a short queue behind them.
const (
	// bcryptQueuePerSlot is the queue per slot: at cost 10 a compare takes
	// 50–70 ms, so 8 wait at most about half a second.
	bcryptQueuePerSlot = 8
	// bcryptWait bounds a wait in the queue.
	bcryptWait = 2 * time.Second
	// BusyRetryAfter is what the faces put in Retry-After, in seconds.
	BusyRetryAfter = 1
)

// bcryptSlots bounds concurrent bcrypt work.
type bcryptSlots struct {
	run   chan struct{} // one token per compare running
	queue chan struct{} // one token per compare waiting
	wait  time.Duration
}

// newBcryptSlots bounds compares to n (none when n <= 0).
func newBcryptSlots(n int) *bcryptSlots {
	if n <= 0 {
		return nil
	}
	return &bcryptSlots{run: make(chan struct{}, n), queue: make(chan struct{}, n*bcryptQueuePerSlot), wait: bcryptWait}
}

// DefaultLoginSlots leaves one core for the rest.
func DefaultLoginSlots() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// acquire takes a slot, waiting in the queue if there is room, and returns
// its release.
func (b *bcryptSlots) acquire(ctx context.Context) (func(), error) {
	if b == nil {
		return func() {}, nil
	}
	release := func() { <-b.run }
	select {
	case b.run <- struct{}{}:
		return release, nil
	default:
	}
	select {
	case b.queue <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	defer func() { <-b.queue }()
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case b.run <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ErrBusy
	}
}

// refund gives back the try of an attempt that made no compare.
func (a *attempt) refund() {
	if a.device != "" {
		a.s.deviceLimit.Refund(a.device)
		return
	}
	a.s.ipLimit.Refund(a.ip)
	a.s.loginLimit.Refund(a.login)
}
