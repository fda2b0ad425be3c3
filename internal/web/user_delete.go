package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
)

// userDeletePage asks for confirmation, naming the user.
func (h *Handler) userDeletePage(c echo.Context) error {
	u, err := h.pathUser(c)
	if u == nil {
		return err
	}
	return render(c, http.StatusOK, pages.ConfirmDelete(h.page(c, "Delete "+u.Login), u.Login, u.Nickname, "/users/"+u.Login+"/delete"))
}

func (h *Handler) userDelete(c echo.Context) error {
	_, err := h.users.Delete(c.Request().Context(), loginParam(c))
	switch {
	case errors.Is(err, users.ErrNotFound):
		return h.notFound(c)
	case errors.Is(err, users.ErrAdminProtected):
		return h.forbidden(c, "The admin account cannot be deleted.")
	case err != nil:
		return err
	}
	flash(c, "User "+users.NormalizeLogin(loginParam(c))+" deleted.")
	return redirect(c, "/users")
}
