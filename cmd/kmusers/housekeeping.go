package main

import (
	"context"
	"log/slog"
)

// afterListening runs the start's housekeeping that no answer waits for:
// the avatar sweep reads the avatar of every user (100,000 rows: tens of
// milliseconds, most of a cold start: issue 16), and is safe beside
// requests (avatars.Service.Sweep). The returned wait ends once it is done,
// or given up because ctx ended.
func afterListening(ctx context.Context, a *app, log *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
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
