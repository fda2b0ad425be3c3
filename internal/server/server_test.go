package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

func TestHealthzHeadersAndErrors(t *testing.T) {
	e := New(Deps{DB: pinger{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 || rec.Body.String() != "ok" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", "/api/nothing", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"err":true`) {
		t.Fatalf("api 404: %d %s", rec.Code, rec.Body.String())
	}
	for _, path := range []string{"/nothing", "/api/command/x"} {
		rec = httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 404 {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	down := New(Deps{DB: pinger{err: io.EOF}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec = httptest.NewRecorder()
	down.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 503 {
		t.Fatalf("healthz with the DB down: %d", rec.Code)
	}
}

func TestForwardedForOnlyFromTrustedProxy(t *testing.T) {
	_, proxy, _ := net.ParseCIDR("10.0.0.1/32")
	ip := func(ex echo.IPExtractor, remote, xff string) string {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		return ex(r)
	}
	if got := ip(ipExtractor(nil), "127.0.0.1:5", "1.2.3.4"); got != "127.0.0.1" {
		t.Fatalf("no proxy configured, XFF believed: %s", got)
	}
	trusted := ipExtractor([]*net.IPNet{proxy})
	if got := ip(trusted, "10.0.0.1:5", "1.2.3.4"); got != "1.2.3.4" {
		t.Fatalf("trusted proxy ignored: %s", got)
	}
	if got := ip(trusted, "10.0.0.2:5", "1.2.3.4"); got != "10.0.0.2" {
		t.Fatalf("untrusted peer's XFF believed: %s", got)
	}
}

// TestHSTSOnlyOverHTTPS: HSTS when the request came over HTTPS through a
// trusted proxy, never on plain HTTP or on a client's own claim.
func TestHSTSOnlyOverHTTPS(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("192.0.2.0/24")
	e := New(Deps{DB: pinger{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: []*net.IPNet{loopback}})
	get := func(remote string, https bool) string {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = remote
		if https {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Header().Get("Strict-Transport-Security")
	}
	if get("192.0.2.1:1", true) == "" {
		t.Fatal("no HSTS over HTTPS through a trusted proxy")
	}
	if get("192.0.2.1:1", false) != "" || get("198.51.100.1:1", true) != "" {
		t.Fatal("HSTS on plain HTTP or on an untrusted client's claim")
	}
}

// TestSlowBodyIsCut: a body sent a byte at a time loses its connection at
// the deadline instead of holding it.
func TestSlowBodyIsCut(t *testing.T) {
	e := New(Deps{DB: pinger{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BodyDeadline: 300 * time.Millisecond,
		API: nil})
	e.POST("/slow", func(c echo.Context) error {
		_, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		return c.String(200, "read")
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
	// Send nothing more: the server must end the request and the connection.
	b, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "read") {
		t.Fatalf("the slow body was read to the end: %q", b)
	}
}
