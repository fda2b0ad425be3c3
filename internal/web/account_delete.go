package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) accountDeletePage(c echo.Context) error {
	return h.renderAccountDelete(c, http.StatusOK, partials.NewForm())
}

func (h *Handler) renderAccountDelete(c echo.Context, status int, f partials.Form) error {
	u := viewer(c)
	v := pages.DeleteView{Login: u.Login, Nickname: u.Nickname, Action: "/account/delete",
		Cancel: backTo(c, "/account"), Password: true}
	var err error
	if v.NoOperatorLeft, err = h.users.LeavesNoOperator(c.Request().Context(), u, []string{u.Login}); err != nil {
		return err
	}
	return render(c, status, pages.ConfirmDelete(h.page(c, "Delete my account"), f, v))
}

// accountDelete asks my password (throttled with the login failures).
func (h *Handler) accountDelete(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewer(c)
	if err := h.users.VerifyPassword(ctx, u, c.FormValue("password")); err != nil {
		if !errors.Is(err, users.ErrWrongPassword) && !errors.Is(err, users.ErrTooManyAttempts) {
			return err
		}
		f := partials.NewForm()
		fieldError(c.Request().Context(), f, err)
		renameField(f, "old_password", "password") // this form's password field is "password"
		return h.renderAccountDelete(c, statusFor(err), f)
	}
	if _, err := h.users.Delete(ctx, u.Login); err != nil {
		return err
	}
	h.endSession(c)
	flash(c, "flash.account_deleted")
	return redirect(c, "/login")
}
