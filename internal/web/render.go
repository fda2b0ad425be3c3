package web

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/layout"
	"github.com/kmusers/kmusers/views/pages"
)

// isHX tells an htmx request, which gets a fragment instead of a page.
func isHX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// render writes a component after rendering it whole into a buffer, so that
// a failed render is a clean 500 and not half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// redirect answers a form: htmx follows HX-Redirect, a browser a 303.
func redirect(c echo.Context, to string) error {
	if isHX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// page is the frame's data for this request.
func (h *Handler) page(c echo.Context, title string) layout.Page {
	s := current(c)
	csrf, _ := s.raw.Values["csrf"].(string)
	set := h.users.Settings()
	return layout.Page{Title: title, CSRF: csrf, User: s.user, Flash: takeFlash(c), Path: c.Request().URL.Path,
		Closed: set.FrontendMode == users.FrontendClosed, SignupOpen: set.AllowUserCreation && set.FrontendMode != users.FrontendClosed}
}

func (h *Handler) message(c echo.Context, status int, heading, text string) error {
	return render(c, status, pages.Message(h.page(c, heading), heading, text))
}

func (h *Handler) forbidden(c echo.Context, why string) error {
	return h.message(c, http.StatusForbidden, "Not allowed", why)
}

func (h *Handler) notFound(c echo.Context) error {
	return h.message(c, http.StatusNotFound, "Not found", "There is no such page or user.")
}

func (h *Handler) closed(c echo.Context) error {
	return h.message(c, http.StatusServiceUnavailable, "The karaoke is closed",
		"The operators have closed the interface for now. Come back later!")
}
