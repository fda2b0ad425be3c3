// Package online is both sides of KM's online account protocol: the client
// an app uses to reach the host of its name@host accounts, and the host's
// HTTP routes (KM Server's) that serve this instance's accounts to apps.
// The rules stay in package users; this package only speaks HTTP.
package online

import (
	"reflect"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// wireUser is an account on the wire, as KM Server shows it. Email is set
// only for the account's owner; the password hash never leaves.
type wireUser struct {
	Login                   string               `json:"login"`
	Nickname                string               `json:"nickname"`
	Type                    int                  `json:"type"`
	AvatarFile              string               `json:"avatar_file"`
	Bio                     *string              `json:"bio"`
	URL                     *string              `json:"url"`
	Email                   *string              `json:"email,omitempty"`
	Location                *string              `json:"location"`
	Language                *string              `json:"language"`
	MainSeriesLang          *string              `json:"main_series_lang"`
	FallbackSeriesLang      *string              `json:"fallback_series_lang"`
	FlagTutorialDone        bool                 `json:"flag_tutorial_done"`
	FlagSendstats           *bool                `json:"flag_sendstats"`
	FlagParentsonly         bool                 `json:"flag_parentsonly"`
	FlagPublic              bool                 `json:"flag_public"`
	FlagDisplayfavorites    bool                 `json:"flag_displayfavorites"`
	SocialNetworks          users.SocialNetworks `json:"social_networks"`
	Banner                  *string              `json:"banner"`
	AnimeListToFetch        *string              `json:"anime_list_to_fetch"`
	AnimeListIDs            []int                `json:"anime_list_ids"`
	AnimeListLastModifiedAt *time.Time           `json:"anime_list_last_modified_at"`
	LastLoginAt             time.Time            `json:"last_login_at"`
	CreatedAt               time.Time            `json:"created_at"`
	FlagOnline              bool                 `json:"flag_online"`
	Roles                   map[string]bool      `json:"roles"`
}

func rolesOf(u *users.User) map[string]bool {
	r := map[string]bool{"user": true}
	if u.Type == users.TypeOperator {
		r["admin"] = true
	}
	return r
}

// wireOf shapes u; own adds the e-mail, for its owner only.
func wireOf(u *users.User, own, online bool) wireUser {
	w := wireUser{
		Login: u.Login, Nickname: u.Nickname, Type: u.Type, AvatarFile: u.AvatarFile, Bio: u.Bio, URL: u.URL,
		Location: u.Location, Language: u.Language, MainSeriesLang: u.MainSeriesLang,
		FallbackSeriesLang: u.FallbackSeriesLang, FlagTutorialDone: u.FlagTutorialDone,
		FlagSendstats: u.FlagSendstats, FlagParentsonly: u.FlagParentsonly, FlagPublic: u.FlagPublic,
		FlagDisplayfavorites: u.FlagDisplayfavorites, SocialNetworks: u.SocialNetworks, Banner: u.Banner,
		AnimeListToFetch: u.AnimeListToFetch, AnimeListIDs: append([]int{}, u.AnimeListIDs...),
		AnimeListLastModifiedAt: u.AnimeListLastModifiedAt, LastLoginAt: u.LastLoginAt.UTC(),
		CreatedAt: u.CreatedAt.UTC(), FlagOnline: online, Roles: rolesOf(u),
	}
	if own {
		w.Email = u.Email
	}
	return w
}

// patchFields turns the fields set in a patch into a JSON object: null for
// a cleared field, the value otherwise.
func patchFields(p users.Patch) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(p)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Tag.Get("json")
		f := v.Field(i)
		if name == "" || name == "-" || f.Kind() != reflect.Struct || !f.FieldByName("Set").IsValid() {
			continue
		}
		if !f.FieldByName("Set").Bool() {
			continue
		}
		if f.FieldByName("Null").Bool() {
			out[name] = nil
			continue
		}
		out[name] = f.FieldByName("V").Interface()
	}
	return out
}
