package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
)

func (h *Handler) accountDeletePage(c echo.Context) error {
	u := viewer(c)
	return render(c, http.StatusOK, pages.ConfirmDelete(h.page(c, "Delete my account"), u.Login, u.Nickname, "/account/delete"))
}

// accountDelete asks my password (throttled with the login failures).
func (h *Handler) accountDelete(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewer(c)
	if err := h.users.VerifyPassword(ctx, u, c.FormValue("password")); err != nil {
		if !errors.Is(err, users.ErrWrongPassword) && !errors.Is(err, users.ErrTooManyAttempts) {
			return err
		}
		msg, status := "This is not your current password.", http.StatusUnprocessableEntity
		if errors.Is(err, users.ErrTooManyAttempts) {
			msg, status = "Too many tries. Wait a few minutes and try again.", http.StatusTooManyRequests
		}
		p := h.page(c, "Delete my account")
		p.Flash = msg
		return render(c, status, pages.ConfirmDelete(p, u.Login, u.Nickname, "/account/delete"))
	}
	if _, err := h.users.Delete(ctx, u.Login); err != nil {
		return err
	}
	h.endSession(c)
	flash(c, "Your account is deleted.")
	return redirect(c, "/login")
}
