package api

import (
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// summary is a user in a list.
type summary struct {
	Login         string    `json:"login"`
	Nickname      string    `json:"nickname"`
	Type          int       `json:"type"`
	AvatarFile    string    `json:"avatar_file"`
	LastLoginAt   time.Time `json:"last_login_at"`
	FlagOnline    bool      `json:"flag_online"`
	FlagLoggedIn  bool      `json:"flag_logged_in"`
	FlagPublic    bool      `json:"flag_public"`
	FlagTemporary bool      `json:"flag_temporary"`
}

// profile is a full user, less the password and, for strangers, the e-mail.
type profile struct {
	summary
	Bio                     *string              `json:"bio"`
	URL                     *string              `json:"url"`
	Location                *string              `json:"location"`
	Language                *string              `json:"language"`
	MainSeriesLang          *string              `json:"main_series_lang"`
	FallbackSeriesLang      *string              `json:"fallback_series_lang"`
	FlagTutorialDone        bool                 `json:"flag_tutorial_done"`
	FlagSendstats           *bool                `json:"flag_sendstats"`
	FlagParentsonly         bool                 `json:"flag_parentsonly"`
	FlagDisplayfavorites    bool                 `json:"flag_displayfavorites"`
	SocialNetworks          users.SocialNetworks `json:"social_networks"`
	Banner                  *string              `json:"banner"`
	AnimeListToFetch        *string              `json:"anime_list_to_fetch"`
	AnimeListIDs            []int                `json:"anime_list_ids"`
	AnimeListLastModifiedAt *time.Time           `json:"anime_list_last_modified_at"`
	CreatedAt               time.Time            `json:"created_at"`
}

// ownProfile adds the e-mail, for its owner and operators.
type ownProfile struct {
	profile
	Email *string `json:"email"`
}

func (h *Handler) summaryOf(u *users.User) summary {
	online := h.users.IsActive(u)
	return summary{
		Login: u.Login, Nickname: u.Nickname, Type: u.Type, AvatarFile: u.AvatarFile,
		LastLoginAt: u.LastLoginAt.UTC(), FlagOnline: online, FlagLoggedIn: online,
		FlagPublic: u.FlagPublic, FlagTemporary: u.FlagTemporary,
	}
}

// profileFor shapes u for viewer (nil: anonymous).
func (h *Handler) profileFor(viewer, u *users.User) any {
	p := profile{
		summary: h.summaryOf(u), Bio: u.Bio, URL: u.URL, Location: u.Location, Language: u.Language,
		MainSeriesLang: u.MainSeriesLang, FallbackSeriesLang: u.FallbackSeriesLang,
		FlagTutorialDone: u.FlagTutorialDone, FlagSendstats: u.FlagSendstats,
		FlagParentsonly: u.FlagParentsonly, FlagDisplayfavorites: u.FlagDisplayfavorites,
		SocialNetworks: u.SocialNetworks, Banner: u.Banner, AnimeListToFetch: u.AnimeListToFetch,
		AnimeListIDs: nonNil(u.AnimeListIDs), AnimeListLastModifiedAt: u.AnimeListLastModifiedAt,
		CreatedAt: u.CreatedAt.UTC(),
	}
	if users.CanSeeEmail(viewer, u) {
		return ownProfile{profile: p, Email: u.Email}
	}
	return p
}

func nonNil(l []int) []int {
	if l == nil {
		return []int{}
	}
	return l
}
