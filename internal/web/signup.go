package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) signupPage(c echo.Context) error {
	return h.renderSignup(c, http.StatusOK, partials.NewForm())
}

func (h *Handler) renderSignup(c echo.Context, status int, f partials.Form) error {
	return render(c, status, pages.Signup(h.page(c, "Sign up"), f, h.users.Settings().RequireSecurityCode))
}

// signup creates a user account, then logs it in.
func (h *Handler) signup(c echo.Context) error {
	f := formOf(c, "login", "nickname")
	ctx := c.Request().Context()
	nick := f.V("nickname")
	if strings.TrimSpace(nick) == "" {
		nick = typedNickname(f.V("login"))
	}
	in := users.NewAccount{Login: f.V("login"), Password: c.FormValue("password"), Nickname: nick,
		Code: optional(c.FormValue("security_code"))}
	if err := h.users.Create(ctx, nil, in); err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return h.renderSignup(c, statusFor(err), f)
	}
	res, err := h.users.PanelLogin(ctx, c.RealIP(), in.Login, in.Password, nil, false)
	if err != nil {
		return err
	}
	h.startSession(c, res.User, res.Session)
	h.setDevice(c, res.Device)
	flash(c, "flash.welcome")
	return redirect(c, "/account")
}
