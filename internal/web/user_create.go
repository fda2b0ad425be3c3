package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

var roleOfType = map[string]string{"0": "admin", "1": "user", "2": "guest"}

func (h *Handler) userNewPage(c echo.Context) error {
	f := partials.NewForm()
	f.Values["type"] = "1"
	f.Operator = true
	return render(c, http.StatusOK, pages.UserForm(h.page(c, "New user"), f, pages.EditView{}))
}

// userCreate is an operator creating a user, operator or guest.
func (h *Handler) userCreate(c echo.Context) error {
	f := formOf(c, "login", "nickname", "type")
	f.Operator = true
	role, ok := roleOfType[f.V("type")]
	if !ok {
		fieldError(c.Request().Context(), f, errNoRole)
		return render(c, http.StatusUnprocessableEntity, pages.UserForm(h.page(c, "New user"), f, pages.EditView{}))
	}
	in := users.NewAccount{Login: f.V("login"), Nickname: f.V("nickname"), Password: c.FormValue("password"), Role: role}
	if err := h.users.Create(c.Request().Context(), viewer(c), in); err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return render(c, statusFor(err), pages.UserForm(h.page(c, "New user"), f, pages.EditView{}))
	}
	flash(c, "flash.user_created", map[string]any{"Login": users.NormalizeLogin(in.Login)})
	return redirect(c, "/users/"+users.NormalizeLogin(in.Login))
}
