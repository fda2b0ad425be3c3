package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"github.com/kmusers/kmusers/internal/i18n"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
)

const (
	cookieName  = "kmusers_session"
	rememberFor = users.PanelRemember
)

// sess is the request's session, decoded once by the middleware.
type sess struct {
	raw     *sessions.Session
	user    *users.User // nil: anonymous
	id      string      // the registry id of the session, "" when anonymous
	changed bool        // write the cookie with the response
}

// sessKey is where the middleware keeps the session in the echo context.
const sessKey = "kmusers.session"

func current(c echo.Context) *sess { return c.Get(sessKey).(*sess) }

func viewer(c echo.Context) *users.User { return current(c).user }

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loadSession decodes the cookie and checks its session in the registry:
// a session is over when its row is gone (logout, "log out everywhere",
// password change elsewhere, reset, demotion, deletion) or expired (idle
// too long, too old). A bad or expired cookie is an anonymous visit.
func (h *Handler) loadSession(c echo.Context) *sess {
	raw, err := h.store.Get(c.Request(), h.cookieName(c))
	if err != nil {
		raw, _ = h.store.New(c.Request(), h.cookieName(c))
	}
	s := &sess{raw: raw}
	if _, ok := raw.Values["csrf"].(string); !ok {
		s.reset()
	}
	sid, _ := raw.Values["sid"].(string)
	if sid == "" {
		return s
	}
	ctx := c.Request().Context()
	row, u, err := h.users.ResumePanelSession(ctx, sid)
	if err != nil && !errors.Is(err, users.ErrInvalidToken) {
		// The database failed, not the session: anonymous for this request,
		// logged in again on the next.
		h.log.Error("session not read", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		return s
	}
	if err != nil {
		s.reset()
		return s
	}
	s.user, s.id = u, row.ID
	return s
}

// reset leaves an anonymous session with a fresh CSRF token.
func (s *sess) reset() {
	s.raw.Values = map[any]any{"csrf": randomToken()}
	s.user, s.id = nil, ""
	s.changed = true
}

// startSession replaces the session at login: new values, new CSRF token.
func (h *Handler) startSession(c echo.Context, u *users.User, row *users.Session) {
	s := current(c)
	s.raw.Values = map[any]any{"csrf": randomToken(), "sid": row.ID, "remember": row.Deadline != nil &&
		row.Deadline.Sub(row.CreatedAt) > users.PanelShort}
	s.user, s.id = u, row.ID
	s.changed = true
}

// endSession forgets the browser's session.
func (h *Handler) endSession(c echo.Context) { current(c).reset() }

// https tells whether the browser reached us over HTTPS.
func (h *Handler) https(c echo.Context) bool { return OverHTTPS(c.Request(), h.proxies) }

// OverHTTPS tells whether r came over HTTPS: TLS here, or a trusted proxy
// says so. A client's own X-Forwarded-Proto is not believed. The server's
// HSTS header asks the same question.
func OverHTTPS(r *http.Request, proxies []*net.IPNet) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(r.Header.Get(echo.HeaderXForwardedProto), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	for _, n := range proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// cookieName is the session cookie's name: over HTTPS it carries the
// __Host- prefix, which browsers accept only Secure, on "/", with no Domain.
func (h *Handler) cookieName(c echo.Context) string {
	if h.https(c) {
		return "__Host-" + cookieName
	}
	return cookieName
}

func (h *Handler) deviceCookieName(c echo.Context) string {
	if h.https(c) {
		return "__Host-" + users.DeviceCookie
	}
	return users.DeviceCookie
}

// setDevice gives a browser that logged in its device cookie: with it,
// strangers' failures on the account do not lock this browser out.
func (h *Handler) setDevice(c echo.Context, value string) {
	if value == "" {
		return
	}
	c.SetCookie(&http.Cookie{Name: h.deviceCookieName(c), Value: value, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.https(c)})
}

// saveSession writes the cookie when something changed.
func (h *Handler) saveSession(c echo.Context) error {
	s := current(c)
	if !s.changed {
		return nil
	}
	opts := &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.https(c)}
	if remember, _ := s.raw.Values["remember"].(bool); remember {
		opts.MaxAge = int(rememberFor / time.Second)
	}
	s.raw.Options = opts
	if err := s.raw.Save(c.Request(), c.Response()); err != nil {
		return errors.New("web: session cookie: " + err.Error())
	}
	s.changed = false
	return nil
}

// flash keeps a message for the next page, in the request's language: id is
// a message of internal/i18n/locales, data fills it.
func flash(c echo.Context, id string, data ...map[string]any) {
	flashText(c, i18n.T(c.Request().Context(), id, data...))
}

// flashText shows text, already composed in the viewer's language (a
// report made of several messages), on the next page. Use flash for one
// message by ID.
func flashText(c echo.Context, text string) {
	s := current(c)
	s.raw.Values["flash"] = text
	s.changed = true
}

func takeFlash(c echo.Context) string {
	s := current(c)
	msg, _ := s.raw.Values["flash"].(string)
	if msg != "" {
		delete(s.raw.Values, "flash")
		s.changed = true
	}
	return msg
}
