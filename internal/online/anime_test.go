package online_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/animelist/animetest"
	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/online"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// newAnimeHost is an instance whose host routes fetch anime lists from
// the fake providers.
func newAnimeHost(t *testing.T, fake *animetest.Fake) *instance {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lb := &testkit.Buffer{}
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	av, err := avatars.New(filepath.Join(t.TempDir(), "avatars"), db, clk.Now, lb.Logger())
	if err != nil {
		t.Fatal(err)
	}
	providers, err := animelist.NewProviders(fake.Config())
	if err != nil {
		t.Fatal(err)
	}
	an := animelist.New(animelist.Options{Store: db, Providers: providers, Log: lb.Logger(), Now: clk.Now})
	t.Cleanup(an.Stop)
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"),
		Log: lb.Logger(), Now: clk.Now, Avatars: av, AvatarIO: online.Avatars{Service: av}})
	if err != nil {
		t.Fatal(err)
	}
	m := &mails{}
	e := server.New(server.Deps{API: api.New(svc, lb.Logger()).WithAnime(an), DB: db, Log: lb.Logger(), Uploads: av, Avatars: av,
		Online: online.NewHost(svc, av, m, "https://karaoke.example.org", lb.Logger()).WithAnime(an)})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &instance{svc: svc, srv: srv, mails: m, clock: clk, log: lb}
}

// watch gives login on in an AniList source named name.
func watch(t *testing.T, in *instance, login, name string) {
	t.Helper()
	p := users.Patch{AnimeListToFetch: users.Some("anilist"), SocialNetworks: users.Some(users.SocialNetworks{Anilist: name})}
	if _, err := in.svc.EditHosted(context.Background(), mustUser(t, in, login), p); err != nil {
		t.Fatal(err)
	}
}

func myAnime(t *testing.T, in *instance, token string) (int, map[string]any) {
	t.Helper()
	return call(t, "POST", in.srv.URL+"/api/myaccount/myanime", token, "", nil)
}

func idsOf(v any) []int {
	var out []int
	list, _ := v.([]any)
	for _, x := range list {
		f, _ := x.(float64)
		out = append(out, int(f))
	}
	return out
}

func TestHostRefreshesTheOwnersAnimeList(t *testing.T) {
	t.Parallel()
	fake := animetest.New(t)
	fake.Set("ann-al", animetest.Entry{ID: 30, Status: animetest.Completed}, animetest.Entry{ID: 1, Status: animetest.Watching},
		animetest.Entry{ID: 5, Status: animetest.Dropped})
	h := newAnimeHost(t, fake)
	h.user(t, "ann")
	h.user(t, "cy")
	watch(t, h, "ann", "ann-al")
	tok := hostLogin(t, h, "ann", pw)

	if st, out := myAnime(t, h, ""); st != 401 || out["code"] != "NOT_LOGGED_IN" {
		t.Fatalf("no token: %d %v", st, out)
	}
	if st, out := myAnime(t, h, "not a token"); st != 401 || out["code"] != "INVALID_TOKEN" {
		t.Fatalf("bad token: %d %v", st, out)
	}
	if st, out := myAnime(t, h, hostLogin(t, h, "cy", pw)); st != 400 || out["code"] != "ANIME_LIST_NO_SOURCE" {
		t.Fatalf("no source: %d %v", st, out)
	}
	st, out := myAnime(t, h, tok)
	if st != 200 || !slices.Equal(idsOf(out["anime_list_ids"]), []int{1, 30}) || out["anime_list_last_modified_at"] == nil {
		t.Fatalf("refresh: %d %v", st, out)
	}
	calls := fake.Requests.Load()
	// Within the minute the outcome is the answer, without asking the provider.
	if st, out := myAnime(t, h, tok); st != 200 || !slices.Equal(idsOf(out["anime_list_ids"]), []int{1, 30}) || fake.Requests.Load() != calls {
		t.Fatalf("second refresh: %d %v (%d provider calls)", st, out, fake.Requests.Load()-calls)
	}
	// A failing provider keeps the list and says so.
	h.clock.Add(time.Minute)
	fake.Fail("ann-al", true)
	if st, out := myAnime(t, h, tok); st != 502 || out["code"] != "PROVIDER_ERROR" {
		t.Fatalf("provider failing: %d %v", st, out)
	}
	if st, out := call(t, "GET", h.srv.URL+"/api/myaccount", tok, "", nil); st != 200 || !slices.Equal(idsOf(out["anime_list_ids"]), []int{1, 30}) {
		t.Fatalf("the failure changed the list: %d %v", st, out)
	}
	// Another name within the minute: too soon; after it, the provider does not know it.
	watch(t, h, "ann", animetest.Missing)
	if st, out := myAnime(t, h, tok); st != 429 || out["code"] != "TOO_SOON" {
		t.Fatalf("too soon: %d %v", st, out)
	}
	h.clock.Add(time.Minute)
	if st, out := myAnime(t, h, tok); st != 502 || out["code"] != "USER_NOT_FOUND_AT_PROVIDER" {
		t.Fatalf("unknown at the provider: %d %v", st, out)
	}

	// A host without anime lists says so.
	plain := newInstance(t, nil)
	plain.user(t, "dee")
	if st, out := myAnime(t, plain, hostLogin(t, plain, "dee", pw)); st != 503 || out["code"] != "PROVIDER_NOT_CONFIGURED" {
		t.Fatalf("no anime lists: %d %v", st, out)
	}
}

