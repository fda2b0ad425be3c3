package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) loginPage(c echo.Context) error {
	f := partials.NewForm()
	f.Values["next"] = c.QueryParam("next")
	return h.renderLogin(c, http.StatusOK, f)
}

func (h *Handler) renderLogin(c echo.Context, status int, f partials.Form) error {
	pending := false
	if !h.setupDone.Load() {
		done, err := h.users.HasHumanOperator(c.Request().Context())
		if err != nil {
			return err
		}
		pending = !done
	}
	set := h.users.Settings()
	v := pages.LoginView{GuestsAllowed: set.AllowGuestLogin && set.FrontendMode != users.FrontendClosed, SetupPending: pending}
	return render(c, status, pages.Login(h.page(c, "Log in"), f, v))
}

// login checks the form, starts a fresh session and follows next when it
// is a path of this site.
func (h *Handler) login(c echo.Context) error {
	f := formOf(c, "username", "server", "next", "remember")
	username := strings.TrimSpace(f.V("username"))
	if server := strings.TrimSpace(f.V("server")); server != "" {
		username += "@" + server
	}
	res, err := h.users.PanelLogin(c.Request().Context(), c.RealIP(), username, c.FormValue("password"),
		optional(c.FormValue("security_code")), f.Checked("remember"))
	if err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		renameField(f, "login", "username")
		if errors.Is(err, users.ErrBusy) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(users.BusyRetryAfter))
		}
		return h.renderLogin(c, statusFor(err), f)
	}
	h.startSession(c, res.User, res.Session)
	h.setDevice(c, res.Device)
	setOnlineToken(c, res.OnlineToken)
	switch {
	case res.Promoted:
		flash(c, "flash.now_operator")
	case optional(c.FormValue("security_code")) != nil && res.User.Type != users.TypeOperator:
		flash(c, "flash.code_wrong")
	}
	return redirect(c, localPath(f.V("next"), "/users"))
}

// localPath keeps next only when it is a path on this site: no scheme, no
// host, no "//" or "/\" that a browser would read as another host.
func localPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return fallback
	}
	return next
}

func (h *Handler) loginGuest(c echo.Context) error {
	u, row, err := h.users.PanelLoginGuest(c.Request().Context())
	if err != nil {
		f := partials.NewForm()
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return h.renderLogin(c, statusFor(err), f)
	}
	h.startSession(c, u, row)
	return redirect(c, "/users")
}

// logoutPage answers GET /logout (a link, a reload): the styled page with
// the button, since logging out is a form.
func (h *Handler) logoutPage(c echo.Context) error {
	return render(c, http.StatusOK, pages.LogoutPage(h.page(c, "Log out")))
}

// logout ends this session only; "log out everywhere" is on /account.
func (h *Handler) logout(c echo.Context) error {
	if u, s := viewer(c), current(c); u != nil {
		err := h.users.EndSession(c.Request().Context(), u, u.Login, s.id)
		if err != nil && !errors.Is(err, users.ErrNotFound) {
			return err
		}
	}
	h.endSession(c)
	flash(c, "flash.logged_out")
	return redirect(c, "/login")
}
