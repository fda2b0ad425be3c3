package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/animelist/animetest"
	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/internal/web"
)

// newAnimeSite is newSite with the anime list service over the fake
// providers and the sample base imported.
func newAnimeSite(t *testing.T) (*site, *animetest.Fake) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := testkit.DB(t)
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := karas.Import(ctx, "../../testdata/karabase", db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	lb := &testkit.Buffer{}
	log := lb.Logger()
	av, err := avatars.New(filepath.Join(dir, "avatars"), db, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	clk := testkit.NewClock(time.Now())
	fake := animetest.New(t)
	providers, err := animelist.NewProviders(fake.Config())
	if err != nil {
		t.Fatal(err)
	}
	anime := animelist.New(animelist.Options{Store: db, Providers: providers, Log: log, Now: clk.Now})
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("j"), 32), Log: log, Avatars: av,
		Now: clk.Now, Anime: anime})
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(svc, av, bytes.Repeat([]byte("h"), 64), bytes.Repeat([]byte("b"), 32), log).WithAnime(anime)
	e := server.New(server.Deps{API: api.New(svc, log).WithAnime(anime), DB: db, Log: log, Uploads: av, Avatars: av, Web: h})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, svc: svc, log: lb, dbPath: dbPath, clock: clk}, fake
}

func TestMyAnimeSongsPages(t *testing.T) {
	t.Parallel()
	s, fake := newAnimeSite(t)
	mia := s.member("mia")
	// Before a list: the account says so, the songs page explains.
	if p := mia.get("/account", false); !strings.Contains(p.doc.Find(`[data-testid=anime-fetched]`).Text(), "Not fetched yet") {
		t.Fatalf("account: %s", p.doc.Find(`[data-testid=anime-list-card]`).Text())
	}
	if p := mia.get("/account/anime", false); p.status != 200 || !strings.Contains(p.body, "No anime list yet") {
		t.Fatalf("songs before a list: %d", p.status)
	}
	// Bebop, Evangelion, Attack on Titan, Pokémon, and one without songs.
	fake.Set("mia", animetest.Entry{ID: 1, Status: animetest.Completed}, animetest.Entry{ID: 30, Status: animetest.Completed},
		animetest.Entry{ID: 16498, Status: animetest.Watching}, animetest.Entry{ID: 527, Status: animetest.Completed},
		animetest.Entry{ID: 4242, Status: animetest.Completed})
	_, err := s.svc.Edit(context.Background(), "mia", users.Patch{AnimeListToFetch: users.Some("anilist"),
		SocialNetworks: users.Some(users.SocialNetworks{Anilist: "mia"})})
	if err != nil {
		t.Fatal(err)
	}
	p := mia.post("/account/refresh-anime-list", url.Values{})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account" {
		t.Fatalf("refresh: %d %s", p.status, p.header.Get("Location"))
	}
	p = mia.get("/account", false)
	if !strings.Contains(p.doc.Find(`[data-testid=flash]`).Text(), "up to date: 5 anime") ||
		!strings.Contains(p.doc.Find(`[data-testid=anime-fetched]`).Text(), "5 anime, fetched") {
		t.Fatalf("after refresh: %q / %q", p.doc.Find(`[data-testid=flash]`).Text(), p.doc.Find(`[data-testid=anime-fetched]`).Text())
	}

	// The songs: Bebop 4, Evangelion 3, Attack on Titan 3, Pokémon 4 = 14, 50 a page.
	p = mia.get("/account/anime", false)
	if n := p.doc.Find(`[data-testid=anime-song-row]`).Length(); n != 14 || !strings.Contains(p.body, "14 songs") {
		t.Fatalf("%d rows", n)
	}
	if !strings.Contains(p.doc.Find(`[data-testid=anime-source]`).Text(), "AniList: mia") {
		t.Fatalf("source: %q", p.doc.Find(`[data-testid=anime-source]`).Text())
	}
	// Search (titles and series, any case and accent), as htmx and as a page.
	p = mia.get("/account/anime?q=POKEMON", true)
	if strings.Contains(p.body, "<html") || p.doc.Find(`[data-testid=anime-song-row]`).Length() != 4 {
		t.Fatalf("htmx search: %d rows, fragment %v", p.doc.Find(`[data-testid=anime-song-row]`).Length(), !strings.Contains(p.body, "<html"))
	}
	p = mia.get("/account/anime?q=titans&order=title", false)
	rows := p.doc.Find(`[data-testid=anime-song-row]`)
	if rows.Length() != 3 || !strings.Contains(rows.First().Text(), "Attack on Titan") {
		t.Fatalf("search by series: %d %q", rows.Length(), rows.First().Text())
	}
	// Paging keeps the search.
	p = mia.get("/account/anime?q=o&page=2", false)
	if p.status != 200 || !strings.Contains(p.doc.Find(`[data-testid=pagination]`).Text(), "Page 2 of 1") {
		t.Fatalf("page 2: %d %q", p.status, p.doc.Find(`[data-testid=pagination]`).Text())
	}

	// A user's public page says how many of their anime have songs.
	other := s.member("noe")
	p = other.get("/users/mia", false)
	if got := p.doc.Find(`[data-testid=anime-with-songs]`).Text(); got != "4 of their 5 anime have songs here" {
		t.Fatalf("profile: %q", got)
	}
	if p := other.get("/users/noe", false); p.doc.Find(`[data-testid=anime-with-songs]`).Length() != 0 {
		t.Fatal("a user without a list shows a count")
	}

	// A failed refresh keeps the list and says so.
	s.clock.Add(time.Minute)
	fake.Fail("mia", true)
	mia.post("/account/refresh-anime-list", url.Values{})
	p = mia.get("/account", false)
	if !strings.Contains(p.doc.Find(`[data-testid=flash]`).Text(), "previous list is kept") ||
		!strings.Contains(p.doc.Find(`[data-testid=anime-fetched]`).Text(), "5 anime") {
		t.Fatalf("failed refresh: %q", p.doc.Find(`[data-testid=flash]`).Text())
	}
}

func TestMyAnimeSongsIsForMembers(t *testing.T) {
	t.Parallel()
	s, _ := newAnimeSite(t)
	if p := s.browser().get("/account/anime", false); p.status != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", p.status)
	}
	if p := s.guest().get("/account/anime", false); p.status == http.StatusOK {
		t.Fatal("a guest sees the page")
	}
}
