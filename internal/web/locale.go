package web

import (
	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/i18n"
	"github.com/kmusers/kmusers/internal/users"
)

// localize puts the request's language in its context: the viewer's own
// `language` setting when the panel speaks it, then the browser's
// Accept-Language. Templates read it with i18n.T(ctx, …).
func localize(c echo.Context, u *users.User) {
	own := ""
	if u != nil && u.Language != nil {
		own = *u.Language
	}
	r := c.Request()
	loc := i18n.Pick(own, r.Header.Get("Accept-Language"))
	c.SetRequest(r.WithContext(i18n.With(r.Context(), loc)))
}
