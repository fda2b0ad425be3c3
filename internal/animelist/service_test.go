package animelist_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/animelist/animetest"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// world is a database, the users domain and the anime service over the
// fake providers, on a test clock.
type world struct {
	t     *testing.T
	db    *store.Store
	users *users.Service
	anime *animelist.Service
	fake  *animetest.Fake
	clock *testkit.Clock
	log   *testkit.Buffer
}

func newWorld(t *testing.T, start bool, opts ...func(*animelist.Options)) *world {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{t: t, db: db, fake: animetest.New(t), log: &testkit.Buffer{},
		clock: testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))}
	p, err := animelist.NewProviders(w.fake.Config())
	if err != nil {
		t.Fatal(err)
	}
	o := animelist.Options{Store: db, Providers: p, Log: w.log.Logger(), Now: w.clock.Now, QueueSize: 4}
	for _, f := range opts {
		f(&o)
	}
	w.anime = animelist.New(o)
	if start {
		w.anime.Start(ctx)
		t.Cleanup(w.anime.Stop)
	}
	w.users, err = users.New(ctx, users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"),
		Log: w.log.Logger(), Now: w.clock.Now, Anime: w.anime})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

const password = "correct horse"

// member creates a user whose list comes from provider under name.
func (w *world) member(login, provider, name string) *users.User {
	w.t.Helper()
	ctx := context.Background()
	if err := w.users.Create(ctx, users.System(), users.NewAccount{Login: login, Password: password}); err != nil {
		w.t.Fatal(err)
	}
	u := w.get(login)
	if provider != "" {
		sn := users.SocialNetworks{}
		switch provider {
		case "anilist":
			sn.Anilist = name
		case "myanimelist":
			sn.Myanimelist = name
		case "kitsu":
			sn.Kitsu = name
		}
		var err error
		u, err = w.users.EditMe(ctx, u, users.Patch{AnimeListToFetch: users.Some(provider), SocialNetworks: users.Some(sn)})
		if err != nil {
			w.t.Fatal(err)
		}
	}
	return u
}

