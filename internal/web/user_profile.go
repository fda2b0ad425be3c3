package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// pathUser reads the user named in the path as the viewer may see it. When
// it returns no user, the answer is decided: the 404 page was written (nil)
// or the error is the caller's to return.
func (h *Handler) pathUser(c echo.Context) (*users.User, error) {
	u, err := h.users.Get(c.Request().Context(), viewer(c), loginParam(c))
	if errors.Is(err, users.ErrNotFound) {
		return nil, h.notFound(c)
	}
	return u, err
}

// userProfile shows a profile: private ones only to operators and owners.
func (h *Handler) userProfile(c echo.Context) error {
	v := viewer(c)
	u, err := h.pathUser(c)
	if u == nil {
		return err
	}
	op := v.Type == users.TypeOperator
	pv := pages.ProfileView{User: u, ShowEmail: users.CanSeeEmail(v, u), Operator: op,
		Online: h.users.IsActive(u), LastSeen: partials.Ago(c.Request().Context(), u.LastLoginAt, h.users.Now()), AnimeWithSongs: -1}
	if op {
		if pv.Sessions, err = h.sessionRows(c, u.Login); err != nil {
			return err
		}
	}
	if h.anime != nil && u.AnimeListLastModifiedAt != nil {
		if pv.AnimeWithSongs, err = h.anime.AnimeWithSongs(c.Request().Context(), u); err != nil {
			return err
		}
	}
	p := h.livePage(c, u.Nickname)
	if p.Live {
		p.Stream = "/events?user=" + url.QueryEscape(u.Login)
	}
	return render(c, http.StatusOK, pages.Profile(p, pv))
}

// loginParam is the {login} of the path, percent-decoded: the router keeps
// the path as sent, and a browser may send the @ of name@host as %40.
func loginParam(c echo.Context) string {
	if l, err := url.PathUnescape(c.Param("login")); err == nil {
		return l
	}
	return c.Param("login")
}
