package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/pgevents"
	"github.com/kmusers/kmusers/internal/secrets"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/users"
)

// What N processes over one database share (docs/MULTI.md). A SQLite file
// is one process's (the data dir's lock); PostgreSQL may be shared.

// sharedDB tells whether other processes may use the same database.
func sharedDB(cfg *config.Config) bool { return store.IsPostgresDSN(cfg.DB) }

// loadSecrets reads the keys of tokens and cookies: the data dir's file for
// SQLite, the database's for a shared database, so that every process signs
// and checks with the same keys.
func loadSecrets(ctx context.Context, cfg *config.Config, db *store.Store) (*secrets.Secrets, error) {
	if !sharedDB(cfg) {
		return secrets.Load(cfg.DataDir)
	}
	return secrets.Shared(ctx, db)
}

// limiters counts login failures and reset mails in the database when it is
// shared, so that a brute force spread over the processes meets one budget.
func limiters(cfg *config.Config, db *store.Store, log *slog.Logger) users.Limiters {
	if !sharedDB(cfg) {
		return nil // in memory
	}
	return func(scope string, max int, window time.Duration) users.Limiter {
		return users.SharedLimiter(db.Throttle(scope, max, window, time.Now), log)
	}
}

// throttleKeep is longer than any limiter's window (reset mails: 2 hours).
const throttleKeep = 24 * time.Hour

// startShared starts what a shared database needs while serving: the event
// bridge to the other processes (whose settings changes are read again
// here) and the sweep of ended throttle counts. stop ends them.
func startShared(ctx context.Context, cfg *config.Config, a *app, log *slog.Logger) (stop func(), err error) {
	if !sharedDB(cfg) {
		return func() {}, nil
	}
	br, err := pgevents.Start(ctx, cfg.DB, a.events, log, pgevents.Options{OnRemote: func(e events.Event) {
		if e.Kind == events.SettingsUpdated || e.Kind == "" { // "": events may have been missed
			if err := a.users.ReloadSettings(context.WithoutCancel(ctx)); err != nil {
				log.Warn("settings not read again", "err", err)
			}
		}
	}})
	if err != nil {
		return nil, fmt.Errorf("events bridge: %w", err)
	}
	go every(ctx, time.Hour, log, map[string]func(context.Context) error{
		"sweeping throttles": func(ctx context.Context) error { return a.db.SweepThrottles(ctx, time.Now().Add(-throttleKeep)) }})
	return br.Close, nil
}
