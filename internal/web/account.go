package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

func (h *Handler) accountPage(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, withVersion(formFromUser(viewer(c)), viewer(c)), partials.NewForm())
}

func (h *Handler) renderAccount(c echo.Context, status int, f, pw partials.Form) error {
	if pw.Values["instance"] == "" {
		pw.Values["instance"] = h.users.Settings().OnlineDefaultHost
	}
	rows, err := h.sessionRows(c, viewer(c).Login)
	if err != nil {
		return err
	}
	return render(c, status, pages.Account(h.page(c, "My account"), f, pw, rows, pages.AccountOnline{Servers: h.convertServers()}))
}

// convertServers are the online servers a local account may convert to
// here, the default first; none while online accounts are disabled.
func (h *Handler) convertServers() []string {
	s := h.users.Settings()
	if !s.OnlineAccountsEnabled {
		return nil
	}
	var out []string
	for _, host := range append([]string{s.OnlineDefaultHost}, s.OnlineAllowedHosts...) {
		if host != "" && !slices.Contains(out, host) {
			out = append(out, host)
		}
	}
	return out
}

// accountUpdate saves my profile, and my new avatar if one was chosen.
func (h *Handler) accountUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	p, f := profilePatch(c)
	keepChanged(c, &p, f, withVersion(formFromUser(viewer(c)), viewer(c)))
	err := h.attachAvatar(ctx, c, &p)
	if err == nil {
		_, err = h.editMine(c, p)
	}
	if ce, ok := users.AsChanged(err); ok {
		changedMeanwhile(f, ce.Current)
		return h.renderAccount(c, http.StatusConflict, f, partials.NewForm())
	}
	if err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return h.renderAccount(c, statusFor(err), f, partials.NewForm())
	}
	flash(c, "flash.profile_saved")
	return redirect(c, "/account")
}
