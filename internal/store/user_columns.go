package store

import (
	"strings"

	"github.com/kmusers/kmusers/internal/users"
)

// userFields is the one list of a user's columns: reads scan them in this
// order and saves write them, so a column cannot be read by one and wiped by
// the other. A field of users.User missing here is neither read nor written,
// and TestUserRoundTripEveryField fails until it is added.
var userFields = []struct {
	col string
	ptr func(u *users.User) any
}{
	{"login", func(u *users.User) any { return &u.Login }},
	{"nickname", func(u *users.User) any { return &u.Nickname }},
	{"nickname_key", func(u *users.User) any { return &u.NicknameKey }},
	{"type", func(u *users.User) any { return &u.Type }},
	{"password", func(u *users.User) any { return &u.Password }},
	{"token_key", func(u *users.User) any { return &u.TokenKey }},
	{"session_key", func(u *users.User) any { return &u.SessionKey }},
	{"avatar_file", func(u *users.User) any { return &u.AvatarFile }},
	{"bio", func(u *users.User) any { return &u.Bio }},
	{"url", func(u *users.User) any { return &u.URL }},
	{"email", func(u *users.User) any { return &u.Email }},
	{"location", func(u *users.User) any { return &u.Location }},
	{"language", func(u *users.User) any { return &u.Language }},
	{"main_series_lang", func(u *users.User) any { return &u.MainSeriesLang }},
	{"fallback_series_lang", func(u *users.User) any { return &u.FallbackSeriesLang }},
	{"flag_tutorial_done", func(u *users.User) any { return &u.FlagTutorialDone }},
	{"flag_sendstats", func(u *users.User) any { return &u.FlagSendstats }},
	{"flag_parentsonly", func(u *users.User) any { return &u.FlagParentsonly }},
	{"flag_public", func(u *users.User) any { return &u.FlagPublic }},
	{"flag_displayfavorites", func(u *users.User) any { return &u.FlagDisplayfavorites }},
	{"flag_temporary", func(u *users.User) any { return &u.FlagTemporary }},
	{"social_networks", func(u *users.User) any { return &u.SocialNetworks }},
	{"banner", func(u *users.User) any { return &u.Banner }},
	{"anime_list_to_fetch", func(u *users.User) any { return &u.AnimeListToFetch }},
	{"anime_list_ids", func(u *users.User) any { return &u.AnimeListIDs }},
	{"anime_list_last_modified_at", func(u *users.User) any { return &u.AnimeListLastModifiedAt }},
	{"last_login_at", func(u *users.User) any { return &u.LastLoginAt }},
	{"created_at", func(u *users.User) any { return &u.CreatedAt }},
	{"nickname_skeleton", func(u *users.User) any { return &u.NicknameSkeleton }},
}

var (
	// userColumns is "login, nickname, …" in userFields' order.
	userColumns = strings.Join(userColumnNames(), ", ")
	// userSaveColumns are the columns a save writes: all but the key.
	userSaveColumns = userColumnNames()[1:]
)

func userColumnNames() []string {
	cols := make([]string, len(userFields))
	for i, f := range userFields {
		cols[i] = f.col
	}
	return cols
}

// userTargets are the scan destinations of userColumns into u.
func userTargets(u *users.User) []any {
	dst := make([]any, len(userFields))
	for i, f := range userFields {
		dst[i] = f.ptr(u)
	}
	return dst
}
