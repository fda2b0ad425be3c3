// Package pages are the panel's full pages.
package pages

import (
	"github.com/kmusers/kmusers/internal/iso"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

var (
	languageOptions = codeOptions(iso.Languages, "No preference")
	countryOptions  = codeOptions(iso.Countries, "Not said")
	typeOptions     = []partials.Option{{Value: "1", Label: "User"}, {Value: "0", Label: "Operator"}, {Value: "2", Label: "Guest"}}
	animeOptions    = []partials.Option{{Value: "", Label: "None"}, {Value: "anilist", Label: "AniList"}, {Value: "myanimelist", Label: "MyAnimeList"}, {Value: "kitsu", Label: "Kitsu"}}
	uiLangOptions   = []partials.Option{{Value: "", Label: "Browser default"}, {Value: "en", Label: "English"}, {Value: "fr", Label: "French"}, {Value: "es", Label: "Spanish"}, {Value: "de", Label: "German"}, {Value: "it", Label: "Italian"}, {Value: "pt", Label: "Portuguese"}, {Value: "id", Label: "Indonesian"}, {Value: "ja", Label: "Japanese"}}
	frontendOptions = []partials.Option{{Value: "2", Label: "Open"}, {Value: "1", Label: "Restricted"}, {Value: "0", Label: "Closed"}}
	// sendstatsOptions keep "not asked yet" apart from "no" (KM asks again
	// only while the answer is null).
	sendstatsOptions = []partials.Option{{Value: "", Label: "Not asked yet"}, {Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}
	// SocialNetworks are the profile's networks, in display order.
	SocialNetworks = []string{"discord", "twitch", "instagram", "mastodon", "bluesky", "gitlab", "anilist", "myanimelist", "kitsu"}
)

// codeOptions lists entries by English name, after an empty choice.
func codeOptions(entries []iso.Entry, none string) []partials.Option {
	out := []partials.Option{{Value: "", Label: none}}
	for _, e := range iso.ByName(entries) {
		out = append(out, partials.Option{Value: e.Code, Label: e.Name})
	}
	return out
}

// socialList is the filled-in networks of a profile, labelled.
func socialList(s users.SocialNetworks) []partials.Option {
	var out []partials.Option
	for _, name := range SocialNetworks {
		if v := SocialValue(s, name); v != "" {
			out = append(out, partials.Option{Value: v, Label: socialLabels[name]})
		}
	}
	return out
}

var socialLabels = map[string]string{"discord": "Discord", "twitch": "Twitch", "instagram": "Instagram",
	"mastodon": "Mastodon", "bluesky": "Bluesky", "gitlab": "GitLab", "anilist": "AniList",
	"myanimelist": "MyAnimeList", "kitsu": "Kitsu"}

// SocialValue reads one network by its wire name.
func SocialValue(s users.SocialNetworks, name string) string {
	return map[string]string{"discord": s.Discord, "twitch": s.Twitch, "instagram": s.Instagram,
		"mastodon": s.Mastodon, "bluesky": s.Bluesky, "gitlab": s.Gitlab, "anilist": s.Anilist,
		"myanimelist": s.Myanimelist, "kitsu": s.Kitsu}[name]
}

// onlyFields is f with only the errors of the named fields, for a page
// that shows several forms from one: each form's summary lists its own.
func onlyFields(f partials.Form, names ...string) partials.Form {
	out := partials.Form{Values: f.Values, Errors: map[string]string{}, Operator: f.Operator}
	for _, n := range names {
		if msg, ok := f.Errors[n]; ok {
			out.Errors[n] = msg
		}
	}
	return out
}