func (w *world) get(login string) *users.User {
	w.t.Helper()
	u, err := w.db.UserByLogin(context.Background(), login)
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// await polls until cond holds, for the background worker.
func (w *world) await(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("never happened: %s\nlog:\n%s", what, w.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRefreshStoresTheListOncePerMinute(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.fake.Set("alice", aliceList...)
	u := w.member("alice", "anilist", "alice")
	ctx := context.Background()
	if err := w.anime.Refresh(ctx, u); err != nil {
		t.Fatal(err)
	}
	got := w.get("alice")
	if !slices.Equal(got.AnimeListIDs, []int{1, 30, 5114, 16498}) || got.AnimeListLastModifiedAt == nil ||
		!got.AnimeListLastModifiedAt.Equal(w.clock.Now()) {
		t.Fatalf("stored %v at %v", got.AnimeListIDs, got.AnimeListLastModifiedAt)
	}
	// Within the minute: the provider is not asked again.
	n := w.fake.Requests.Load()
	w.clock.Add(59 * time.Second)
	if err := w.anime.Refresh(ctx, got); err != nil {
		t.Fatal(err)
	}
	if w.fake.Requests.Load() != n {
		t.Fatal("fetched twice within a minute")
	}
	// A minute later it is.
	w.clock.Add(time.Second)
	w.fake.Set("alice", animetest.Entry{ID: 813, Status: animetest.Completed})
	if err := w.anime.Refresh(ctx, got); err != nil {
		t.Fatal(err)
	}
	if ids := w.get("alice").AnimeListIDs; !slices.Equal(ids, []int{813}) {
		t.Fatalf("after a minute: %v", ids)
	}
}

func TestRefreshFailureKeepsThePreviousList(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	w.fake.Set("bob", aliceList...)
	u := w.member("bob", "myanimelist", "bob")
	ctx := context.Background()
	if err := w.anime.Refresh(ctx, u); err != nil {
		t.Fatal(err)
	}
	before := w.get("bob")
	w.clock.Add(time.Minute)
	w.fake.Fail("bob", true)
	if err := w.anime.Refresh(ctx, before); !errors.Is(err, animelist.ErrProvider) {
		t.Fatalf("got %v", err)
	}
	after := w.get("bob")
	if !slices.Equal(after.AnimeListIDs, before.AnimeListIDs) || !after.AnimeListLastModifiedAt.Equal(*before.AnimeListLastModifiedAt) {
		t.Fatalf("list changed: %v at %v", after.AnimeListIDs, after.AnimeListLastModifiedAt)
	}
	// The failure answers the rest of the minute, without asking again.
	n := w.fake.Requests.Load()
	w.fake.Fail("bob", false)
	if err := w.anime.Refresh(ctx, after); !errors.Is(err, animelist.ErrProvider) || w.fake.Requests.Load() != n {
		t.Fatalf("second try within the minute: %v", err)
	}
}

func TestRefreshWhoMay(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	ctx := context.Background()
	none := w.member("carl", "", "")
	if err := w.anime.Refresh(ctx, none); !errors.Is(err, animelist.ErrNoSource) {
		t.Fatalf("no source: %v", err)
	}
	noName := w.member("dora", "kitsu", "")
	if err := w.anime.Refresh(ctx, noName); !errors.Is(err, animelist.ErrNoSource) {
		t.Fatalf("no name: %v", err)
	}
	badName := w.member("emil", "kitsu", "emil")
	if err := w.anime.Refresh(ctx, badName); !errors.Is(err, animelist.ErrBadName) {
		t.Fatalf("kitsu name: %v", err)
	}
	p := "anilist"
	online := &users.User{Login: "fay@kara.moe", Type: users.TypeUser, AnimeListToFetch: &p, SocialNetworks: users.SocialNetworks{Anilist: "fay"}}
	if err := w.anime.Refresh(ctx, online); !errors.Is(err, animelist.ErrOnlineAccount) {
		t.Fatalf("online: %v", err)
	}
	guest := &users.User{Login: "guest", Type: users.TypeGuest, AnimeListToFetch: &p, SocialNetworks: users.SocialNetworks{Anilist: "g"}}
	if err := w.anime.Refresh(ctx, guest); !errors.Is(err, animelist.ErrGuest) {
		t.Fatalf("guest: %v", err)
	}
	if w.fake.Requests.Load() != 0 {
		t.Fatal("a provider was asked")
	}
}

// TestLoginAndEditsFetchInTheBackground: a login queues a fetch; an edit
// that moves the source drops the list at once and fetches the new one,
// once the user's minute is over.
func TestLoginAndEditsFetchInTheBackground(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	w.fake.Set("gina", aliceList...)
	w.fake.Set("42", animetest.Entry{ID: 7442, Status: animetest.Watching})
	w.member("gina", "anilist", "gina")
	w.await("the edit's fetch", func() bool { return w.get("gina").AnimeListLastModifiedAt != nil })
	// A login past the minute fetches. It must be over before the clock moves
	// on: served after, it would count as the next minute's and put off the
	// edit's fetch below.
	w.clock.Add(2 * time.Minute)
	if _, err := w.users.Login(context.Background(), "127.0.0.1", "gina", password, nil); err != nil {
		t.Fatal(err)
	}
	w.await("the login's fetch", func() bool { return strings.Count(w.log.String(), `msg="anime list fetched"`) >= 2 })
	w.clock.Add(2 * time.Minute)
	u, err := w.users.EditMe(context.Background(), w.get("gina"), users.Patch{AnimeListToFetch: users.Some("kitsu"),
		SocialNetworks: users.Some(users.SocialNetworks{Kitsu: "42"})})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.AnimeListIDs) != 0 || u.AnimeListLastModifiedAt != nil {
		t.Fatalf("the old provider's list survived the edit: %v", u.AnimeListIDs)
	}
	w.await("the new source's fetch", func() bool { return slices.Equal(w.get("gina").AnimeListIDs, []int{7442}) })
	// An edit that does not move the source keeps the list and fetches nothing.
	n := w.fake.Requests.Load()
	w.clock.Add(2 * time.Minute)
	if _, err := w.users.EditMe(context.Background(), w.get("gina"), users.Patch{Bio: users.Some("hi")}); err != nil {
		t.Fatal(err)
	}
	if got := w.get("gina"); !slices.Equal(got.AnimeListIDs, []int{7442}) || w.fake.Requests.Load() != n {
		t.Fatalf("a bio edit touched the list: %v", got.AnimeListIDs)
	}
}

// TestMovedTwiceWithinTheMinute: the second source is fetched once the
// user's minute is over, not dropped. The minute is a millisecond here.
func TestMovedTwiceWithinTheMinute(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, func(o *animelist.Options) { o.MinInterval = time.Millisecond })
	w.fake.Set("kai", animetest.Entry{ID: 1, Status: animetest.Completed})
	w.fake.Set("99", animetest.Entry{ID: 21, Status: animetest.Completed})
	w.member("kai", "anilist", "kai")
	w.await("the first fetch", func() bool { return w.get("kai").AnimeListLastModifiedAt != nil })
	// The clock stands still: the next fetch is too soon, and put off.
	if _, err := w.users.EditMe(context.Background(), w.get("kai"), users.Patch{AnimeListToFetch: users.Some("kitsu"),
		SocialNetworks: users.Some(users.SocialNetworks{Kitsu: "99"})}); err != nil {
		t.Fatal(err)
	}
	w.await("the fetch to be put off", func() bool { return strings.Contains(w.log.String(), "anime list fetch put off") })
	w.clock.Add(time.Millisecond)
	w.await("the second source's fetch", func() bool { return slices.Equal(w.get("kai").AnimeListIDs, []int{21}) })
}

// TestSlowProviderNeverSlowsALogin: the login returns while the provider
// hangs, and Stop ends the hanging fetch.
func TestSlowProviderNeverSlowsALogin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	w.member("hana", "anilist", animetest.Slow) // this edit queues the slow fetch
	w.await("the worker to call the provider", func() bool { return w.fake.Requests.Load() > 0 })
	if _, err := w.users.Login(context.Background(), "127.0.0.1", "hana", password, nil); err != nil {
		t.Fatal(err)
	}
	w.anime.Stop() // returns: the fetch under way is cancelled
	if w.get("hana").AnimeListLastModifiedAt != nil {
		t.Fatal("a list was stored")
	}
}

