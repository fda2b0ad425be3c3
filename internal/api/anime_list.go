package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/users"
)

// AnimeLists is what the anime commands need from the anime list domain.
type AnimeLists interface {
	Refresh(ctx context.Context, u *users.User) error
	List(ctx context.Context, viewer *users.User, q animelist.Query) (karas.AnimePage, error)
}

// WithAnime plugs the anime list service in; without it getAnimeList is
// empty and refreshAnimeList fails.
func (h *Handler) WithAnime(a AnimeLists) *Handler {
	h.anime = a
	return h
}

var errRefreshAnime = apiErr(http.StatusInternalServerError, "REFRESH_ANIME_LIST_ERROR")

// refreshAnimeList fetches the caller's list now: a local account's here,
// an online account's on its host (with the caller's online token), whose
// answer is stored here.
func (h *Handler) refreshAnimeList(c *call) (any, error) {
	var err error
	switch {
	case c.user.IsOnline():
		_, err = h.users.RefreshOnlineAnimeList(c.ctx, c.user, c.onlineToken)
	case h.anime == nil:
		if err = animelist.Eligible(c.user); err == nil {
			err = errors.New("no anime list service")
		}
	default:
		err = h.anime.Refresh(c.ctx, c.user)
	}
	if err == nil {
		return nil, nil
	}
	return nil, mapErr(err, nil,
		rule{animelist.ErrNoSource, errInvalidData.with(map[string]string{
			"anime_list_to_fetch": "choose anilist, myanimelist or kitsu and set your name there in social_networks"})},
		rule{animelist.ErrBadName, errInvalidData.with(map[string]string{
			"social_networks": "not a valid name for this provider (Kitsu needs the numeric user id)"})},
		rule{animelist.ErrUserNotFound, errRefreshAnime.with("USER_NOT_FOUND_AT_PROVIDER")},
		rule{animelist.ErrTooSoon, errRefreshAnime.with("TOO_SOON")},
		rule{animelist.ErrNotConfigured, errRefreshAnime.with("PROVIDER_NOT_CONFIGURED")},
		rule{animelist.ErrProvider, errRefreshAnime.with("PROVIDER_ERROR")},
		rule{context.DeadlineExceeded, errRefreshAnime.with("PROVIDER_ERROR")},
		rule{users.ErrOnlineToken, errRefreshAnime.with("ONLINE_TOKEN_INVALID")},
		rule{users.ErrRemoteDisabled, errRefreshAnime.with("ONLINE_ACCOUNTS_DISABLED")},
		rule{users.ErrOnlineDisabled, errRefreshAnime.with("ONLINE_ACCOUNTS_DISABLED")},
		rule{users.ErrHostNotAllowed, errRefreshAnime.with("ONLINE_SERVER_NOT_ALLOWED")},
		rule{users.ErrUnreachable, errRefreshAnime.with("ONLINE_SERVER_UNREACHABLE")})
}

// animeListArgs: from and size may come as numeric strings, as from KM's
// panels; the command decoder accepts them for every whole-number field.
type animeListArgs struct {
	Filter string `json:"filter"`
	From   int    `json:"from"`
	Size   int    `json:"size"`
	Order  string `json:"order"`
}

// animeList is KM's getKaras reply.
type animeList struct {
	Infos   animeListInfos               `json:"infos"`
	I18n    map[string]map[string]string `json:"i18n"`
	Content []kmKara                     `json:"content"`
}

type animeListInfos struct {
	Count int `json:"count"`
	From  int `json:"from"`
	To    int `json:"to"`
}

