package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// accountConvert needs the online server; this build has no online client
// yet, so after the local checks it says so, as the API does, and never
// pretends to succeed.
func (h *Handler) accountConvert(c echo.Context) error {
	u := viewer(c)
	pw := partials.NewForm()
	switch {
	case u.Login == users.AdminLogin:
		pw.Errors["convert_password"] = "The admin account cannot be converted."
	case !h.users.CheckPassword(u, c.FormValue("convert_password")):
		pw.Errors["convert_password"] = "This is not your current password."
	default:
		pw.Errors["convert_password"] = "The online server is not responding. Try again later."
		return h.renderAccount(c, http.StatusGatewayTimeout, formFromUser(u), pw)
	}
	return h.renderAccount(c, http.StatusUnprocessableEntity, formFromUser(u), pw)
}