func TestOnlineAccountRefreshesThroughItsHost(t *testing.T) {
	t.Parallel()
	fake := animetest.New(t)
	fake.Set("bob-al", animetest.Entry{ID: 30, Status: animetest.Completed}, animetest.Entry{ID: 1, Status: animetest.Watching})
	host := newAnimeHost(t, fake)
	app := newInstance(t, newClient(t, map[string]string{"host.test": host.srv.URL}))
	host.user(t, "bob")
	watch(t, host, "bob", "bob-al")

	st, code, data := command(t, app, "", "", "login", map[string]any{"username": "bob@host.test", "password": pw})
	token, _ := data["token"].(string)
	onlineTok, _ := data["onlineToken"].(string)
	if st != 200 || token == "" || onlineTok == "" {
		t.Fatalf("login: %d %s %v", st, code, data)
	}
	refresh := func(onlineTok string, status int, reason string) {
		t.Helper()
		st, code, data := command(t, app, token, onlineTok, "refreshAnimeList", nil)
		msg, _ := data["message"].(map[string]any)
		if st != status || (reason != "" && (code != "REFRESH_ANIME_LIST_ERROR" || msg["data"] != reason)) {
			t.Fatalf("refresh: %d %s %v, want %d %s", st, code, data, status, reason)
		}
	}
	refresh("", 500, "ONLINE_TOKEN_INVALID")
	refresh("a token the host never gave", 500, "ONLINE_TOKEN_INVALID")
	if u := mustUser(t, app, "bob@host.test"); len(u.AnimeListIDs) != 0 {
		t.Fatalf("a refused refresh stored %v", u.AnimeListIDs)
	}
	refresh(onlineTok, 200, "")
	u := mustUser(t, app, "bob@host.test")
	hostUser := mustUser(t, host, "bob")
	if !slices.Equal(u.AnimeListIDs, []int{1, 30}) || u.AnimeListLastModifiedAt == nil ||
		!u.AnimeListLastModifiedAt.Equal(*hostUser.AnimeListLastModifiedAt) {
		t.Fatalf("stored %v at %v (host %v)", u.AnimeListIDs, u.AnimeListLastModifiedAt, hostUser.AnimeListLastModifiedAt)
	}

	// The host's failures keep the local list.
	host.clock.Add(time.Minute)
	fake.Fail("bob-al", true)
	refresh(onlineTok, 500, "PROVIDER_ERROR")
	watch(t, host, "bob", "")
	refresh(onlineTok, 400, "")
	st2 := host.svc.Settings()
	st2.OnlineAccountsEnabled = false
	if err := host.svc.SaveSettings(context.Background(), st2); err != nil {
		t.Fatal(err)
	}
	refresh(onlineTok, 500, "ONLINE_ACCOUNTS_DISABLED")
	host.srv.Close()
	refresh(onlineTok, 500, "ONLINE_SERVER_UNREACHABLE")
	if got := mustUser(t, app, "bob@host.test"); !slices.Equal(got.AnimeListIDs, []int{1, 30}) {
		t.Fatalf("a failure changed the local list: %v", got.AnimeListIDs)
	}
}

