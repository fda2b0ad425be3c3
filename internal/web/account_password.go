package web

import (
	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// accountPassword changes my password, asking the current one. Every other
// session and token of mine ends; this browser stays logged in.
func (h *Handler) accountPassword(c echo.Context) error {
	p := users.Patch{Password: users.Some(c.FormValue("password")), OldPassword: users.Some(c.FormValue("old_password"))}
	u, err := h.editMine(c, p)
	if err != nil {
		pw := partials.NewForm()
		if !fieldError(c.Request().Context(), pw, err) {
			return err
		}
		return h.renderAccount(c, statusFor(err), formFromUser(viewer(c)), pw)
	}
	current(c).user = u
	flash(c, "flash.password_changed")
	return redirect(c, "/account")
}
