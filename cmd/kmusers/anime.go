package main

import (
	"log/slog"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/store"
)

// newAnimeLists makes the anime list service from the provider settings.
func newAnimeLists(cfg *config.Config, db *store.Store, log *slog.Logger) (*animelist.Service, error) {
	providers, err := animelist.NewProviders(animelist.Config{AniListURL: cfg.AnimeLists.AniListURL,
		MALURL: cfg.AnimeLists.MALURL, KitsuURL: cfg.AnimeLists.KitsuURL, MALClientID: cfg.AnimeLists.MALClientID})
	if err != nil {
		return nil, err
	}
	return animelist.New(animelist.Options{Store: db, Providers: providers, Log: log}), nil
}
