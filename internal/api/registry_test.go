package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// TestTokenSlidingExpiry: a token lives 30 days after its last use, as long
// as it is used, and is refused after; the sweep forgets it.
func TestTokenSlidingExpiry(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("kim")
	for range 3 { // 87 days of use, never 30 days apart
		v.clock.Add(29 * 24 * time.Hour)
		v.do(tok, "checkAuth", nil).want(t, 200, "")
	}
	v.clock.Add(30*24*time.Hour + time.Second)
	v.do(tok, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
	if err := v.svc.SweepSessions(context.Background()); err != nil {
		t.Fatal(err)
	}
	list, err := v.svc.Sessions(context.Background(), users.System(), "kim")
	if err != nil || len(list) != 0 {
		t.Fatalf("expired token not swept: %d %v", len(list), err)
	}
}

// TestRegistryRecordsTheClient: each login is a row with the client's
// address and user agent; last use is written at most once a minute.
func TestRegistryRecordsTheClient(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("lea")
	req := httptest.NewRequest(http.MethodPost, "/api/command",
		strings.NewReader(`{"cmd":"login","body":{"username":"lea","password":"`+pw+`"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "KaraokeMugen/8.0 (Linux)")
	req.RemoteAddr = "198.51.100.7:4242"
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	list, err := v.svc.Sessions(context.Background(), users.System(), "lea")
	if err != nil || len(list) != 2 {
		t.Fatalf("want 2 sessions (createUser's helper login and this one), got %d %v", len(list), err)
	}
	s := list[0]
	for _, x := range list {
		if x.UserAgent != "" {
			s = x
		}
	}
	if s.Kind != users.KindToken || s.ClientIP != "198.51.100.7" || s.UserAgent != "KaraokeMugen/8.0 (Linux)" {
		t.Fatalf("row: %+v", s)
	}
	if !s.ExpiresAt.Equal(s.LastUsedAt.Add(users.DefaultTokenLife)) {
		t.Fatalf("expiry %v, last use %v", s.ExpiresAt, s.LastUsedAt)
	}
}

// TestOperatorChangesOwnPassword: the token that made the change lives on,
// even through editUser; a demotion by another operator ends them all.
func TestOperatorChangesOwnPassword(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	other := v.token("olga", pw)
	v.do(op, "editUser", map[string]any{"login": "olga", "password": "a brand new one"}).want(t, 200, "USER_EDITED")
	v.do(op, "checkAuth", nil).want(t, 200, "")
	v.do(other, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")

	boss := v.operator("boss")
	v.do(boss, "editUser", map[string]any{"login": "olga", "type": 1}).want(t, 200, "USER_EDITED")
	v.do(op, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
	v.do(boss, "checkAuth", nil).want(t, 200, "")
}

// TestResetByCodeEndsEveryToken: even the token of the caller who reset.
func TestResetByCodeEndsEveryToken(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("ria")
	v.do(tok, "resetUserPassword", map[string]any{"username": "ria", "password": "reset password", "securityCode": v.opCode()}).
		want(t, 200, "USER_RESETPASSWORD_SUCCESS")
	v.do(tok, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
}

// TestTokenWithoutRegistryRowRefused: a correctly signed token whose row
// was ended is refused, and so is one that names another user.
func TestTokenWithoutRegistryRowRefused(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("max")
	me, err := v.svc.UserByLogin(context.Background(), "max")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.svc.EndSessions(context.Background(), me.Login); err != nil {
		t.Fatal(err)
	}
	v.do(tok, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
}
