package web

import (
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// Edit forms carry the version of the account they showed (hidden field
// "version"). A save over a newer version writes nothing and shows both
// values side by side; a save over the same version writes only the
// fields that the form changed.

// withVersion adds the account's version to a form built from it.
func withVersion(f partials.Form, u *users.User) partials.Form {
	f.Values["version"] = users.RowVersion(u)
	return f
}

// keepChanged leaves in p only the fields whose submitted value differs from
// what the form showed (orig, the account at the version the form carries).
func keepChanged(c echo.Context, p *users.Patch, f, orig partials.Form) {
	p.Version = c.FormValue("version")
	if p.Version == "" || p.Version != orig.V("version") {
		return // no version, or a stale one: the domain decides
	}
	same := func(name string) bool { return f.V(name) == orig.V(name) }
	texts := map[string]*users.Opt[string]{"nickname": &p.Nickname, "bio": &p.Bio, "url": &p.URL, "email": &p.Email,
		"location": &p.Location, "language": &p.Language, "main_series_lang": &p.MainSeriesLang,
		"fallback_series_lang": &p.FallbackSeriesLang, "anime_list_to_fetch": &p.AnimeListToFetch}
	for name, o := range texts {
		if same(name) {
			*o = users.Opt[string]{}
		}
	}
	flags := map[string]*users.Opt[bool]{"flag_public": &p.FlagPublic, "flag_displayfavorites": &p.FlagDisplayfavorites,
		"flag_parentsonly": &p.FlagParentsonly, "flag_sendstats": &p.FlagSendstats, "flag_tutorial_done": &p.FlagTutorialDone}
	for name, o := range flags {
		if same(name) {
			*o = users.Opt[bool]{}
		}
	}
	social := true
	for _, sn := range pages.SocialNetworks {
		social = social && same("social_"+sn)
	}
	if social {
		p.SocialNetworks = users.Opt[users.SocialNetworks]{}
	}
	if same("type") {
		p.Type = users.Opt[int]{}
	}
	if same("login") {
		p.Login = users.Opt[string]{}
	}
}

// changedMeanwhile turns f into the "changed meanwhile" answer: the form
// keeps what was typed, each field that differs from the account now shows
// the current value beside it, and the form carries the current version so
// that saving again is a deliberate choice.
func changedMeanwhile(f partials.Form, cur *users.User) {
	now := withVersion(formFromUser(cur), cur)
	keys := make([]string, 0, len(f.Values))
	for k := range f.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "version" && f.Values[k] != now.Values[k] {
			f.Values["now:"+k] = now.Values[k]
		}
	}
	f.Values["version"] = now.Values["version"]
	f.Errors["form"] = "Someone changed this account while you were editing it: nothing was saved. " +
		"The current values are shown beside yours; save again to keep yours."
}
