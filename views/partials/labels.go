package partials

import (
	"sort"
	"strings"
)

// label is a field's name as the person filling the form reads it. A form
// about someone else (an operator's edit page) reads op when set.
type label struct{ name, self, op string }

// labels are every form field's label, in the order the forms show them: the
// fields' <label> and their error messages both read them, so a message
// names the field as the page does ("Website", never "url").
var labels = []label{
	{"username", "Login", ""},
	{"login", "Login", ""},
	{"type", "Role", ""},
	{"password", "Password", "New password"},
	{"old_password", "Current password", ""},
	{"password_again", "The same password again", ""},
	{"server", "Online server", ""},
	{"security_code", "Security code", ""},
	{"avatar", "New avatar", ""},
	{"nickname", "Nickname", ""},
	{"bio", "About me", "About"},
	{"url", "Website", ""},
	{"email", "E-mail", ""},
	{"location", "Country", ""},
	{"language", "Interface language", ""},
	{"main_series_lang", "Main language for song titles", ""},
	{"fallback_series_lang", "Fallback language for song titles", ""},
	{"social_discord", "Discord", ""},
	{"social_twitch", "Twitch", ""},
	{"social_instagram", "Instagram", ""},
	{"social_mastodon", "Mastodon", ""},
	{"social_bluesky", "Bluesky", ""},
	{"social_gitlab", "GitLab", ""},
	{"social_anilist", "AniList", ""},
	{"social_myanimelist", "MyAnimeList", ""},
	{"social_kitsu", "Kitsu", ""},
	{"anime_list_to_fetch", "Anime list to use", ""},
	{"flag_public", "Show my profile to everyone", "Profile shown to everyone"},
	{"flag_displayfavorites", "Show my favorites on my profile", "Favorites shown on the profile"},
	{"flag_parentsonly", "Hide songs meant for adults", ""},
	{"flag_sendstats", "Send anonymous usage statistics", "Sends anonymous usage statistics"},
	{"flag_tutorial_done", "I have seen the tutorial", "Has seen the tutorial"},
	{"instance", "Online server", ""},
	{"convert_password", "Password (to confirm)", ""},
	{"frontend_mode", "Frontend", ""},
	{"online_default_host", "Default online server", ""},
	{"online_allowed_hosts", "Allowed online servers", ""},
	{"remember", "Remember me for 30 days", ""},
}

// Label is the label of a field of f.
func (f Form) Label(name string) string {
	for _, l := range labels {
		if l.name == name {
			if f.Operator && l.op != "" {
				return l.op
			}
			return l.self
		}
	}
	return strings.ReplaceAll(name, "_", " ") // a field with no entry: still words
}

// FieldMessage is one refused field and its message.
type FieldMessage struct{ Name, Message string }

// ErrorList is f's errors in the order of the form: the form's own message
// first, then each field as the page shows them.
func (f Form) ErrorList() []FieldMessage {
	rank := func(name string) int {
		if name == "form" {
			return -1
		}
		for i, l := range labels {
			if l.name == name {
				return i
			}
		}
		return len(labels)
	}
	out := make([]FieldMessage, 0, len(f.Errors))
	for name, msg := range f.Errors {
		out = append(out, FieldMessage{name, msg})
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank(out[i].Name), rank(out[j].Name)
		if ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out
}
