package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) accountPage(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, formFromUser(viewer(c)), partials.NewForm())
}

func (h *Handler) renderAccount(c echo.Context, status int, f, pw partials.Form) error {
	if pw.Values["instance"] == "" {
		pw.Values["instance"] = h.users.Settings().OnlineDefaultHost
	}
	return render(c, status, pages.Account(h.page(c, "My account"), f, pw))
}

// accountUpdate saves my profile, and my new avatar if one was chosen.
func (h *Handler) accountUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	p, f := profilePatch(c)
	err := h.attachAvatar(ctx, c, &p)
	if err == nil {
		_, err = h.editMine(c, p)
	}
	if err != nil {
		if !fieldError(f, err) {
			return err
		}
		return h.renderAccount(c, statusFor(err), f, partials.NewForm())
	}
	flash(c, "Your profile is saved.")
	return redirect(c, "/account")
}
