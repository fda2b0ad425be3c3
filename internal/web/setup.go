package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// setupPage is the first page of a new install: create an operator with the
// logged security code. Once one exists, it sends people to the login.
func (h *Handler) setupPage(c echo.Context) error {
	if done, err := h.users.HasHumanOperator(c.Request().Context()); err != nil || done {
		return h.afterSetup(c, err)
	}
	return render(c, http.StatusOK, pages.Setup(h.page(c, "Set up"), partials.NewForm()))
}

func (h *Handler) afterSetup(c echo.Context, err error) error {
	if err != nil {
		return err
	}
	return redirect(c, "/login")
}

func (h *Handler) setup(c echo.Context) error {
	ctx := c.Request().Context()
	if done, err := h.users.HasHumanOperator(ctx); err != nil || done {
		return h.afterSetup(c, err)
	}
	f := formOf(c, "login")
	in := users.NewAccount{Login: f.V("login"), Password: c.FormValue("password"), Role: "admin",
		Code: optional(c.FormValue("security_code")), Nickname: typedNickname(f.V("login"))}
	if in.Code == nil {
		fieldError(c.Request().Context(), f, errSetupCode)
		return render(c, http.StatusUnprocessableEntity, pages.Setup(h.page(c, "Set up"), f))
	}
	if err := h.users.Create(ctx, nil, in); err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return render(c, statusFor(err), pages.Setup(h.page(c, "Set up"), f))
	}
	res, err := h.users.PanelLogin(ctx, c.RealIP(), in.Login, in.Password, nil, false)
	if err != nil {
		return err
	}
	h.setupDone.Store(true)
	h.startSession(c, res.User, res.Session)
	h.setDevice(c, res.Device)
	flash(c, "flash.operator_ready")
	return redirect(c, "/users")
}

// typedNickname is the login as typed ("Olga"), the nickname of an account
// made without one: the login itself is stored lower-cased.
func typedNickname(login string) string {
	if login = strings.TrimSpace(login); users.NormalizeLogin(login) == login {
		return "" // nothing to keep: the domain's default is the same
	}
	return login
}
