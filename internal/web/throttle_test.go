package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestPanelPasswordChecksAreThrottled: the current password asked by the
// password change and by the account deletion counts with login failures.
func TestPanelPasswordChecksAreThrottled(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	statuses := map[int]int{}
	for range 6 {
		statuses[bob.post("/account/password", url.Values{"old_password": {"wrong guess"}, "password": {"another one!"}}).status]++
	}
	for range 6 {
		statuses[bob.post("/account/delete", url.Values{"password": {"wrong guess"}}).status]++
	}
	if statuses[http.StatusTooManyRequests] != 2 {
		t.Fatalf("12 wrong current passwords: %v, want 429 after 10", statuses)
	}
	if !opensAccount(bob) {
		t.Fatal("a wrong password deleted the account or ended the session")
	}
	// The right password is throttled too for now; the account still stands.
	if p := bob.post("/account/delete", url.Values{"password": {pw}}); p.status != http.StatusTooManyRequests {
		t.Fatalf("deletion while throttled: %d", p.status)
	}
	if _, err := s.svc.UserByLogin(t.Context(), "bob"); err != nil {
		t.Fatal("account deleted while throttled")
	}
}
