package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/animelist/animetest"
)

// TestOnlineAnimeListsEndToEnd: two instances; the host fetches from the
// fake providers (--anilist-url...), the app has the sample base. A user of
// the app whose account lives on the host refreshes the list: the host
// fetches it, the app stores the ids the host answers, and getAnimeList on
// the app lists the songs. When the host cannot answer, the app's list stays.
func TestOnlineAnimeListsEndToEnd(t *testing.T) {
	const pw = "zoe password"
	fake := animetest.New(t)
	fake.Set("zoe-al", animetest.Entry{ID: 5680, Status: animetest.Completed}, animetest.Entry{ID: 9253, Status: animetest.Watching},
		animetest.Entry{ID: 1, Status: animetest.Dropped})
	cfg := fake.Config()
	hostAddr := freePort(t)
	host := startArgs(t, t.TempDir(), hostAddr, nil, "--anilist-url", cfg.AniListURL, "--mal-url", cfg.MALURL, "--kitsu-url", cfg.KitsuURL)

	appData := t.TempDir()
	if out, err := exec.Command(buildBinary(t), "import-karas", "../../testdata/karabase", "--data", appData).CombinedOutput(); err != nil {
		t.Fatalf("import-karas: %v\n%s", err, out)
	}
	app := startEnv(t, appData, freePort(t), []string{"KMUSERS_ONLINE_RESOLVE=host.test=http://" + hostAddr})

	if a := app.command(t, "", "createUser", map[string]any{"login": "zoe@host.test", "password": pw}); a.status != 200 {
		t.Fatalf("create online: %d %s", a.status, a.Data)
	}
	z := app.loginAs(t, "zoe@host.test", pw)
	if z.OnlineToken == "" {
		t.Fatal("no online token")
	}
	if a := app.onlineCommand(t, z.Token, z.OnlineToken, "editMyAccount", map[string]any{"anime_list_to_fetch": "anilist",
		"social_networks": map[string]any{"anilist": "zoe-al"}}); a.status != 200 {
		t.Fatalf("edit: %d %s", a.status, a.Data)
	}
	songs := func() int {
		t.Helper()
		a := app.command(t, z.Token, "getAnimeList", map[string]any{"size": 100})
		var l struct {
			Infos struct{ Count int } `json:"infos"`
		}
		if a.status != 200 || json.Unmarshal(a.Data, &l) != nil {
			t.Fatalf("getAnimeList: %d %s", a.status, a.Data)
		}
		return l.Infos.Count
	}
	refreshFails := func(onlineToken, reason string) {
		t.Helper()
		a := app.onlineCommand(t, z.Token, onlineToken, "refreshAnimeList", nil)
		if a.status != 500 || !strings.Contains(string(a.Data), "REFRESH_ANIME_LIST_ERROR") || !strings.Contains(string(a.Data), reason) {
			t.Fatalf("refresh: %d %s, want 500 %s", a.status, a.Data, reason)
		}
	}
	refreshFails("", "ONLINE_TOKEN_INVALID")

	if a := app.onlineCommand(t, z.Token, z.OnlineToken, "refreshAnimeList", nil); a.status != 200 {
		t.Fatalf("refresh: %d %s\napp:\n%s\nhost:\n%s", a.status, a.Data, app.logText(), host.logText())
	}
	var me struct {
		IDs []int   `json:"anime_list_ids"`
		At  *string `json:"anime_list_last_modified_at"`
	}
	if a := app.command(t, z.Token, "getMyAccount", nil); json.Unmarshal(a.Data, &me) != nil || len(me.IDs) != 2 || me.At == nil {
		t.Fatalf("stored on the app: %s", a.Data)
	}
	var onHost struct {
		IDs []int `json:"anime_list_ids"`
	}
	if st := rest(t, "GET", host.base+"/api/myaccount", z.OnlineToken, "", nil, &onHost); st != 200 || len(onHost.IDs) != 2 {
		t.Fatalf("stored on the host: %d %v", st, onHost.IDs)
	}
	if n := songs(); n != 6 {
		t.Fatalf("getAnimeList: %d songs, want 6", n)
	}
	if !strings.Contains(host.logText(), "anime list fetched") || !strings.Contains(app.logText(), "online anime list refreshed") {
		t.Fatalf("logs:\napp:\n%s\nhost:\n%s", app.logText(), host.logText())
	}

	// The next login brings the list back with the profile.
	z = app.loginAs(t, "zoe@host.test", pw)
	if a := app.command(t, z.Token, "getMyAccount", nil); json.Unmarshal(a.Data, &me) != nil || len(me.IDs) != 2 {
		t.Fatalf("after login: %s", a.Data)
	}

	// Host gone: the refresh says so and the app's list stays.
	host.stop(t)
	refreshFails(z.OnlineToken, "ONLINE_SERVER_UNREACHABLE")
	if n := songs(); n != 6 {
		t.Fatalf("after a failed refresh: %d songs, want 6", n)
	}
}
