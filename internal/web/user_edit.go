package web

import (
	"net/http"
	"net/url"
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
	f := withVersion(formFromUser(u), u)
	f.Operator = true
	return render(c, http.StatusOK, pages.UserForm(h.page(c, "Edit "+u.Login), f, h.editView(c, u, u.AvatarFile)))
}

// editView is what the edit page shows of target to this viewer.
func (h *Handler) editView(c echo.Context, target *users.User, avatar string) pages.EditView {
	v := pages.EditView{Login: target.Login, Avatar: avatar, Admin: target.Login == users.AdminLogin,
		Self: target.Login == viewer(c).Login, Cancel: backTo(c, "/users/"+target.Login)}
	last, err := h.users.LeavesNoOperator(c.Request().Context(), viewer(c), []string{target.Login})
	if err != nil {
		h.log.Warn("last operator", "err", err) // the page still works; only the warning is missing
	}
	v.LastOperator = last
	return v
}

// userEdit is an operator's edit: role, login, password, avatar, profile.
func (h *Handler) userEdit(c echo.Context) error {
	ctx := c.Request().Context()
	target, err := h.pathUser(c)
	if target == nil {
		return err
	}
	p, f := profilePatch(c)
	f.Operator = true
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
	view := h.editView(c, target, target.AvatarFile)
	if view.Self && target.Type == users.TypeOperator && p.Type.Set && p.Type.V != users.TypeOperator &&
		c.FormValue("confirm_demote") != "yes" {
		// An operator giving up the role is asked once more (no script needed).
		fieldError(c.Request().Context(), f, errSelfDemotion)
		view.ConfirmDemote = true
		return render(c, http.StatusUnprocessableEntity, pages.UserForm(h.page(c, "Edit "+target.Login), f, view))
	}
	err = h.attachAvatar(ctx, c, &p)
	var u *users.User
	if err == nil {
		u, err = h.users.Edit(ctx, target.Login, p)
	}
	if ce, ok := users.AsChanged(err); ok {
		changedMeanwhile(f, ce.Current)
		view.Avatar = ce.Current.AvatarFile
		return render(c, http.StatusConflict, pages.UserForm(h.page(c, "Edit "+target.Login), f, view))
	}
	if err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return render(c, statusFor(err), pages.UserForm(h.page(c, "Edit "+target.Login), f, view))
	}
	flash(c, "flash.saved")
	return redirect(c, "/users/"+u.Login)
}

// roleWarning is the htmx fragment that warns an operator choosing another
// role for their own account (see pages.RoleField).
func (h *Handler) roleWarning(c echo.Context) error {
	self := users.NormalizeLogin(loginParam(c)) == viewer(c).Login
	t := c.QueryParam("type")
	return render(c, http.StatusOK, pages.RoleWarning(self && t != "" && t != strconv.Itoa(users.TypeOperator)))
}

// backTo is where Cancel leads: the page the visitor came from when it is a
// page of this site other than this one, else fallback.
func backTo(c echo.Context, fallback string) string {
	ref, err := url.Parse(c.Request().Referer())
	if err != nil || ref.Host != c.Request().Host || ref.Path == c.Request().URL.Path {
		return fallback
	}
	return localPath(ref.RequestURI(), fallback)
}
