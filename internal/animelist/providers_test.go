package animelist_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/animelist/animetest"
)

// user names per provider for the fake's users: Kitsu takes numeric ids.
func name(provider, user string) string {
	if provider != "kitsu" {
		return user
	}
	return map[string]string{"alice": "42", animetest.Missing: "404", animetest.Broken: "500", animetest.Junk: "666",
		animetest.Huge: "777", animetest.Slow: "888", animetest.Elsewhere: "999", animetest.Redirect: "555"}[user]
}

func providers(t *testing.T, f *animetest.Fake) map[string]animelist.Provider {
	t.Helper()
	p, err := animelist.NewProviders(f.Config())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var aliceList = []animetest.Entry{
	{ID: 1, Status: animetest.Watching}, {ID: 30, Status: animetest.Completed}, {ID: 99, Status: animetest.Dropped},
	{ID: 5114, Status: animetest.Completed}, {ID: 7, Status: animetest.Planning}, {ID: 16498, Status: animetest.Watching},
	{ID: 30, Status: animetest.Completed}, // listed twice: kept once
}

// TestProvidersFetchEveryPage: three pages of two entries each, only
// watching and completed kept, each id once.
func TestProvidersFetchEveryPage(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	f.Set("alice", aliceList...)
	f.Set("42", aliceList...)
	for pname, p := range providers(t, f) {
		t.Run(pname, func(t *testing.T) {
			before := f.Requests.Load()
			ids, err := p.Fetch(context.Background(), name(pname, "alice"))
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			if want := []int{1, 30, 5114, 16498}; !slices.Equal(ids, want) {
				t.Fatalf("ids %v, want %v", ids, want)
			}
			if n := f.Requests.Load() - before; n < 4 {
				t.Fatalf("%d requests: the pages were not all read", n)
			}
		})
	}
}

func TestProvidersEmptyList(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	f.Set("alice")
	for pname, p := range providers(t, f) {
		ids, err := p.Fetch(context.Background(), name(pname, "alice"))
		if err != nil || ids == nil || len(ids) != 0 {
			t.Fatalf("%s: %v %v", pname, ids, err)
		}
	}
}

// TestProvidersFailures: every way a provider can fail is an error of the
// right kind, never a list.
func TestProvidersFailures(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	f.Set(animetest.Elsewhere, aliceList...)
	f.Set("999", aliceList...)
	cases := []struct {
		user string
		want error
		skip string
	}{
		{animetest.Missing, animelist.ErrUserNotFound, "kitsu"}, // Kitsu answers 404 only for its own reasons
		{animetest.Broken, animelist.ErrProvider, ""},
		{animetest.Junk, animelist.ErrProvider, ""},
		{animetest.Huge, animelist.ErrProvider, ""},
		{animetest.Elsewhere, animelist.ErrProvider, "anilist"}, // AniList pages by chunk number, not by link
		{animetest.Redirect, animelist.ErrProvider, ""},
	}
	for pname, p := range providers(t, f) {
		for _, c := range cases {
			if c.skip == pname {
				continue
			}
			ids, err := p.Fetch(context.Background(), name(pname, c.user))
			if !errors.Is(err, c.want) || ids != nil {
				t.Errorf("%s %s: got %v %v, want %v", pname, c.user, ids, err, c.want)
			}
		}
	}
	// Kitsu's 404 is still "no such user".
	_, err := providers(t, f)["kitsu"].Fetch(context.Background(), "404")
	if !errors.Is(err, animelist.ErrUserNotFound) {
		t.Errorf("kitsu 404: %v", err)
	}
}

func TestProvidersBadNames(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	p := providers(t, f)
	for pname, bad := range map[string][]string{
		"anilist":     {"", "   ", string(make([]byte, 65))},
		"myanimelist": {"", "a", "has space", "../../etc", "x?y=1"},
		"kitsu":       {"", "alice", "-3", "0", "12ab", "1234567890123"},
	} {
		for _, n := range bad {
			if _, err := p[pname].Fetch(context.Background(), n); !errors.Is(err, animelist.ErrBadName) {
				t.Errorf("%s %q: %v", pname, n, err)
			}
		}
	}
	if f.Requests.Load() != 0 {
		t.Fatalf("%d requests for bad names", f.Requests.Load())
	}
}

// TestProvidersSlowAnswer: a provider that does not answer fails when the
// caller's time is up.
func TestProvidersSlowAnswer(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	for pname, p := range providers(t, f) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		_, err := p.Fetch(ctx, name(pname, animetest.Slow))
		cancel()
		if !errors.Is(err, animelist.ErrProvider) {
			t.Errorf("%s: %v", pname, err)
		}
	}
}

func TestMyAnimeListNeedsClientID(t *testing.T) {
	t.Parallel()
	f := animetest.New(t)
	cfg := f.Config()
	cfg.MALClientID = ""
	p, err := animelist.NewProviders(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p["myanimelist"].Fetch(context.Background(), "alice"); !errors.Is(err, animelist.ErrNotConfigured) {
		t.Fatal(err)
	}
}

func TestBaseURLs(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"ftp://x", "graphql.anilist.co", "http://", "https://h/x?q=1", "https://u:p@h/"} {
		if _, err := animelist.NewProviders(animelist.Config{AniListURL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := animelist.NewProviders(animelist.Config{}); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}

// TestRedirectOnSameHost: a redirect within the provider's host is
// followed; the host is the only one contacted.
func TestRedirectOnSameHost(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/old/library-entries", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new/library-entries?"+r.URL.RawQuery, http.StatusMovedPermanently)
	})
	mux.HandleFunc("/new/library-entries", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"id":"1","type":"libraryEntries","attributes":{"status":"completed"},` +
			`"relationships":{"anime":{"data":{"type":"anime","id":"12"}}}}],"links":{}}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p, err := animelist.NewProviders(animelist.Config{KitsuURL: srv.URL + "/old"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p["kitsu"].Fetch(context.Background(), "5")
	if err != nil || !slices.Equal(ids, []int{12}) {
		t.Fatalf("%v %v", ids, err)
	}
}
