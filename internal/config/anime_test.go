package config

import (
	"io"
	"testing"
)

func TestAnimeListProviderSettings(t *testing.T) {
	env := map[string]string{"KMUSERS_ANILIST_URL": "http://127.0.0.1:1/graphql", "KMUSERS_MAL_URL": "http://127.0.0.1:2/v2",
		"KMUSERS_KITSU_URL": "http://127.0.0.1:3/api/edge", "KMUSERS_MAL_CLIENT_ID": "abc"}
	c, err := Parse("t", nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := AnimeLists{AniListURL: "http://127.0.0.1:1/graphql", MALURL: "http://127.0.0.1:2/v2",
		KitsuURL: "http://127.0.0.1:3/api/edge", MALClientID: "abc"}
	if c.AnimeLists != want {
		t.Fatalf("%+v", c.AnimeLists)
	}
	c, err = Parse("t", []string{"--mal-client-id", "xyz"}, func(string) string { return "" }, io.Discard)
	if err != nil || c.AnimeLists != (AnimeLists{MALClientID: "xyz"}) {
		t.Fatalf("defaults: %+v %v", c.AnimeLists, err)
	}
}
