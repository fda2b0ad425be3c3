package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
)

func (h *Handler) userEditPage(c echo.Context) error {
	u, err := h.pathUser(c)
	if u == nil {
		return err
	}
	return render(c, http.StatusOK, pages.UserForm(h.page(c, "Edit "+u.Login), withVersion(formFromUser(u), u), u.Login, u.AvatarFile))
}

// userEdit is an operator's edit: role, login, password, avatar, profile.
func (h *Handler) userEdit(c echo.Context) error {
	ctx := c.Request().Context()
	target, err := h.pathUser(c)
	if target == nil {
		return err
	}
	p, f := profilePatch(c)
	f.Values["login"], f.Values["type"] = trimmed(c, "login"), c.FormValue("type")
	if login := trimmed(c, "login"); login != "" {
		p.Login = users.Some(login)
	}
	if t, err := strconv.Atoi(c.FormValue("type")); err == nil {
		p.Type = users.Some(t)
	}
	keepChanged(c, &p, f, withVersion(formFromUser(target), target))
	if pw := c.FormValue("password"); pw != "" {
		p.Password = users.Some(pw)
	}
	err = h.attachAvatar(ctx, c, &p)
	var u *users.User
	if err == nil {
		u, err = h.users.Edit(ctx, target.Login, p)
	}
	if ce, ok := users.AsChanged(err); ok {
		changedMeanwhile(f, ce.Current)
		return render(c, http.StatusConflict, pages.UserForm(h.page(c, "Edit "+target.Login), f, target.Login, ce.Current.AvatarFile))
	}
	if err != nil {
		if !fieldError(f, err) {
			return err
		}
		return render(c, statusFor(err), pages.UserForm(h.page(c, "Edit "+target.Login), f, target.Login, target.AvatarFile))
	}
	flash(c, "Saved.")
	return redirect(c, "/users/"+u.Login)
}
