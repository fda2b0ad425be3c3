package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/store"
)

// migrate applies the pending migrations and exits: a deploy pipeline runs
// it once before starting the new processes. Opening the store migrates,
// under PostgreSQL's advisory lock, so that it is also safe beside servers
// starting at the same time.
func migrate(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	if !store.IsPostgresDSN(cfg.DB) {
		if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o700); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	log.Info("migrated", "version", v)
	return nil
}
