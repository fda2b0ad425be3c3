package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// headAsGet answers HEAD on every GET route (RFC 9110: a server that has GET
// has HEAD): the route runs as a GET, with the headers it sets, and its body
// is dropped. Streams (/events, /socket.io/) keep answering 405: a HEAD of a
// stream would never end.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead || r.URL.Path == "/events" || strings.HasPrefix(r.URL.Path, "/socket.io") {
			return next(c)
		}
		// The router reads this very request; net/http reads it again once
		// the handler returns, and must see HEAD there to send no body.
		r.Method = http.MethodGet
		defer func() { r.Method = http.MethodHead }()
		c.Response().Writer = headWriter{c.Response().Writer}
		return next(c)
	}
}

// headWriter keeps the status and headers of a response and drops its body.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(b []byte) (int, error) { return len(b), nil }

// Flush: nothing of the body is written, nothing to flush.
func (headWriter) Flush() {}
