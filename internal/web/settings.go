package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

var settingFlags = []string{"allow_guest_login", "allow_temporary_guests", "allow_user_creation",
	"require_security_code", "online_accounts_enabled"}

func settingsForm(s users.Settings) partials.Form {
	f := partials.NewForm()
	f.Values["frontend_mode"] = strconv.Itoa(s.FrontendMode)
	for name, on := range map[string]bool{"allow_guest_login": s.AllowGuestLogin, "allow_temporary_guests": s.AllowTemporaryGuests,
		"allow_user_creation": s.AllowUserCreation, "require_security_code": s.RequireSecurityCode,
		"online_accounts_enabled": s.OnlineAccountsEnabled} {
		if on {
			f.Values[name] = "on"
		}
	}
	f.Values["online_default_host"] = s.OnlineDefaultHost
	f.Values["online_allowed_hosts"] = strings.Join(s.OnlineAllowedHosts, "\n")
	return f
}

func (h *Handler) settingsPage(c echo.Context) error {
	return render(c, http.StatusOK, pages.Settings(h.page(c, "Settings"), settingsForm(h.users.Settings())))
}

func (h *Handler) settingsSave(c echo.Context) error {
	f := formOf(c, append(settingFlags, "frontend_mode", "online_default_host", "online_allowed_hosts")...)
	mode, err := strconv.Atoi(f.V("frontend_mode"))
	if err != nil {
		mode = -1 // refused by the domain with a field message
	}
	s := users.Settings{
		FrontendMode: mode, AllowGuestLogin: f.V("allow_guest_login") != "",
		AllowTemporaryGuests: f.V("allow_temporary_guests") != "", AllowUserCreation: f.V("allow_user_creation") != "",
		RequireSecurityCode: f.V("require_security_code") != "", OnlineAccountsEnabled: f.V("online_accounts_enabled") != "",
		OnlineDefaultHost: f.V("online_default_host"), OnlineAllowedHosts: users.ParseHosts(f.V("online_allowed_hosts")),
	}
	if err := h.users.SaveSettings(c.Request().Context(), s); err != nil {
		if !fieldError(c.Request().Context(), f, err) {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, pages.Settings(h.page(c, "Settings"), f))
	}
	flash(c, "flash.settings_saved")
	return redirect(c, "/settings")
}
