package main

import (
	"context"

	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/secrets"
	"github.com/kmusers/kmusers/internal/store"
)

// What N processes over one database share (docs/MULTI.md). A SQLite file
// is one process's (the data dir's lock); any other database may be shared.

// sharedDB tells whether other processes may use the same database.
func sharedDB(cfg *config.Config) bool { return !store.IsSQLiteDSN(cfg.DB) }

// loadSecrets reads the keys of tokens and cookies: the data dir's file for
// SQLite, the database's for a shared database, so that every process signs
// and checks with the same keys.
func loadSecrets(ctx context.Context, cfg *config.Config, db *store.Store) (*secrets.Secrets, error) {
	if !sharedDB(cfg) {
		return secrets.Load(cfg.DataDir)
	}
	return secrets.Shared(ctx, db)
}
