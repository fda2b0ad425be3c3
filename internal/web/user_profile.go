package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// userProfile shows a profile: private ones only to operators and owners.
func (h *Handler) userProfile(c echo.Context) error {
	v := viewer(c)
	u, err := h.users.Get(c.Request().Context(), v, c.Param("login"))
	if errors.Is(err, users.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return err
	}
	op := v.Type == users.TypeOperator
	pv := pages.ProfileView{User: u, ShowEmail: op || v.Login == u.Login, Operator: op,
		Online: h.users.IsActive(u), LastSeen: partials.Ago(u.LastLoginAt, h.users.Now())}
	return render(c, http.StatusOK, pages.Profile(h.page(c, u.Nickname), pv))
}
