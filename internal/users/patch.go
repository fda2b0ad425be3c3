package users

import "errors"

// Patch is an edit of a profile: only the fields that were sent change.
// The JSON names are the wire names; the avatar is decoded by its caller.
type Patch struct {
	Login                Opt[string]         `json:"login"` // editUser: the new login of a rename
	Nickname             Opt[string]         `json:"nickname"`
	Bio                  Opt[string]         `json:"bio"`
	URL                  Opt[string]         `json:"url"`
	Email                Opt[string]         `json:"email"`
	Location             Opt[string]         `json:"location"`
	Language             Opt[string]         `json:"language"`
	MainSeriesLang       Opt[string]         `json:"main_series_lang"`
	FallbackSeriesLang   Opt[string]         `json:"fallback_series_lang"`
	Banner               Opt[string]         `json:"banner"`
	AnimeListToFetch     Opt[string]         `json:"anime_list_to_fetch"`
	Type                 Opt[int]            `json:"type"`
	Password             Opt[string]         `json:"password"`
	OldPassword          Opt[string]         `json:"old_password"`
	FlagTutorialDone     Opt[bool]           `json:"flag_tutorial_done"`
	FlagSendstats        Opt[bool]           `json:"flag_sendstats"`
	FlagParentsonly      Opt[bool]           `json:"flag_parentsonly"`
	FlagPublic           Opt[bool]           `json:"flag_public"`
	FlagDisplayfavorites Opt[bool]           `json:"flag_displayfavorites"`
	SocialNetworks       Opt[SocialNetworks] `json:"social_networks"`
	Avatar               Opt[string]         `json:"-"` // a pending upload id
	Uploader             string              `json:"-"` // who must have uploaded it
	Version              string              `json:"-"` // the RowVersion the edit form saw; "" = no check
}

// applyProfile sets the free profile fields of p on u. Null clears a
// nullable field; null on a plain flag leaves it alone.
func applyProfile(u *User, p Patch) error {
	texts := []struct {
		opt   Opt[string]
		dst   **string
		clean func(string) (*string, error)
	}{
		{p.Bio, &u.Bio, func(v string) (*string, error) { return cleanText("bio", v, maxBioLen, true) }},
		{p.URL, &u.URL, cleanURL},
		{p.Email, &u.Email, cleanEmail},
		{p.Location, &u.Location, cleanLocation},
		{p.Language, &u.Language, cleanUILanguage},
		{p.MainSeriesLang, &u.MainSeriesLang, func(v string) (*string, error) { return cleanSeriesLang("main_series_lang", v) }},
		{p.FallbackSeriesLang, &u.FallbackSeriesLang, func(v string) (*string, error) { return cleanSeriesLang("fallback_series_lang", v) }},
		{p.Banner, &u.Banner, func(v string) (*string, error) { return cleanText("banner", v, maxBannerLen, false) }},
		{p.AnimeListToFetch, &u.AnimeListToFetch, cleanAnimeList},
	}
	var errs []error // every refused field, so that a form can show them all
	for _, t := range texts {
		if !t.opt.Set {
			continue
		}
		if t.opt.Null {
			*t.dst = nil
			continue
		}
		v, err := t.clean(t.opt.V)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		*t.dst = v
	}
	if p.SocialNetworks.Set && !p.SocialNetworks.Null {
		sn, err := cleanSocial(p.SocialNetworks.V)
		if err != nil {
			errs = append(errs, err)
		} else {
			u.SocialNetworks = sn
		}
	}
	applyFlags(u, p)
	return errors.Join(errs...)
}

func applyFlags(u *User, p Patch) {
	flags := []struct {
		opt Opt[bool]
		dst *bool
	}{
		{p.FlagTutorialDone, &u.FlagTutorialDone},
		{p.FlagParentsonly, &u.FlagParentsonly},
		{p.FlagPublic, &u.FlagPublic},
		{p.FlagDisplayfavorites, &u.FlagDisplayfavorites},
	}
	for _, f := range flags {
		if v, ok := f.opt.Value(); ok {
			*f.dst = v
		}
	}
	if p.FlagSendstats.Set {
		if p.FlagSendstats.Null {
			u.FlagSendstats = nil
		} else {
			v := p.FlagSendstats.V
			u.FlagSendstats = &v
		}
	}
}

// applyNickname sets a new nickname and returns its key for the uniqueness
// check, or "" when unchanged.
func applyNickname(u *User, p Patch) (string, error) {
	v, ok := p.Nickname.Value()
	if !ok {
		return "", nil
	}
	nick, err := CleanNickname(v)
	if err != nil {
		return "", err
	}
	key := NicknameKey(nick)
	changed := key != u.NicknameKey
	u.Nickname, u.NicknameKey, u.NicknameSkeleton = nick, key, NicknameSkeleton(nick)
	if !changed {
		return "", nil
	}
	return key, nil
}
