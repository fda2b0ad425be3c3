package web

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

// sessionRows lists login's sessions for a page; current marks this browser's.
func (h *Handler) sessionRows(c echo.Context, login string) ([]pages.SessionRow, error) {
	list, err := h.users.Sessions(c.Request().Context(), viewer(c), login)
	if err != nil {
		return nil, err
	}
	now := h.users.Now()
	rows := make([]pages.SessionRow, 0, len(list))
	for i := range list {
		s := &list[i]
		kind := "browser"
		if s.Kind == users.KindToken {
			kind = "app"
		}
		place := s.ClientIP
		if place == "" {
			place = "unknown"
		}
		rows = append(rows, pages.SessionRow{Handle: s.Handle(), Kind: kind, Device: deviceName(s.UserAgent),
			Place: place, LastUsed: partials.Ago(c.Request().Context(), s.LastUsedAt, now), Current: s.ID == current(c).id})
	}
	return rows, nil
}

// accountSessionEnd ends one of my sessions; ending this one logs me out.
func (h *Handler) accountSessionEnd(c echo.Context) error {
	u := viewer(c)
	err := h.users.EndSession(c.Request().Context(), u, u.Login, c.Param("handle"))
	if errors.Is(err, users.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return err
	}
	if _, _, err := h.users.ResumePanelSession(c.Request().Context(), current(c).id); err != nil {
		h.endSession(c)
		flash(c, "flash.logged_out")
		return redirect(c, "/login")
	}
	flash(c, "flash.session_ended")
	return redirect(c, "/account")
}

// accountLogoutEverywhere ends every session and token of mine, this one too.
func (h *Handler) accountLogoutEverywhere(c echo.Context) error {
	if err := h.users.EndSessions(c.Request().Context(), viewer(c).Login); err != nil {
		return err
	}
	h.endSession(c)
	flash(c, "flash.logged_out_everywhere")
	return redirect(c, "/login")
}

// userSessionEnd is an operator ending one session of a user.
func (h *Handler) userSessionEnd(c echo.Context) error {
	login := loginParam(c)
	err := h.users.EndSession(c.Request().Context(), viewer(c), login, c.Param("handle"))
	if errors.Is(err, users.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return err
	}
	flash(c, "flash.session_ended")
	return redirect(c, "/users/"+users.NormalizeLogin(login))
}

// deviceName is a short, human name for a user agent: browser and system.
func deviceName(ua string) string {
	if ua == "" {
		return "Unknown device"
	}
	browser := ""
	for _, b := range []struct{ key, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Chromium/", "Chromium"}, {"Safari/", "Safari"}, {"Electron/", "Karaoke Mugen"},
		{"KaraokeMugen", "Karaoke Mugen"}, {"axios", "Karaoke Mugen"}, {"curl/", "curl"}, {"Go-http-client", "Go client"},
	} {
		if strings.Contains(ua, b.key) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ key, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.key) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	if r := []rune(ua); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return ua
}
