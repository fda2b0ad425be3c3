package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// userDeletePage asks for confirmation, naming the user. The built-in admin
// cannot be deleted: no page offers it.
func (h *Handler) userDeletePage(c echo.Context) error {
	u, err := h.pathUser(c)
	if u == nil {
		return err
	}
	if u.Login == users.AdminLogin {
		return h.adminUndeletable(c)
	}
	v := pages.DeleteView{Login: u.Login, Nickname: u.Nickname, Action: "/users/" + u.Login + "/delete",
		Cancel: backTo(c, "/users/"+u.Login)}
	if v.NoOperatorLeft, err = h.users.LeavesNoOperator(c.Request().Context(), viewer(c), []string{u.Login}); err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.ConfirmDelete(h.page(c, "Delete "+u.Login), partials.NewForm(), v))
}

func (h *Handler) userDelete(c echo.Context) error {
	_, err := h.users.Delete(c.Request().Context(), loginParam(c))
	switch {
	case errors.Is(err, users.ErrNotFound):
		return h.notFound(c)
	case errors.Is(err, users.ErrAdminProtected):
		return h.adminUndeletable(c)
	case err != nil:
		return err
	}
	flash(c, "flash.user_deleted", map[string]any{"Login": users.NormalizeLogin(loginParam(c))})
	return redirect(c, "/users")
}

func (h *Handler) adminUndeletable(c echo.Context) error {
	return h.forbidden(c, "refusal.admin_delete")
}
