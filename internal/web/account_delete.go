package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/views/pages"
)

func (h *Handler) accountDeletePage(c echo.Context) error {
	u := viewer(c)
	return render(c, http.StatusOK, pages.ConfirmDelete(h.page(c, "Delete my account"), u.Login, u.Nickname, "/account/delete"))
}

func (h *Handler) accountDelete(c echo.Context) error {
	if _, err := h.users.Delete(c.Request().Context(), viewer(c).Login); err != nil {
		return err
	}
	h.endSession(c)
	flash(c, "Your account is deleted.")
	return redirect(c, "/login")
}
