package partials

import (
	"context"
	"sort"
	"strings"

	"github.com/kmusers/kmusers/internal/i18n"
)

// label is a field's name as the person filling the form reads it, as
// message IDs (internal/i18n/locales). A form about someone else (an
// operator's edit page) reads op when set.
type label struct{ name, self, op string }

// labels are every form field's label, in the order the forms show them: the
// fields' <label> and their error messages both read them, so a message
// names the field as the page does ("Website", never "url").
var labels = []label{
	{"username", "label.username", ""},
	{"login", "label.login", ""},
	{"type", "label.type", ""},
	{"password", "label.password", "label.password.op"},
	{"old_password", "label.old_password", ""},
	{"password_again", "label.password_again", ""},
	{"server", "label.server", ""},
	{"security_code", "label.security_code", ""},
	{"avatar", "label.avatar", ""},
	{"nickname", "label.nickname", ""},
	{"bio", "label.bio", "label.bio.op"},
	{"url", "label.url", ""},
	{"email", "label.email", ""},
	{"location", "label.location", ""},
	{"language", "label.language", ""},
	{"main_series_lang", "label.main_series_lang", ""},
	{"fallback_series_lang", "label.fallback_series_lang", ""},
	{"social_discord", "label.social_discord", ""},
	{"social_twitch", "label.social_twitch", ""},
	{"social_instagram", "label.social_instagram", ""},
	{"social_mastodon", "label.social_mastodon", ""},
	{"social_bluesky", "label.social_bluesky", ""},
	{"social_gitlab", "label.social_gitlab", ""},
	{"social_anilist", "label.social_anilist", ""},
	{"social_myanimelist", "label.social_myanimelist", ""},
	{"social_kitsu", "label.social_kitsu", ""},
	{"anime_list_to_fetch", "label.anime_list_to_fetch", ""},
	{"flag_public", "label.flag_public", "label.flag_public.op"},
	{"flag_displayfavorites", "label.flag_displayfavorites", "label.flag_displayfavorites.op"},
	{"flag_parentsonly", "label.flag_parentsonly", ""},
	{"flag_sendstats", "label.flag_sendstats", "label.flag_sendstats.op"},
	{"flag_tutorial_done", "label.flag_tutorial_done", "label.flag_tutorial_done.op"},
	{"instance", "label.instance", ""},
	{"convert_password", "label.convert_password", ""},
	{"frontend_mode", "label.frontend_mode", ""},
	{"allow_guest_login", "settings.guests", ""},
	{"allow_temporary_guests", "settings.temporary", ""},
	{"allow_user_creation", "settings.creation", ""},
	{"require_security_code", "settings.code", ""},
	{"online_accounts_enabled", "settings.online", ""},
	{"online_default_host", "label.online_default_host", ""},
	{"online_allowed_hosts", "label.online_allowed_hosts", ""},
	{"remember", "label.remember", ""},
}

// Label is the label of a field of f, in the language of ctx.
func (f Form) Label(ctx context.Context, name string) string {
	for _, l := range labels {
		if l.name == name {
			if f.Operator && l.op != "" {
				return i18n.T(ctx, l.op)
			}
			return i18n.T(ctx, l.self)
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