func TestQueueFullDropsAndLogs(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false) // no worker: nothing drains the queue
	for range 5 {
		w.anime.ListStale("ivy", false)
	}
	if !strings.Contains(w.log.String(), "anime list queue full") {
		t.Fatalf("log:\n%s", w.log.String())
	}
}

// TestListResolvesFiltersAndPages runs List on the sample base.
func TestListResolvesFiltersAndPages(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	ctx := context.Background()
	if _, err := karas.Import(ctx, "../../testdata/karabase", w.db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	// Cowboy Bebop (1), Evangelion (30), Steins;Gate (9253), Sailor Moon (530), and one anime without songs.
	w.fake.Set("jun", animetest.Entry{ID: 1, Status: animetest.Completed}, animetest.Entry{ID: 30, Status: animetest.Watching},
		animetest.Entry{ID: 9253, Status: animetest.Completed}, animetest.Entry{ID: 530, Status: animetest.Completed},
		animetest.Entry{ID: 123456, Status: animetest.Completed}, animetest.Entry{ID: 813, Status: animetest.Dropped})
	u := w.member("jun", "anilist", "jun")
	if err := w.anime.Refresh(ctx, u); err != nil {
		t.Fatal(err)
	}
	u = w.get("jun")
	list := func(q animelist.Query) karas.AnimePage {
		t.Helper()
		p, err := w.anime.List(ctx, u, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	titles := func(p karas.AnimePage) []string {
		main, fb := animelist.Languages(u)
		var out []string
		for _, s := range p.Songs {
			out = append(out, karas.Title(s.Titles, main, fb, s.DefaultLanguage))
		}
		return out
	}
	all := list(animelist.Query{})
	// Bebop 3 + crossover, Evangelion 3, Steins;Gate 2 (+ the crossover, once), Sailor Moon 3.
	if all.Count != 12 || len(all.Songs) != 12 {
		t.Fatalf("count %d, %d songs: %v", all.Count, len(all.Songs), titles(all))
	}
	if n, _ := w.anime.AnimeWithSongs(ctx, u); n != 4 {
		t.Fatalf("anime with songs: %d", n)
	}
	// English reader: English titles first, then the song's default.
	got := titles(list(animelist.Query{Order: karas.OrderTitle, Size: 3}))
	if want := []string{"A Cruel Angel's Thesis", "Blue", "Fly Me to the Moon"}; !slices.Equal(got, want) {
		t.Fatalf("by title: %v", got)
	}
	// A French reader sees French titles where there are some.
	fre := "fre"
	u, err := w.users.EditMe(ctx, u, users.Patch{MainSeriesLang: users.Some(fre)})
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(list(animelist.Query{Filter: "these", Size: 1})); !slices.Equal(got, []string{"La Thèse de l'ange cruel"}) {
		t.Fatalf("French and accent-free search: %v", got)
	}
	// The filter searches series names in every language, and aliases.
	if p := list(animelist.Query{Filter: "neon genesis"}); p.Count != 3 {
		t.Fatalf("series search: %d", p.Count)
	}
	if p := list(animelist.Query{Filter: "crossover song"}); p.Count != 1 {
		t.Fatalf("alias search: %d", p.Count)
	}
	if p := list(animelist.Query{Filter: "100%_"}); p.Count != 0 {
		t.Fatalf("LIKE wildcards are not escaped: %d", p.Count)
	}
	// Pages: every song once, and a page past the end still counts.
	seen := map[string]bool{}
	for from := 0; from < 12; from += 5 {
		for _, s := range list(animelist.Query{From: from, Size: 5}).Songs {
			if seen[s.KID] {
				t.Fatalf("%s on two pages", s.KID)
			}
			seen[s.KID] = true
		}
	}
	if len(seen) != 12 {
		t.Fatalf("pages hold %d songs", len(seen))
	}
	if p := list(animelist.Query{From: 40, Size: 5}); p.Count != 12 || len(p.Songs) != 0 {
		t.Fatalf("past the end: %d %d", p.Count, len(p.Songs))
	}
	// Default order: by series name, then song type and order.
	first := list(animelist.Query{Size: 1}).Songs[0]
	if first.Resolved["series"][0].Name != "Cowboy Bebop" {
		t.Fatalf("default order starts with %v", first.Resolved["series"])
	}
	// Guests get the empty list.
	// (The same row seen as a guest: only the type differs.)
	guest := *u
	guest.Type = users.TypeGuest
	if p, err := w.anime.List(ctx, &guest, animelist.Query{}); err != nil || p.Count != 0 || p.Songs == nil {
		t.Fatalf("guest: %+v %v", p, err)
	}
}

// TestListFollowsImportsAndRefreshes: the kept orders never outlive a
// change of the catalogue or of the list.
func TestListFollowsImportsAndRefreshes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, false)
	ctx := context.Background()
	base := t.TempDir()
	if err := os.CopyFS(base, os.DirFS("../../testdata/karabase")); err != nil {
		t.Fatal(err)
	}
	if _, err := karas.Import(ctx, base, w.db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	w.fake.Set("lou", animetest.Entry{ID: 1, Status: animetest.Completed})
	u := w.member("lou", "anilist", "lou")
	if err := w.anime.Refresh(ctx, u); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		p, err := w.anime.List(ctx, w.get("lou"), animelist.Query{Size: 2})
		if err != nil {
			t.Fatal(err)
		}
		return p.Count
	}
	if n := count(); n != 4 {
		t.Fatalf("Cowboy Bebop: %d songs", n)
	}
	tank, _ := filepath.Glob(filepath.Join(base, "karaokes", "*Tank!*"))
	os.Remove(tank[0])
	if _, err := karas.Import(ctx, base, w.db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Fatalf("after a song left the base: %d", n)
	}
	w.clock.Add(time.Minute)
	w.fake.Set("lou", animetest.Entry{ID: 1, Status: animetest.Completed}, animetest.Entry{ID: 30, Status: animetest.Completed})
	if err := w.anime.Refresh(ctx, w.get("lou")); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 6 {
		t.Fatalf("after a refresh: %d", n)
	}
}
