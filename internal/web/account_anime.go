package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// AnimeLists is what the panel needs from the anime list domain.
type AnimeLists interface {
	Refresh(ctx context.Context, u *users.User) error
	List(ctx context.Context, viewer *users.User, q animelist.Query) (karas.AnimePage, error)
	AnimeWithSongs(ctx context.Context, u *users.User) (int, error)
}

// WithAnime plugs the anime list service in.
func (h *Handler) WithAnime(a AnimeLists) *Handler {
	h.anime = a
	return h
}

// refreshMessages are the panel's words for a refresh that failed.
var refreshMessages = []struct {
	err error
	msg string
}{
	{users.ErrOnlineToken, "error.online_token"},
	{users.ErrUnreachable, "refresh.unreachable"},
	{users.ErrRemoteDisabled, "refresh.remote_disabled"},
	{users.ErrOnlineDisabled, "refresh.online_disabled"},
	{users.ErrHostNotAllowed, "error.host_not_allowed"},
	{animelist.ErrNoSource, "refresh.no_source"},
	{animelist.ErrBadName, "refresh.bad_name"},
	{animelist.ErrUserNotFound, "refresh.user_not_found"},
	{animelist.ErrTooSoon, "refresh.too_soon"},
	{animelist.ErrNotConfigured, "This server is not set up to fetch lists from that site."},
}

// accountRefreshAnimeList fetches my anime list now and says how it went.
func (h *Handler) accountRefreshAnimeList(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewer(c)
	err := errors.New("no anime list service")
	switch {
	case u.IsOnline():
		_, err = h.users.RefreshOnlineAnimeList(ctx, u, onlineToken(c))
	case h.anime != nil:
		err = h.anime.Refresh(ctx, u)
	}
	if err == nil {
		if fresh, rerr := h.users.UserByLogin(ctx, u.Login); rerr == nil {
			u = fresh
		}
		flash(c, "flash.anime_updated", map[string]any{"Count": len(u.AnimeListIDs)})
		return redirect(c, "/account")
	}
	msg := "refresh.failed"
	for _, m := range refreshMessages {
		if errors.Is(err, m.err) {
			msg = m.msg
			break
		}
	}
	flash(c, msg)
	return redirect(c, "/account")
}

const animePageSize = 50

// animeSongs is "My anime songs": search and pages like the user list;
// htmx requests get the table and pager alone.
func (h *Handler) animeSongs(c echo.Context) error {
	v := viewer(c)
	q := partials.AnimeQuery{Q: strings.TrimSpace(c.QueryParam("q")), Page: 1}
	if o := c.QueryParam("order"); o != "" && contains(karas.Orders, o) {
		q.Order = o
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 1_000_000 {
		q.Page = p
	}
	l := partials.AnimeSongList{Query: q, HasList: v.AnimeListLastModifiedAt != nil}
	if provider, name := users.AnimeSource(v); provider != "" && name != "" {
		l.Source = providerLabel(provider) + ": " + name
		l.LastFetched = "never"
		if v.AnimeListLastModifiedAt != nil {
			l.LastFetched = partials.Ago(c.Request().Context(), *v.AnimeListLastModifiedAt, h.users.Now())
		}
	}
	if h.anime != nil {
		page, err := h.anime.List(c.Request().Context(), v, animelist.Query{Filter: q.Q, Order: q.Order,
			From: (q.Page - 1) * animePageSize, Size: animePageSize})
		if err != nil {
			return err
		}
		l.Total, l.Pages = page.Count, (page.Count+animePageSize-1)/animePageSize
		main, fallback := animelist.Languages(v)
		for _, s := range page.Songs {
			l.Rows = append(l.Rows, songRow(s, main, fallback))
		}
	}
	if isHX(c) && c.Request().Header.Get("HX-History-Restore-Request") != "true" {
		return render(c, http.StatusOK, partials.AnimeTable(l))
	}
	return render(c, http.StatusOK, pages.AnimeSongs(h.page(c, "My anime songs"), l))
}

func songRow(s karas.Song, main, fallback string) partials.AnimeSongRow {
	r := partials.AnimeSongRow{KID: s.KID, Title: karas.Title(s.Titles, main, fallback, s.DefaultLanguage)}
	names := func(typ string, short bool) string {
		var out []string
		for _, t := range s.Resolved[typ] {
			if short && t.Short != "" {
				out = append(out, t.Short)
			} else {
				out = append(out, karas.TagName(t, main, fallback))
			}
		}
		return strings.Join(out, ", ")
	}
	r.Series, r.SongType, r.Langs = names("series", false), names("songtypes", true), names("langs", false)
	if r.SongType != "" && s.SongOrder != nil && *s.SongOrder > 0 {
		r.SongType += strconv.Itoa(*s.SongOrder)
	}
	if s.Year > 0 {
		r.Year = strconv.Itoa(s.Year)
	}
	return r
}

func providerLabel(p string) string {
	switch p {
	case karas.AniList:
		return "AniList"
	case karas.MyAnimeList:
		return "MyAnimeList"
	case karas.Kitsu:
		return "Kitsu"
	}
	return p
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
