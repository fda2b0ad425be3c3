package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
)

const (
	cookieName   = "kmusers_session"
	idleTimeout  = 2 * time.Hour
	rememberFor  = 30 * 24 * time.Hour
	browserLimit = 24 * time.Hour // server-side cap of a session without "remember me"
	seenStep     = time.Minute    // rewrite the cookie at most once a minute
)

// sess is the request's session, decoded once by the middleware.
type sess struct {
	raw     *sessions.Session
	user    *users.User // nil: anonymous
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

// loadSession decodes the cookie and checks it against the user as stored
// now: a session is over when idle too long, too old, or when the user's
// stamp changed (logout everywhere, password, reset, demotion) or the user
// is gone. A bad or expired cookie is an anonymous visit, never an error.
func (h *Handler) loadSession(c echo.Context) *sess {
	raw, err := h.store.Get(c.Request(), cookieName)
	if err != nil {
		raw, _ = h.store.New(c.Request(), cookieName)
	}
	s := &sess{raw: raw}
	if _, ok := raw.Values["csrf"].(string); !ok {
		s.reset()
	}
	login, _ := raw.Values["login"].(string)
	if login == "" {
		return s
	}
	now := h.users.Now()
	created, _ := raw.Values["created"].(int64)
	seen, _ := raw.Values["seen"].(int64)
	remember, _ := raw.Values["remember"].(bool)
	limit := browserLimit
	if remember {
		limit = rememberFor
	}
	ctx := c.Request().Context()
	u, err := h.users.UserByLogin(ctx, login)
	if err != nil && !errors.Is(err, users.ErrNotFound) {
		// The database failed, not the session: anonymous for this request,
		// logged in again on the next.
		h.log.Error("session user not read", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		return s
	}
	if err != nil || now.Sub(time.Unix(seen, 0)) > idleTimeout || now.Sub(time.Unix(created, 0)) > limit ||
		raw.Values["stamp"] != users.SessionStamp(u) {
		s.reset()
		return s
	}
	s.user = u
	h.users.Touch(ctx, u) // a panel request is activity too: "online now"
	if now.Sub(time.Unix(seen, 0)) >= seenStep {
		raw.Values["seen"] = now.Unix()
		s.changed = true
	}
	return s
}

// reset leaves an anonymous session with a fresh CSRF token.
func (s *sess) reset() {
	s.raw.Values = map[any]any{"csrf": randomToken()}
	s.user = nil
	s.changed = true
}

// startSession replaces the session at login: new values, new CSRF token.
func (h *Handler) startSession(c echo.Context, u *users.User, remember bool) {
	s := current(c)
	now := h.users.Now().Unix()
	s.raw.Values = map[any]any{
		"csrf": randomToken(), "login": u.Login, "stamp": users.SessionStamp(u),
		"created": now, "seen": now, "remember": remember,
	}
	s.user = u
	s.changed = true
}

// endSession forgets the browser's session.
func (h *Handler) endSession(c echo.Context) { current(c).reset() }

// refreshStamp follows a change of the user's own keys (a new password)
// so that this browser stays logged in while the others are logged out.
func (h *Handler) refreshStamp(c echo.Context, u *users.User) {
	s := current(c)
	s.raw.Values["stamp"] = users.SessionStamp(u)
	s.user = u
	s.changed = true
}

// saveSession writes the cookie when something changed.
func (h *Handler) saveSession(c echo.Context) error {
	s := current(c)
	if !s.changed {
		return nil
	}
	opts := &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"}
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

// flash keeps a message for the next page.
func flash(c echo.Context, msg string) {
	s := current(c)
	s.raw.Values["flash"] = msg
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
