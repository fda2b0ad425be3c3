package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWholeListETag: a client that polls the whole list gets 304 while it
// is unchanged, and the list again once it changes.
func TestWholeListETag(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("bob")
	get := func(etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/command", strings.NewReader(`{"cmd":"getUsers","body":{}}`))
		req.Header.Set("Authorization", tok)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		v.e.ServeHTTP(rec, req)
		return rec
	}
	first := get("")
	tag := first.Header().Get("ETag")
	if first.Code != 200 || tag == "" {
		t.Fatalf("first: %d, ETag %q", first.Code, tag)
	}
	if r := get(tag); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
		t.Fatalf("unchanged list: %d with %d bytes", r.Code, r.Body.Len())
	}
	v.do(tok, "editMyAccount", map[string]any{"nickname": "Bobby"}).want(t, 200, "USER_EDITED")
	if r := get(tag); r.Code != 200 || r.Header().Get("ETag") == tag {
		t.Fatalf("changed list: %d, ETag %q", r.Code, r.Header().Get("ETag"))
	}
}
