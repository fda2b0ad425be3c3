package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// TestWholeListBuildsAreBounded: with both build slots taken, a third
// whole-list request gets 503 with Retry-After instead of a third build.
func TestWholeListBuildsAreBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h := New(svc, log)
	e := echo.New()
	e.POST("/api/command", h.Command)
	_, tok, err := svc.LoginGuest(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	send := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/command", strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	h.whole <- struct{}{}
	h.whole <- struct{}{}
	rec := send(`{"cmd":"getUsers","body":{}}`)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("third whole-list build: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// A page is not a whole-list build: it is not held back.
	if rec := send(`{"cmd":"getUsers","body":{"size":10}}`); rec.Code != http.StatusOK {
		t.Fatalf("a page while whole lists are busy: %d", rec.Code)
	}
	<-h.whole
	if rec := send(`{"cmd":"getUsers","body":{}}`); rec.Code != http.StatusOK {
		t.Fatalf("with a free slot: %d", rec.Code)
	}
}
