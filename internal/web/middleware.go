package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
)

// maxFormBytes caps a panel request without a picture (see bodyLimit).
const maxFormBytes = 9 << 20

// csp forbids inline script: htmx is configured by a meta tag and the CSRF
// header by an attribute, so no page needs any.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// sessionMiddleware decodes the session, writes it back just before the
// response, and sets the panel's headers.
func (h *Handler) sessionMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		r.Body = http.MaxBytesReader(c.Response(), r.Body, bodyLimit(r))
		cl := users.Client{IP: c.RealIP(), UserAgent: r.UserAgent()}
		if dc, err := c.Cookie(h.deviceCookieName(c)); err == nil {
			cl.Device = dc.Value
		}
		c.SetRequest(r.WithContext(users.WithClient(r.Context(), cl)))
		s := h.loadSession(c)
		c.Set(sessKey, s)
		cl.Session = s.id
		if s.user != nil {
			cl.Actor = s.user.Login
		}
		c.SetRequest(c.Request().WithContext(users.WithClient(c.Request().Context(), cl)))
		localize(c, s.user)
		c.Response().Before(func() {
			if err := h.saveSession(c); err != nil {
				h.log.Error("session not saved", "err", err)
			}
		})
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("Cache-Control", "no-store")
		hd.Set("Vary", "HX-Request, Cookie, Accept-Language")
		return next(c)
	}
}

// csrfMiddleware refuses a state-changing request that does not carry the
// session's token, or that another site sent.
func (h *Handler) csrfMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" || !sameOrigin(r) {
			h.users.Refused(r.Context(), users.AuditCSRF, r.Method+" "+c.Path()+" from another site")
			return h.forbidden(c, "refusal.other_site")
		}
		if err := readMultipart(c); err != nil { // the token may follow a large picture
			return h.badForm(c, err)
		}
		want, _ := current(c).raw.Values["csrf"].(string)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			h.users.Refused(r.Context(), users.AuditCSRF, r.Method+" "+c.Path())
			return h.forbidden(c, "refusal.form_expired")
		}
		return next(c)
	}
}

// sameOrigin: an Origin header, when sent, names this host.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// setupMiddleware makes /setup the first thing a new install shows: until
// a human operator exists, the landing pages lead there. Login, sign-up and
// the rest stay reachable, so accounts made through the API can log in.
func (h *Handler) setupMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.setupDone.Load() || c.Request().Method != http.MethodGet || (c.Path() != "/" && c.Path() != "/users") {
			return next(c)
		}
		ok, err := h.users.HasHumanOperator(c.Request().Context())
		if err != nil {
			return err
		}
		if ok {
			h.setupDone.Store(true)
			return next(c)
		}
		return redirect(c, "/setup")
	}
}

// closedMiddleware shows non-operators the closed page when the frontend is
// closed; login stays open so that an operator can get in.
func (h *Handler) closedMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := viewer(c)
		if h.users.Settings().FrontendMode != users.FrontendClosed || (u != nil && u.Type == users.TypeOperator) {
			return next(c)
		}
		switch c.Path() {
		case "/login", "/logout", "/setup", "/reset/:token":
			return next(c)
		}
		return h.closed(c)
	}
}

// requireMember and requireOperator guard pages by role.
func (h *Handler) requireMember(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := viewer(c)
		if u == nil {
			return redirect(c, "/login?next="+urlEscape(c.Request().URL.RequestURI()))
		}
		if u.Type == users.TypeGuest {
			h.users.Refused(c.Request().Context(), users.AuditForbidden, c.Request().Method+" "+c.Path())
			return h.forbidden(c, "refusal.guests")
		}
		return next(c)
	}
}

func (h *Handler) requireOperator(next echo.HandlerFunc) echo.HandlerFunc {
	return h.requireMember(func(c echo.Context) error {
		if viewer(c).Type != users.TypeOperator {
			h.users.Refused(c.Request().Context(), users.AuditForbidden, c.Request().Method+" "+c.Path())
			return h.forbidden(c, "refusal.operators")
		}
		return next(c)
	})
}

func urlEscape(s string) string { return url.QueryEscape(s) }