// kmKara is one song in KM's DBKara shape: titles by language, each tag
// type as a list of tags, tid as KM's "tid~type" strings.
type kmKara struct {
	KID                   string            `json:"kid"`
	Titles                map[string]string `json:"titles"`
	TitlesAliases         []string          `json:"titles_aliases"`
	TitlesDefaultLanguage string            `json:"titles_default_language"`
	Year                  int               `json:"year"`
	SongOrder             *int              `json:"songorder"`
	Repository            string            `json:"repository"`
	Karafile              string            `json:"karafile"`
	Mediafile             string            `json:"mediafile"`
	Duration              int               `json:"duration"`
	CreatedAt             string            `json:"created_at"`
	ModifiedAt            string            `json:"modified_at"`
	TID                   []string          `json:"tid"`
	AnilistIDs            []int             `json:"anilist_ids"`
	MyanimelistIDs        []int             `json:"myanimelist_ids"`
	KitsuIDs              []int             `json:"kitsu_ids"`
	Series                []karas.TagRef    `json:"series"`
	Singers               []karas.TagRef    `json:"singers"`
	Songtypes             []karas.TagRef    `json:"songtypes"`
	Creators              []karas.TagRef    `json:"creators"`
	Langs                 []karas.TagRef    `json:"langs"`
	Authors               []karas.TagRef    `json:"authors"`
	Misc                  []karas.TagRef    `json:"misc"`
	Songwriters           []karas.TagRef    `json:"songwriters"`
	Groups                []karas.TagRef    `json:"groups"`
	Families              []karas.TagRef    `json:"families"`
	Origins               []karas.TagRef    `json:"origins"`
	Genres                []karas.TagRef    `json:"genres"`
	Platforms             []karas.TagRef    `json:"platforms"`
	Versions              []karas.TagRef    `json:"versions"`
	Warnings              []karas.TagRef    `json:"warnings"`
	Collections           []karas.TagRef    `json:"collections"`
	Singergroups          []karas.TagRef    `json:"singergroups"`
	Franchises            []karas.TagRef    `json:"franchises"`
}

// tagLists are kmKara's tag lists by KM tag type, in KM's order.
func (k *kmKara) tagLists() []struct {
	typ string
	dst *[]karas.TagRef
} {
	return []struct {
		typ string
		dst *[]karas.TagRef
	}{{"series", &k.Series}, {"singers", &k.Singers}, {"songtypes", &k.Songtypes}, {"creators", &k.Creators},
		{"langs", &k.Langs}, {"authors", &k.Authors}, {"misc", &k.Misc}, {"songwriters", &k.Songwriters},
		{"groups", &k.Groups}, {"families", &k.Families}, {"origins", &k.Origins}, {"genres", &k.Genres},
		{"platforms", &k.Platforms}, {"versions", &k.Versions}, {"warnings", &k.Warnings},
		{"collections", &k.Collections}, {"singergroups", &k.Singergroups}, {"franchises", &k.Franchises}}
}

// getAnimeList returns the songs of the caller's anime list: guests and
// users without a list get the empty list, as in KM.
func (h *Handler) getAnimeList(c *call) (any, error) {
	var a animeListArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	from, size := a.From, a.Size
	if from < 0 || size < 0 {
		return nil, errInvalidData.with(map[string]string{"from": "from and size must be 0 or more"})
	}
	out := animeList{Infos: animeListInfos{From: from, To: from}, I18n: map[string]map[string]string{}, Content: []kmKara{}}
	if h.anime == nil {
		return out, nil
	}
	page, err := h.anime.List(c.ctx, c.user, animelist.Query{Filter: a.Filter, Order: a.Order, From: from, Size: size})
	if err != nil {
		return nil, err
	}
	out.Infos.Count = page.Count
	out.Infos.To = from + len(page.Songs)
	for _, s := range page.Songs {
		out.Content = append(out.Content, toKM(s, out.I18n))
	}
	return out, nil
}

func toKM(s karas.Song, i18n map[string]map[string]string) kmKara {
	k := kmKara{KID: s.KID, Titles: s.Titles, TitlesAliases: s.Aliases, TitlesDefaultLanguage: s.DefaultLanguage,
		Year: s.Year, SongOrder: s.SongOrder, Repository: s.Repository, Karafile: s.File, Mediafile: s.MediaFile,
		Duration: s.Duration, CreatedAt: s.CreatedAt, ModifiedAt: s.ModifiedAt, TID: []string{},
		AnilistIDs: nonNil(s.AnimeIDs[karas.AniList]), MyanimelistIDs: nonNil(s.AnimeIDs[karas.MyAnimeList]),
		KitsuIDs: nonNil(s.AnimeIDs[karas.Kitsu])}
	if k.TitlesAliases == nil {
		k.TitlesAliases = []string{}
	}
	for n, l := range k.tagLists() {
		refs := s.Resolved[l.typ]
		if refs == nil {
			refs = []karas.TagRef{}
		}
		*l.dst = refs
		for _, r := range refs {
			k.TID = append(k.TID, r.TID+"~"+strconv.Itoa(n+1)) // KM numbers its types from 1, in this order
			if len(r.I18n) > 0 {
				i18n[r.TID] = r.I18n
			}
		}
	}
	return k
}
