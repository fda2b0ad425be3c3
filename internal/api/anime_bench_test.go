package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/karas/karagen"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// Sizes of the anime list benchmark: a real base's worth of songs and a
// long-time watcher's list.
const (
	benchSongs = 25_000
	benchAnime = 2_000
)

// BenchmarkGetAnimeList serves getAnimeList on a catalogue of 25,000
// synthetic songs (6,250 series, 5,000 with provider ids) for a user whose
// AniList list holds 2,000 anime, 1,500 of them in the catalogue.
func BenchmarkGetAnimeList(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	if err := karagen.Synthetic(benchSongs, 1).Write(filepath.Join(dir, "base")); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	start := time.Now()
	sum, err := karas.Import(ctx, filepath.Join(dir, "base"), db, karas.Options{})
	if err != nil || sum.Songs != benchSongs {
		b.Fatalf("import: %+v %v", sum, err)
	}
	b.Logf("import of %d songs: %s", sum.Songs, time.Since(start).Round(time.Millisecond))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lb := &testkit.Buffer{}
	anime := animelist.New(animelist.Options{Store: db, Log: log})
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("bench secret bench secret bench!!"), Log: lb.Logger()})
	if err != nil {
		b.Fatal(err)
	}
	v := &env{e: server.New(server.Deps{API: api.New(svc, log).WithAnime(anime), DB: db, Log: log}), svc: svc, db: db, log: lb}
	if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "otaku", Password: pw}); err != nil {
		b.Fatal(err)
	}
	p := "anilist"
	sn := users.SocialNetworks{Anilist: "otaku"}
	if _, err := svc.Edit(ctx, "otaku", users.Patch{AnimeListToFetch: users.Some(p), SocialNetworks: users.Some(sn)}); err != nil {
		b.Fatal(err)
	}
	ids := make([]int, 0, benchAnime)
	for i := range benchAnime * 3 / 4 {
		ids = append(ids, 1+i*4) // AniList ids of series 0, 4, 8...: four in five have ids
	}
	for i := len(ids); i < benchAnime; i++ {
		ids = append(ids, 900_000+i) // not in the catalogue
	}
	if ok, err := db.SetAnimeList(ctx, "otaku", p, sn, ids, time.Now()); !ok || err != nil {
		b.Fatal(ok, err)
	}
	res, err := svc.Login(ctx, "127.0.0.1", "otaku", pw, nil)
	if err != nil {
		b.Fatal(err)
	}
	u, _ := db.UserByLogin(ctx, "otaku")
	page, err := anime.List(ctx, u, animelist.Query{Size: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("the list matches %d songs", page.Count)
	for _, c := range []struct {
		name string
		args map[string]any
	}{
		{"first-50", map[string]any{"from": 0, "size": 50}},
		{"first-400", map[string]any{"from": 0, "size": 400}},
		{"deep-50", map[string]any{"from": page.Count / 2, "size": 50}},
		{"last-50", map[string]any{"from": page.Count - 50, "size": 50}},
		{"by-title-50", map[string]any{"from": 0, "size": 50, "order": "title"}},
		{"filter-50", map[string]any{"filter": "hoshi sora", "from": 0, "size": 50}},
		{"all-2000", map[string]any{"from": 0, "size": 2000}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				benchDo(b, v, res.Token, "getAnimeList", c.args)
			}
		})
	}
	// The first page of a view orders the whole list: the store without
	// its kept orders (no list key) shows that cost.
	b.Run("uncached-first-50", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.AnimeSongs(ctx, karas.AnimeQuery{Login: "otaku", Provider: p, Main: "eng", Fallback: "eng", Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached-filter-50", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.AnimeSongs(ctx, karas.AnimeQuery{Login: "otaku", Provider: p, Main: "eng", Fallback: "eng",
				Filter: "hoshi sora", Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("anime-with-songs", func(b *testing.B) {
		for b.Loop() {
			if _, err := anime.AnimeWithSongs(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkImportKaras imports the 25,000-song base into a new database,
// then again unchanged.
func BenchmarkImportKaras(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	base := filepath.Join(dir, "base")
	if err := karagen.Synthetic(benchSongs, 1).Write(base); err != nil {
		b.Fatal(err)
	}
	n := 0
	open := func() *store.Store {
		n++
		db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("db%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		return db
	}
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			db := open()
			if _, err := karas.Import(ctx, base, db, karas.Options{}); err != nil {
				b.Fatal(err)
			}
			db.Close()
			os.Remove(filepath.Join(dir, fmt.Sprintf("db%d.db", n)))
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		db := open()
		defer db.Close()
		if _, err := karas.Import(ctx, base, db, karas.Options{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := karas.Import(ctx, base, db, karas.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
