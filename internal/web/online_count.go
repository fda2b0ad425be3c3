package web

import (
	"errors"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/i18n"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/layout"
	"github.com/kmusers/kmusers/views/partials"
)

// online is the header's "N online" for operators, empty for others. It
// follows /events when the panel is live (someone logs in, is deleted…)
// and knows when the first of them leaves the online window, the one
// change no event announces.
func (h *Handler) online(c echo.Context, v *users.User) layout.Online {
	ctx := c.Request().Context()
	n, leavesIn, err := h.users.Online(ctx, v)
	if errors.Is(err, users.ErrUnauthorized) {
		return layout.Online{} // who may see it is the domain's rule
	}
	if err != nil {
		h.log.Warn("online count", "err", err)
		return layout.Online{}
	}
	o := layout.Online{Live: h.bus != nil,
		Label: i18n.N(ctx, "frame.online", int(n), map[string]any{"Count": partials.Thousands(n)})}
	if n > 0 {
		// Whole seconds, rounded up, and one more: the count is read after
		// the user has left, not at the edge.
		o.Next = int(math.Ceil(leavesIn.Seconds())) + 1
	}
	return o
}

// onlineCount serves the header's count alone (GET /online-count), which
// the header re-reads on a change or when someone leaves.
func (h *Handler) onlineCount(c echo.Context) error {
	return render(c, http.StatusOK, layout.OnlineCount(h.online(c, viewer(c))))
}
