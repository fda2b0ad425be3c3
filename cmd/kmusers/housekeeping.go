package main

import (
	"context"
	"log/slog"
	"time"
)

// settleFor is how long a started server answers before its housekeeping
// and first garbage collection run: a restart's first requests (a health
// check, the clients coming back) do not share the CPU with them.
const settleFor = time.Second

// afterListening runs what a start leaves until the server answers: the
// collector is given back (holdGC), expired sessions and old audit rows
// are swept (the hourly chores' first run), and the avatar sweep reads the
// avatar of every user (100,000 rows: tens of milliseconds, most of a cold start:
// issue 16); the sweep is safe beside requests (avatars.Service.Sweep).
// The returned wait ends once it is done, or given up because ctx ended.
func afterListening(ctx context.Context, a *app, log *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-time.After(settleFor):
		case <-ctx.Done():
			return
		}
		a.gcHeld()
		for what, sweep := range a.sweeps() {
			if err := sweep(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what, "err", err)
			}
		}
		if err := a.avatars.Sweep(ctx); err != nil {
			if ctx.Err() == nil {
				log.Warn("sweeping avatars", "err", err)
			}
			return
		}
		log.Debug("avatars swept")
	}()
	return func() { <-done }
}
