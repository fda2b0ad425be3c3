package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/animelist/animetest"
	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// newAnimeEnv is newEnv with the anime list service over the fake
// providers (its worker not started: every fetch here is refreshAnimeList)
// and the sample base imported.
func newAnimeEnv(t *testing.T) (*env, *animetest.Fake) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := karas.Import(ctx, "../../testdata/karabase", db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	lb := &testkit.Buffer{}
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	fake := animetest.New(t)
	providers, err := animelist.NewProviders(fake.Config())
	if err != nil {
		t.Fatal(err)
	}
	anime := animelist.New(animelist.Options{Store: db, Providers: providers, Log: lb.Logger(), Now: clk.Now})
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"),
		Log: lb.Logger(), Now: clk.Now, Anime: anime})
	if err != nil {
		t.Fatal(err)
	}
	e := server.New(server.Deps{API: api.New(svc, lb.Logger()).WithAnime(anime), DB: db, Log: lb.Logger()})
	return &env{t: t, e: e, svc: svc, db: db, log: lb, clock: clk}, fake
}

type kmList struct {
	Infos struct {
		Count, From, To int
	} `json:"infos"`
	I18n    map[string]map[string]string `json:"i18n"`
	Content []map[string]json.RawMessage `json:"content"`
}

func (l kmList) kids() []string {
	var out []string
	for _, c := range l.Content {
		var kid string
		json.Unmarshal(c["kid"], &kid)
		out = append(out, kid)
	}
	return out
}

