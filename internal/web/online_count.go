package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/layout"
	"github.com/kmusers/kmusers/views/partials"
)

// onlineLabel is the header's "N online" for operators, "" for others.
func (h *Handler) onlineLabel(c echo.Context, v *users.User) string {
	if v == nil || v.Type != users.TypeOperator {
		return ""
	}
	since := h.users.OnlineSince()
	n, err := h.users.Count(c.Request().Context(), v, users.ListQuery{ActiveSince: &since})
	if err != nil {
		h.log.Warn("online count", "err", err)
		return ""
	}
	return partials.Thousands(n) + " online"
}

// onlineCount serves the header's count alone (GET /online-count), which
// the header re-reads now and then.
func (h *Handler) onlineCount(c echo.Context) error {
	return render(c, http.StatusOK, layout.OnlineCount(h.onlineLabel(c, viewer(c))))
}
