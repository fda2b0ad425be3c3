package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/animelist/animetest"
)

// TestAnimeListsEndToEnd: the binary imports the sample base, then serves
// with the providers pointed at a fake by the --*-url flags; a login fetches
// the list in the background and getAnimeList answers from it.
func TestAnimeListsEndToEnd(t *testing.T) {
	data := t.TempDir()
	out, err := exec.Command(buildBinary(t), "import-karas", "../../testdata/karabase", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "36 songs (36 added") {
		t.Fatalf("import-karas: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "reading the base [") {
		t.Fatal("a progress bar on a pipe")
	}
	out, err = exec.Command(buildBinary(t), "import-karas", t.TempDir(), "--data", data).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no karaokes/ folder") {
		t.Fatalf("import-karas of an empty folder: %v\n%s", err, out)
	}

	fake := animetest.New(t)
	fake.Set("pia", animetest.Entry{ID: 5680, Status: animetest.Completed}, animetest.Entry{ID: 9253, Status: animetest.Watching})
	cfg := fake.Config()
	p := start(t, data, "--anilist-url", cfg.AniListURL, "--mal-url", cfg.MALURL, "--kitsu-url", cfg.KitsuURL)
	if a := p.command(t, "", "createUser", map[string]any{"login": "pia", "password": "pia password"}); a.status != 200 {
		t.Fatalf("createUser: %d %s", a.status, a.Data)
	}
	tok := p.login(t, "pia", "pia password")
	if a := p.command(t, tok, "editMyAccount", map[string]any{"anime_list_to_fetch": "anilist",
		"social_networks": map[string]any{"anilist": "pia"}}); a.status != 200 {
		t.Fatalf("editMyAccount: %d %s", a.status, a.Data)
	}
	// The edit queued a fetch: wait for the worker.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var me struct {
			IDs []int `json:"anime_list_ids"`
		}
		a := p.command(t, tok, "getMyAccount", nil)
		if json.Unmarshal(a.Data, &me) == nil && len(me.IDs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the list never came:\n%s", p.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	a := p.command(t, tok, "getAnimeList", map[string]any{"size": 100})
	var l struct {
		Infos struct{ Count int } `json:"infos"`
	}
	if a.status != 200 || json.Unmarshal(a.Data, &l) != nil || l.Infos.Count != 6 {
		t.Fatalf("getAnimeList: %d %s", a.status, a.Data)
	}
	if !strings.Contains(p.logText(), "anime list fetched") {
		t.Fatalf("log:\n%s", p.logText())
	}
}
