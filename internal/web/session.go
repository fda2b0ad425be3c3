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
	raw  *sessions.Session
	user *users.User // nil: anonymous
}

type ctxKey string

const sessKey ctxKey = "sess"

func current(c echo.Context) *sess { return c.Get(string(sessKey)).(*sess) }

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
		raw.Values = map[any]any{"csrf": randomToken()}
		s.dirty(c)
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
	u, err := h.users.UserByLogin(c.Request().Context(), login)
	if err != nil || now.Sub(time.Unix(seen, 0)) > idleTimeout || now.Sub(time.Unix(created, 0)) > limit ||
		raw.Values["stamp"] != users.SessionStamp(u) {
		raw.Values = map[any]any{"csrf": randomToken()}
		s.dirty(c)
		return s
	}
	s.user = u
	if now.Sub(time.Unix(seen, 0)) >= seenStep {
		raw.Values["seen"] = now.Unix()
		s.dirty(c)
	}
	return s
}

// dirty marks the session to be written with the response.
func (s *sess) dirty(c echo.Context) { c.Set("sess-dirty", true) }

// startSession replaces the session at login: new values, new CSRF token.
func (h *Handler) startSession(c echo.Context, u *users.User, remember bool) {
	s := current(c)
	now := h.users.Now().Unix()
	s.raw.Values = map[any]any{
		"csrf": randomToken(), "login": u.Login, "stamp": users.SessionStamp(u),
		"created": now, "seen": now, "remember": remember,
	}
	s.user = u
	s.dirty(c)
}

// endSession forgets the browser's session.
func (h *Handler) endSession(c echo.Context) {
	s := current(c)
	s.raw.Values = map[any]any{"csrf": randomToken()}
	s.user = nil
	s.dirty(c)
}

// refreshStamp follows a change of the user's own keys (a new password)
// so that this browser stays logged in while the others are logged out.
func (h *Handler) refreshStamp(c echo.Context, u *users.User) {
	s := current(c)
	s.raw.Values["stamp"] = users.SessionStamp(u)
	s.user = u
	s.dirty(c)
}

// saveSession writes the cookie when something changed.
func (h *Handler) saveSession(c echo.Context) error {
	if dirty, _ := c.Get("sess-dirty").(bool); !dirty {
		return nil
	}
	s := current(c)
	opts := &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"}
	if remember, _ := s.raw.Values["remember"].(bool); remember {
		opts.MaxAge = int(rememberFor / time.Second)
	}
	s.raw.Options = opts
	if err := s.raw.Save(c.Request(), c.Response()); err != nil {
		return errors.New("web: session cookie: " + err.Error())
	}
	c.Set("sess-dirty", false)
	return nil
}

// flash keeps a message for the next page.
func flash(c echo.Context, msg string) {
	s := current(c)
	s.raw.Values["flash"] = msg
	s.dirty(c)
}

func takeFlash(c echo.Context) string {
	s := current(c)
	msg, _ := s.raw.Values["flash"].(string)
	if msg != "" {
		delete(s.raw.Values, "flash")
		s.dirty(c)
	}
	return msg
}
