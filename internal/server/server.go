// Package server builds the HTTP server: middleware, the route table and a
// graceful stop.
package server

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/online"
	"github.com/kmusers/kmusers/internal/socketio"
	"github.com/kmusers/kmusers/internal/web"
)

// Pinger tells whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the routes serve.
type Deps struct {
	API            *api.Handler
	DB             Pinger
	Log            *slog.Logger
	TrustedProxies []*net.IPNet
	Uploads        api.Uploads
	Avatars        AvatarFiles
	Web            *web.Handler // nil: no panel (API tests)
	// BodyDeadline bounds the time to send a request body (default 15 s);
	// UploadDeadline the same for uploads (default 2 minutes).
	BodyDeadline, UploadDeadline time.Duration
	Online                       *online.Host     // nil: this instance hosts no online accounts
	Socket                       *socketio.Server // nil: no socket.io endpoint
	// AccessLog takes the line of each request (nil: Log); the server
	// gives it a buffered writer (internal/logbuf).
	AccessLog *slog.Logger
}

// AvatarFiles serves avatar bytes by file name.
type AvatarFiles interface {
	Open(name string) (data []byte, mime string, ok bool)
}

// New builds the Echo router with every route.
func New(d Deps) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(d.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.Pre(caseFoldPaths("/api/importfile"))
	e.Pre(headAsGet)
	e.Use(bodyDeadline(d.BodyDeadline, d.UploadDeadline))
	e.Use(middleware.RequestID())
	e.Use(recoverer(d.Log))
	e.Use(accessLog(cmp.Or(d.AccessLog, d.Log)))
	e.Use(securityHeaders)
	e.Use(hsts(d.TrustedProxies))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		// Avatars are compressed images already; socket.io compresses its
		// own frames and hijacks the connection; /events is a stream. The
		// list of every user IS compressed for clients that accept gzip: 24
		// MB of repetitive JSON at 100,000 users, sent to KM clients over the
		// internet, where bytes cost more than the CPU of compressing them
		// (at most two such lists are built at once, api.wholeListBuilds).
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/avatars/") || strings.HasPrefix(p, socketio.Path) || p == "/events"
		},
	}))
	routes(e, d)
	return e
}

// routes is the site map.
func routes(e *echo.Echo, d Deps) {
	e.GET("/healthz", healthz(d.DB))
	e.POST("/api/command", d.API.Command)
	e.POST("/api/importfile", d.API.ImportFile(d.Uploads))
	e.GET("/avatars/:file", serveAvatar(d.Avatars))
	if d.Socket != nil {
		e.Any(socketio.Path+"*", socketEndpoint(d.Socket))
	}
	if d.Online != nil {
		d.Online.Register(e)
	}
	if d.Web != nil {
		d.Web.Register(e)
	}
}

// caseFoldPaths routes any case of the given paths to them: KM clients
// spell /api/importFile in more than one way.
func caseFoldPaths(paths ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			for _, p := range paths {
				if r.URL.Path != p && strings.EqualFold(r.URL.Path, p) {
					r.URL.Path = p
				}
			}
			return next(c)
		}
	}
}

// serveAvatar serves only names the avatars package made, with a fixed type,
// no sniffing, no active content, and a year of cache: a new avatar has a
// new name.
func serveAvatar(files AvatarFiles) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := c.Param("file")
		etag := avatars.ETag(name)
		if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
			// A name's bytes never change: the client's copy is current,
			// and nothing needs reading (on PostgreSQL, from the database).
			c.Response().Header().Set("ETag", etag)
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			return c.NoContent(http.StatusNotModified)
		}
		data, mime, ok := files.Open(name)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("Content-Disposition", "inline")
		h.Set("ETag", etag)
		return c.Blob(http.StatusOK, mime, data)
	}
}

func healthz(db Pinger) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			return c.String(http.StatusServiceUnavailable, "database not answering")
		}
		return c.String(http.StatusOK, "ok")
	}
}

// ipExtractor uses the TCP peer, and X-Forwarded-For only from a configured
// proxy: a client cannot pick its own address to dodge throttling.
func ipExtractor(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		return next(c)
	}
}

// bodyDeadline gives each request a deadline to send its body, longer but
// bounded for uploads (the API's, and the panel's multipart forms): a body
// sent at a byte a second no longer holds a connection for minutes.
func bodyDeadline(normal, upload time.Duration) echo.MiddlewareFunc {
	if normal <= 0 {
		normal = 15 * time.Second
	}
	if upload <= 0 {
		upload = 2 * time.Minute
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			d := normal
			if r.URL.Path == "/api/importfile" || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				d = upload
			}
			// Not every writer supports deadlines (tests' recorders): then none.
			_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(d))
			return next(c)
		}
	}
}

// hsts tells browsers to come back over HTTPS only, on replies that went
// out over HTTPS (TLS here, or a trusted proxy's X-Forwarded-Proto).
func hsts(proxies []*net.IPNet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if web.OverHTTPS(c.Request(), proxies) {
				c.Response().Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// recoverer turns a panic into a plain 500 and logs it with the request id.
func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					log.Error("panic", "request_id", requestID(c), "path", c.Path(), "panic", r)
					err = echo.NewHTTPError(http.StatusInternalServerError)
				}
			}()
			return next(c)
		}
	}
}

// accessLog writes one line per request with its request id, so that an
// error line can be found with the request that caused it.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			p := c.Request().URL.Path
			if p == "/healthz" || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, socketio.Path) {
				return err
			}
			p = logPath(p)
			status := c.Response().Status
			var he *echo.HTTPError
			if err != nil && errors.As(err, &he) {
				status = he.Code
			} else if err != nil {
				status = http.StatusInternalServerError
			}
			log.Info("request", "request_id", requestID(c), "method", c.Request().Method, "path", p,
				"status", status, "ms", time.Since(start).Milliseconds(), "client_ip", c.RealIP())
			return err
		}
	}
}

// logPath is a path as logs may show it: a mailed reset token is a
// password for two hours, so it never reaches a log.
func logPath(p string) string {
	if strings.HasPrefix(p, "/reset/") {
		return "/reset/(token)"
	}
	return p
}

func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// errorHandler answers router errors (404, 405, 500) without internals: KM's
// envelope under /api, plain text elsewhere.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code := http.StatusInternalServerError
		var he *echo.HTTPError
		if errors.As(err, &he) {
			code = he.Code
		}
		if code >= 500 {
			log.Error("request failed", "request_id", requestID(c), "path", logPath(c.Request().URL.Path), "err", err)
		}
		msg := http.StatusText(code)
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			c.Response().Header().Set(echo.HeaderContentType, "application/json; charset=utf-8")
			c.Response().Header().Set("Cache-Control", "no-store")
			_ = c.JSON(code, map[string]any{"err": true, "data": map[string]any{
				"code": code, "message": map[string]string{"code": strings.ToUpper(strings.ReplaceAll(msg, " ", "_"))}}})
			return
		}
		_ = c.String(code, msg)
	}
}

// socketEndpoint hands socket.io's polling and websocket requests to its
// server, with the client address the router trusts.
func socketEndpoint(s *socketio.Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		s.ServeHTTP(c.Response(), socketio.WithClientIP(c.Request(), c.RealIP()))
		return nil
	}
}
