package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// profileTexts are the free fields of the profile form, by wire name.
var profileTexts = []string{"nickname", "bio", "url", "email", "location", "language",
	"main_series_lang", "fallback_series_lang", "anime_list_to_fetch"}

// profileFlags are the profile's checkboxes; flag_sendstats is a three-way
// choice of its own (see sendstatsValue).
var profileFlags = []string{"flag_public", "flag_displayfavorites", "flag_parentsonly", "flag_tutorial_done"}

// formFromUser fills the profile form from a stored user.
func formFromUser(u *users.User) partials.Form {
	f := partials.NewForm()
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for k, v := range map[string]string{"login": u.Login, "nickname": u.Nickname, "bio": str(u.Bio), "url": str(u.URL),
		"email": str(u.Email), "location": str(u.Location), "language": str(u.Language),
		"main_series_lang": str(u.MainSeriesLang), "fallback_series_lang": str(u.FallbackSeriesLang),
		"anime_list_to_fetch": str(u.AnimeListToFetch), "type": strconv.Itoa(u.Type)} {
		f.Values[k] = v
	}
	for name, on := range map[string]bool{"flag_public": u.FlagPublic, "flag_displayfavorites": u.FlagDisplayfavorites,
		"flag_parentsonly": u.FlagParentsonly, "flag_tutorial_done": u.FlagTutorialDone} {
		if on {
			f.Values[name] = "on"
		}
	}
	f.Values["flag_sendstats"] = sendstatsValue(u.FlagSendstats)
	for _, sn := range pages.SocialNetworks {
		f.Values["social_"+sn] = pages.SocialValue(u.SocialNetworks, sn)
	}
	return f
}

// sendstatsValue is the form value of the statistics answer: "" while not
// asked, then "yes" or "no".
func sendstatsValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// sendstatsOpt reads the three-way choice back; "not asked" stays null.
func sendstatsOpt(v string) users.Opt[bool] {
	switch v {
	case "yes":
		return users.Some(true)
	case "no":
		return users.Some(false)
	}
	return users.Opt[bool]{Set: true, Null: true}
}

// profilePatch reads the posted profile form into a patch and the form to
// show again. An empty field clears it; an unchecked box is false.
func profilePatch(c echo.Context) (users.Patch, partials.Form) {
	f := partials.NewForm()
	var p users.Patch
	texts := map[string]*users.Opt[string]{"nickname": &p.Nickname, "bio": &p.Bio, "url": &p.URL, "email": &p.Email,
		"location": &p.Location, "language": &p.Language, "main_series_lang": &p.MainSeriesLang,
		"fallback_series_lang": &p.FallbackSeriesLang, "anime_list_to_fetch": &p.AnimeListToFetch}
	for _, name := range profileTexts {
		v := c.FormValue(name)
		f.Values[name] = v
		*texts[name] = users.Some(v)
	}
	flags := map[string]*users.Opt[bool]{"flag_public": &p.FlagPublic, "flag_displayfavorites": &p.FlagDisplayfavorites,
		"flag_parentsonly": &p.FlagParentsonly, "flag_tutorial_done": &p.FlagTutorialDone}
	for _, name := range profileFlags {
		on := c.FormValue(name) != ""
		if on {
			f.Values[name] = "on"
		}
		*flags[name] = users.Some(on)
	}
	f.Values["flag_sendstats"] = c.FormValue("flag_sendstats")
	p.FlagSendstats = sendstatsOpt(c.FormValue("flag_sendstats"))
	var sn users.SocialNetworks
	dst := map[string]*string{"discord": &sn.Discord, "twitch": &sn.Twitch, "instagram": &sn.Instagram,
		"mastodon": &sn.Mastodon, "bluesky": &sn.Bluesky, "gitlab": &sn.Gitlab, "anilist": &sn.Anilist,
		"myanimelist": &sn.Myanimelist, "kitsu": &sn.Kitsu}
	for _, name := range pages.SocialNetworks {
		v := c.FormValue("social_" + name)
		f.Values["social_"+name] = v
		*dst[name] = v
	}
	p.SocialNetworks = users.Some(sn)
	return p, f
}

// attachAvatar uploads the form's picture, if any, as the caller's pending
// upload and names it in the patch.
func (h *Handler) attachAvatar(ctx context.Context, c echo.Context, p *users.Patch) error {
	up, _ := c.Get(uploadKey).(*uploadedFile) // read by readMultipart
	switch {
	case up == nil || (!up.tooBig && len(up.data) == 0):
		return nil // no picture chosen
	case up.tooBig:
		return avatars.ErrTooLarge
	}
	res, err := h.uploads.Upload(ctx, viewer(c).Login, up.name, up.data)
	if err != nil {
		return err
	}
	p.Avatar, p.Uploader = users.Some(res.ID), viewer(c).Login
	return nil
}

func trimmed(c echo.Context, name string) string { return strings.TrimSpace(c.FormValue(name)) }
