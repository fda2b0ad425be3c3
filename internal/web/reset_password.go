package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) resetPage(c echo.Context) error {
	return render(c, http.StatusOK, pages.ResetPassword(h.page(c, "Reset a password"), partials.NewForm()))
}

// resetPassword sets a local password with the operator code; it ends the
// account's sessions and tokens (the domain rotates its keys).
func (h *Handler) resetPassword(c echo.Context) error {
	f := formOf(c, "username")
	err := h.users.ResetPassword(c.Request().Context(), f.V("username"), c.FormValue("password"), optional(c.FormValue("security_code")))
	if err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		renameField(f, "login", "username")
		return render(c, statusFor(err), pages.ResetPassword(h.page(c, "Reset a password"), f))
	}
	flash(c, "flash.password_set")
	return redirect(c, "/login")
}
