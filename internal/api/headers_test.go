package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAPIRepliesAreNotStored: every API reply (success, failure, upload,
// router error) is UTF-8 JSON that no cache keeps.
func TestAPIRepliesAreNotStored(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	for _, c := range []struct{ path, body string }{
		{"/api/command", `{"cmd":"login","body":{"username":"bob","password":"` + pw + `"}}`},
		{"/api/command", `{"cmd":"login","body":{"username":"bob","password":"nope nope"}}`},
		{"/api/command", `{"cmd":"nope"}`},
		{"/api/importfile", ``},
		{"/api/nothing", `{}`},
	} {
		req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		v.e.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s %s: Content-Type %q", c.path, c.body, ct)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", c.path, c.body, cc)
		}
	}
}