func TestRefreshAnimeListThroughTheRouter(t *testing.T) {
	t.Parallel()
	v, fake := newAnimeEnv(t)
	kim := v.user("kim")
	// No provider yet: the caller's mistake.
	v.do(kim, "refreshAnimeList", nil).want(t, 400, "INVALID_DATA")

	fake.Set("kim", animetest.Entry{ID: 1, Status: animetest.Completed}, animetest.Entry{ID: 30, Status: animetest.Watching},
		animetest.Entry{ID: 77, Status: animetest.Dropped})
	v.do(kim, "editMyAccount", map[string]any{"anime_list_to_fetch": "anilist",
		"social_networks": map[string]any{"anilist": "kim"}}).want(t, 200, "USER_EDITED")
	r := v.do(kim, "refreshAnimeList", nil).want(t, 200, "")
	if string(r.Data) != "null" {
		t.Fatalf("data %s", r.Data)
	}
	var me struct {
		IDs []int      `json:"anime_list_ids"`
		At  *time.Time `json:"anime_list_last_modified_at"`
	}
	v.do(kim, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if !slices.Equal(me.IDs, []int{1, 30}) || me.At == nil {
		t.Fatalf("stored %v at %v", me.IDs, me.At)
	}

	// A provider failure answers 500 and keeps the list.
	v.clock.Add(time.Minute)
	fake.Fail("kim", true)
	v.do(kim, "refreshAnimeList", nil).want(t, 500, "REFRESH_ANIME_LIST_ERROR")
	v.do(kim, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if !slices.Equal(me.IDs, []int{1, 30}) {
		t.Fatalf("a failure changed the list: %v", me.IDs)
	}
	if strings.Contains(v.log.String(), "level=ERROR") && !strings.Contains(v.log.String(), "request_id") {
		t.Fatal("a 5xx logged without its request id")
	}

	// A name the provider does not know, and a name it cannot have.
	v.clock.Add(time.Minute)
	v.do(kim, "editMyAccount", map[string]any{"social_networks": map[string]any{"anilist": animetest.Missing}}).want(t, 200, "USER_EDITED")
	r = v.do(kim, "refreshAnimeList", nil).want(t, 500, "REFRESH_ANIME_LIST_ERROR")
	if !strings.Contains(string(r.MsgRaw), "USER_NOT_FOUND_AT_PROVIDER") {
		t.Fatalf("data %s", r.MsgRaw)
	}
	v.do(kim, "editMyAccount", map[string]any{"anime_list_to_fetch": "kitsu", "social_networks": map[string]any{"kitsu": "kim"}}).
		want(t, 200, "USER_EDITED")
	v.do(kim, "refreshAnimeList", nil).want(t, 400, "INVALID_DATA")
}

func TestGetAnimeListThroughTheRouter(t *testing.T) {
	t.Parallel()
	v, fake := newAnimeEnv(t)
	lea := v.user("lea")
	// Before any list: the empty list, in KM's shape.
	var l kmList
	v.do(lea, "getAnimeList", map[string]any{}).want(t, 200, "").into(t, &l)
	if l.Infos.Count != 0 || l.Content == nil || l.I18n == nil {
		t.Fatalf("empty list: %+v", l)
	}
	// Evangelion (MAL 30), K-On! (5680), Diebuster (MAL only: 949).
	fake.Set("lea", animetest.Entry{ID: 30, Status: animetest.Completed}, animetest.Entry{ID: 5680, Status: animetest.Watching},
		animetest.Entry{ID: 949, Status: animetest.Completed})
	v.do(lea, "editMyAccount", map[string]any{"anime_list_to_fetch": "myanimelist", "main_series_lang": "eng",
		"social_networks": map[string]any{"myanimelist": "lea"}}).want(t, 200, "USER_EDITED")
	v.do(lea, "refreshAnimeList", nil).want(t, 200, "")

	v.do(lea, "getAnimeList", map[string]any{}).want(t, 200, "").into(t, &l)
	if l.Infos.Count != 7 || len(l.Content) != 7 || l.Infos.From != 0 || l.Infos.To != 7 {
		t.Fatalf("infos %+v, %d songs", l.Infos, len(l.Content))
	}
	// KM's DBKara fields: titles by language, tags by type, tid~type.
	first := l.Content[0]
	for _, k := range []string{"kid", "titles", "titles_default_language", "series", "songtypes", "langs", "singers", "tid", "year", "myanimelist_ids"} {
		if _, ok := first[k]; !ok {
			t.Fatalf("no %q in %v", k, first)
		}
	}
	var series []struct {
		TID  string            `json:"tid"`
		Name string            `json:"name"`
		I18n map[string]string `json:"i18n"`
	}
	json.Unmarshal(first["series"], &series)
	if len(series) != 1 || series[0].Name != "Top wo Nerae 2! Diebuster" || l.I18n[series[0].TID]["eng"] != "Gunbuster 2: Diebuster" {
		t.Fatalf("first song's series %+v (default order is by series name in English)", series)
	}
	var tids []string
	json.Unmarshal(first["tid"], &tids)
	if !slices.Contains(tids, series[0].TID+"~1") {
		t.Fatalf("tid %v", tids)
	}

	// filter, from and size (numeric strings too, as KM's panels send).
	v.do(lea, "getAnimeList", map[string]any{"filter": "k-on"}).want(t, 200, "").into(t, &l)
	if l.Infos.Count != 3 {
		t.Fatalf("filter: %d", l.Infos.Count)
	}
	var page1, page2 kmList
	v.do(lea, "getAnimeList", map[string]any{"from": 0, "size": 4, "order": "title"}).want(t, 200, "").into(t, &page1)
	v.do(lea, "getAnimeList", map[string]any{"from": "4", "size": "4", "order": "title"}).want(t, 200, "").into(t, &page2)
	if page1.Infos.Count != 7 || len(page1.Content) != 4 || len(page2.Content) != 3 || page2.Infos.From != 4 || page2.Infos.To != 7 {
		t.Fatalf("pages %+v %+v", page1.Infos, page2.Infos)
	}
	if slices.ContainsFunc(page2.kids(), func(k string) bool { return slices.Contains(page1.kids(), k) }) {
		t.Fatal("a song on both pages")
	}
	for _, bad := range []map[string]any{{"from": -1}, {"size": -2}, {"filter": 3}, {"order": 1}, {"from": "ten"}, {"size": 1.5}} {
		v.do(lea, "getAnimeList", bad).want(t, 400, "INVALID_DATA")
	}

	// Guests get the empty list.
	v.do(v.guest(), "getAnimeList", map[string]any{}).want(t, 200, "").into(t, &l)
	if l.Infos.Count != 0 || len(l.Content) != 0 {
		t.Fatalf("guest: %+v", l.Infos)
	}
}

// TestGetAnimeListReusesStatements: any page, size, filter and order of the
// anime list reuses a few prepared statements.
func TestGetAnimeListReusesStatements(t *testing.T) {
	t.Parallel()
	v, fake := newAnimeEnv(t)
	tok := v.user("ned")
	fake.Set("ned", animetest.Entry{ID: 1, Status: animetest.Completed}, animetest.Entry{ID: 30, Status: animetest.Completed})
	v.do(tok, "editMyAccount", map[string]any{"anime_list_to_fetch": "anilist", "social_networks": map[string]any{"anilist": "ned"}}).
		want(t, 200, "USER_EDITED")
	v.do(tok, "refreshAnimeList", nil).want(t, 200, "")
	orders := []string{"", "title", "recent", "year", "nonsense"}
	page := func(i int) {
		v.do(tok, "getAnimeList", map[string]any{"from": i * 3, "size": 1 + i%50, "filter": []string{"", "a", "e%", "blue"}[i%4],
			"order": orders[i%len(orders)]}).want(t, 200, "")
	}
	base := v.db.PreparedStatements() // the migrations' and the set-up's, a number that grows with each migration
	for i := range 200 {
		page(i)
	}
	first := v.db.PreparedStatements() - base
	for i := 200; i < 1000; i++ {
		page(i)
	}
	if n := v.db.PreparedStatements() - base; n != first || n > 64 {
		t.Fatalf("prepared statements added by the pages: %d, then %d", first, n)
	}
}
