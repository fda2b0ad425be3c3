// Package pages are the panel's full pages.
package pages

import (
	"context"

	"github.com/kmusers/kmusers/internal/i18n"
	"github.com/kmusers/kmusers/internal/iso"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// The labels of these choices are message IDs (internal/i18n/locales),
// translated where the choice is drawn; names of countries and languages
// come from CLDR in the page's language (languageOptions, countryOptions).
var (
	typeOptions     = []partials.Option{{Value: "1", Label: "option.type.user"}, {Value: "0", Label: "option.type.operator"}, {Value: "2", Label: "option.type.guest"}}
	animeOptions    = []partials.Option{{Value: "", Label: "option.none"}, {Value: "anilist", Label: "AniList"}, {Value: "myanimelist", Label: "MyAnimeList"}, {Value: "kitsu", Label: "Kitsu"}}
	uiLangOptions   = []partials.Option{{Value: "", Label: "option.lang.default"}, {Value: "en", Label: "option.lang.en"}, {Value: "fr", Label: "option.lang.fr"}, {Value: "es", Label: "option.lang.es"}, {Value: "de", Label: "option.lang.de"}, {Value: "it", Label: "option.lang.it"}, {Value: "pt", Label: "option.lang.pt"}, {Value: "id", Label: "option.lang.id"}, {Value: "ja", Label: "option.lang.ja"}}
	frontendOptions = []partials.Option{{Value: "2", Label: "option.frontend.open"}, {Value: "1", Label: "option.frontend.restricted"}, {Value: "0", Label: "option.frontend.closed"}}
	// sendstatsOptions keep "not asked yet" apart from "no" (KM asks again
	// only while the answer is null).
	sendstatsOptions = []partials.Option{{Value: "", Label: "option.sendstats.unasked"}, {Value: "yes", Label: "option.yes"}, {Value: "no", Label: "option.no"}}
	// SocialNetworks are the profile's networks, in display order.
	SocialNetworks = []string{"discord", "twitch", "instagram", "mastodon", "bluesky", "gitlab", "anilist", "myanimelist", "kitsu"}
)

// languageOptions are the languages named in the page's language, in its
// alphabetical order, after "no preference".
func languageOptions(ctx context.Context) []partials.Option {
	return codeOptions(iso.LanguagesIn(i18n.From(ctx).Tag()), "option.no_preference")
}

// countryOptions are the countries named in the page's language, in its
// alphabetical order, after "not said".
func countryOptions(ctx context.Context) []partials.Option {
	return codeOptions(iso.CountriesIn(i18n.From(ctx).Tag()), "option.not_said")
}

func codeOptions(entries []iso.Entry, none string) []partials.Option {
	out := make([]partials.Option, 1, len(entries)+1)
	out[0] = partials.Option{Value: "", Label: none}
	for _, e := range entries {
		out = append(out, partials.Option{Value: e.Code, Name: e.Name})
	}
	return out
}

// languageName and countryName name a profile's codes in the page's
// language.
func languageName(ctx context.Context, code string) string {
	return iso.LanguageNameIn(i18n.From(ctx).Tag(), code)
}

func countryName(ctx context.Context, code string) string {
	return iso.CountryNameIn(i18n.From(ctx).Tag(), code)
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
