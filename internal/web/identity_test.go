package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignupSaysWhyAPasswordIsWeak: the field message names the reason.
func TestSignupSaysWhyAPasswordIsWeak(t *testing.T) {
	s := newSite(t)
	s.operator()
	p := s.browser().post("/signup", url.Values{"login": {"zed"}, "password": {"password1"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.doc.Find("#password-error").Text(), "most common") {
		t.Fatalf("weak password at sign-up: %d %q", p.status, p.doc.Find("#password-error").Text())
	}
	p = s.browser().post("/signup", url.Values{"login": {"zedkaraoke"}, "password": {"zedkaraoke99"}})
	if !strings.Contains(p.doc.Find("#password-error").Text(), "login or nickname") {
		t.Fatalf("password made of the login: %d %q", p.status, p.doc.Find("#password-error").Text())
	}
}