// programmableHost is a host whose myanime answer a test chooses; its
// login and profile always work.
func programmableHost(t *testing.T) (*httptest.Server, func(status int, body string)) {
	t.Helper()
	var mu sync.Mutex
	status, body := 200, `{}`
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"token":"tok","username":"eve","roles":{"user":true}}`)
	})
	mux.HandleFunc("GET /api/myaccount", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"login":"eve","nickname":"Eve","anime_list_ids":[7,8],"anime_list_last_modified_at":"2026-11-20T10:00:00Z"}`)
	})
	mux.HandleFunc("POST /api/myaccount/myanime", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "tok" {
			w.WriteHeader(401)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, func(s int, b string) {
		mu.Lock()
		defer mu.Unlock()
		status, body = s, b
	}
}

func TestOnlineAnimeListAnswersAreChecked(t *testing.T) {
	t.Parallel()
	srv, answer := programmableHost(t)
	app := newInstance(t, newClient(t, map[string]string{"odd.test": srv.URL}))
	ctx := context.Background()
	res, err := app.svc.Login(ctx, "1.1.1.1", "eve@odd.test", pw, nil)
	if err != nil || res.OnlineToken != "tok" {
		t.Fatalf("login: %v", err)
	}
	me := mustUser(t, app, "eve@odd.test")
	if !slices.Equal(me.AnimeListIDs, []int{7, 8}) {
		t.Fatalf("login synced %v", me.AnimeListIDs)
	}
	many := strings.TrimSuffix(strings.Repeat("1,", 100_001), ",")
	for _, c := range []struct {
		status int
		body   string
		err    error
	}{
		{200, `{"anime_list_ids":[1,-2]}`, users.ErrUnreachable},
		{200, `{"anime_list_ids":[0]}`, users.ErrUnreachable},
		{200, `{"anime_list_ids":[` + many + `]}`, users.ErrUnreachable},
		{200, `{"anime_list_ids":"1,2"}`, users.ErrUnreachable},
		{200, `not json`, users.ErrUnreachable},
		{500, `{"code":"INTERNAL_ERROR"}`, users.ErrUnreachable},
		{404, `nothing here`, users.ErrUnreachable},
		{429, `{"code":"TOO_SOON"}`, animelist.ErrTooSoon},
		{502, `{"code":"PROVIDER_ERROR"}`, animelist.ErrProvider},
		{503, `{"code":"PROVIDER_NOT_CONFIGURED"}`, animelist.ErrNotConfigured},
		{400, `{"code":"ANIME_LIST_NO_SOURCE"}`, animelist.ErrNoSource},
		{403, `{"code":"ONLINE_ACCOUNTS_DISABLED"}`, users.ErrRemoteDisabled},
	} {
		answer(c.status, c.body)
		if _, err := app.svc.RefreshOnlineAnimeList(ctx, me, "tok"); !errors.Is(err, c.err) {
			t.Fatalf("%d %.40s: %v, want %v", c.status, c.body, err, c.err)
		}
		if got := mustUser(t, app, "eve@odd.test"); !slices.Equal(got.AnimeListIDs, []int{7, 8}) {
			t.Fatalf("%d %.40s changed the list: %v", c.status, c.body, got.AnimeListIDs)
		}
	}
	if _, err := app.svc.RefreshOnlineAnimeList(ctx, me, "another token"); !errors.Is(err, users.ErrOnlineToken) {
		t.Fatalf("refused token: %v", err)
	}
	if _, err := app.svc.RefreshOnlineAnimeList(ctx, mustUser(t, app, "admin"), "tok"); !errors.Is(err, users.ErrNotOnline) {
		t.Fatalf("a local account: %v", err)
	}

	// Ids sorted, once each; the host's date kept, or now when it sends none.
	answer(200, `{"anime_list_ids":[30,2,2],"anime_list_last_modified_at":"2026-11-24T08:00:00Z"}`)
	u, err := app.svc.RefreshOnlineAnimeList(ctx, me, "tok")
	if err != nil || !slices.Equal(u.AnimeListIDs, []int{2, 30}) || !u.AnimeListLastModifiedAt.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("stored %+v %v", u, err)
	}
	answer(200, `{"anime_list_ids":[]}`)
	if u, err = app.svc.RefreshOnlineAnimeList(ctx, me, "tok"); err != nil || len(u.AnimeListIDs) != 0 || !u.AnimeListLastModifiedAt.Equal(app.clock.Now()) {
		t.Fatalf("empty list: %+v %v", u, err)
	}
	// KM Server answers 200 with no body: the profile carries the list.
	answer(200, ``)
	if u, err = app.svc.RefreshOnlineAnimeList(ctx, me, "tok"); err != nil || !slices.Equal(u.AnimeListIDs, []int{7, 8}) {
		t.Fatalf("terse host: %+v %v", u, err)
	}
	b, _ := json.Marshal(u.AnimeListIDs)
	if string(b) != "[7,8]" {
		t.Fatalf("%s", b)
	}
}
