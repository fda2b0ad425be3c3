package web

import (
	"bytes"
	"github.com/kmusers/kmusers/internal/i18n"
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
	p := layout.Page{Title: pageTitle(c, title), CSRF: csrf, User: s.user, Flash: takeFlash(c), Path: c.Request().URL.Path,
		Closed: set.FrontendMode == users.FrontendClosed, SignupOpen: set.AllowUserCreation && set.FrontendMode != users.FrontendClosed,
		Online: h.online(c, s.user)}
	if p.Online.Live {
		p.Stream = "/events" // the header's count follows the users' changes
	}
	return p
}

// message answers a page of one heading and one text, both message IDs.
func (h *Handler) message(c echo.Context, status int, heading, text string) error {
	ctx := c.Request().Context()
	heading, text = i18n.T(ctx, heading), i18n.T(ctx, text)
	return render(c, status, pages.Message(h.page(c, heading), heading, text))
}

func (h *Handler) forbidden(c echo.Context, why string) error {
	return h.message(c, http.StatusForbidden, "refusal.not_allowed", why)
}

func (h *Handler) notFound(c echo.Context) error {
	return h.message(c, http.StatusNotFound, "refusal.not_found", "refusal.no_such_page")
}

func (h *Handler) closed(c echo.Context) error {
	return h.message(c, http.StatusServiceUnavailable, "refusal.closed",
		"refusal.closed_text")
}

// titleIDs are the messages of the pages' titles, which handlers name in
// English; a title made with a name ("Edit olga") is said as it is.
var titleIDs = map[string]string{
	"Choose a new password": "reset_link.title", "Set up": "title.setup", "New user": "nav.new_user",
	"Settings": "nav.settings", "Reset a password": "reset.title", "Sign up": "nav.signup",
	"My anime songs": "nav.anime", "My account": "nav.account", "Log out": "nav.logout", "Log in": "nav.login",
	"Delete my account": "account.delete", "Audit trail": "audit.title",
}

func pageTitle(c echo.Context, title string) string {
	if id, ok := titleIDs[title]; ok {
		return i18n.T(c.Request().Context(), id)
	}
	return title
}
