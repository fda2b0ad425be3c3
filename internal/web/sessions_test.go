package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// apiToken logs in through the API, as KM would.
func (s *site) apiToken(login string) string {
	s.t.Helper()
	body := `{"cmd":"login","body":{"username":"` + login + `","password":"` + pw + `"}}`
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/api/command", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "KaraokeMugen/8.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Data struct{ Token string } }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Data.Token == "" {
		s.t.Fatalf("API login of %s: %d %v", login, resp.StatusCode, err)
	}
	return r.Data.Token
}

func (s *site) tokenAlive(tok string) bool {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/api/command", strings.NewReader(`{"cmd":"checkAuth","body":{}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

func (s *site) login(login string) *browser {
	s.t.Helper()
	b := s.browser()
	if p := b.post("/login", url.Values{"username": {login}, "password": {pw}}); p.status != http.StatusSeeOther {
		s.t.Fatalf("login %s: %d", login, p.status)
	}
	return b
}

func opensAccount(b *browser) bool { return b.get("/account", false).status == 200 }

func TestLogoutEndsThisSessionOnly(t *testing.T) {
	s := newSite(t)
	s.operator()
	one := s.member("bob")
	two := s.login("bob")
	tok := s.apiToken("bob")
	if p := one.post("/logout", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.status)
	}
	if opensAccount(one) {
		t.Fatal("logged-out browser still in")
	}
	if !opensAccount(two) || !s.tokenAlive(tok) {
		t.Fatal("logout ended another browser or the API token")
	}
}

func TestAccountListsAndEndsSessions(t *testing.T) {
	s := newSite(t)
	s.operator()
	me := s.member("bob")
	other := s.login("bob")
	tok := s.apiToken("bob")

	p := me.get("/account", false)
	rows := p.doc.Find(`[data-testid=session-row]`)
	if rows.Length() != 3 {
		t.Fatalf("want 3 sessions on /account, got %d", rows.Length())
	}
	if n := p.doc.Find(`[data-testid=session-row][data-current=true]`).Length(); n != 1 {
		t.Fatalf("want one \"this one\", got %d", n)
	}
	if !strings.Contains(p.doc.Find(`[data-testid=session-row]`).Text(), "Karaoke Mugen") {
		t.Fatal("the app's device is not named")
	}
	// End the other browser: the row that is neither this one nor the app.
	var handle string
	p.doc.Find(`[data-testid=session-row][data-current=false]`).Each(func(_ int, r *goquery.Selection) {
		if !strings.Contains(r.Text(), "Karaoke Mugen") {
			handle, _ = r.Attr("data-handle")
		}
	})
	if handle == "" {
		t.Fatal("other browser's row not found")
	}
	if p := me.post("/account/sessions/"+handle+"/end", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("end: %d", p.status)
	}
	if opensAccount(other) || !opensAccount(me) || !s.tokenAlive(tok) {
		t.Fatal("ending one session did not end exactly that one")
	}
	// Someone else's handle is not mine to end.
	if p := s.member("eve").post("/account/sessions/"+handle+"/end", url.Values{}); p.status != http.StatusNotFound {
		t.Fatalf("ending a stranger's session: %d", p.status)
	}
	// Log out everywhere: this browser and the app too.
	if p := me.post("/account/sessions/end-all", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("log out everywhere: %d", p.status)
	}
	if opensAccount(me) || s.tokenAlive(tok) {
		t.Fatal("log out everywhere left a session")
	}
}

func TestOperatorSeesAndEndsUserSessions(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	bob := s.member("bob")
	tok := s.apiToken("bob")
	p := op.get("/users/bob", false)
	rows := p.doc.Find(`[data-testid=session-row]`)
	if rows.Length() != 2 {
		t.Fatalf("operator sees %d sessions of bob, want 2", rows.Length())
	}
	var handle string
	rows.Each(func(_ int, r *goquery.Selection) {
		if strings.Contains(r.Text(), "Karaoke Mugen") {
			handle, _ = r.Attr("data-handle")
		}
	})
	// A user cannot use the operator's route.
	if p := s.member("mal").post("/users/bob/sessions/"+handle+"/end", url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("a user ended bob's session: %d", p.status)
	}
	if p := op.post("/users/bob/sessions/"+handle+"/end", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("operator end: %d", p.status)
	}
	if s.tokenAlive(tok) || !opensAccount(bob) {
		t.Fatal("the operator ended the wrong session")
	}
	if n := s.member("ann").get("/users/bob", false).doc.Find(`[data-testid=sessions]`).Length(); n != 0 {
		t.Fatal("a user sees bob's sessions")
	}
}

// TestPasswordChangeKeepsThisBrowser: the other browser and the app are
// logged out, this browser stays.
func TestPasswordChangeKeepsThisBrowser(t *testing.T) {
	s := newSite(t)
	s.operator()
	me := s.member("bob")
	other := s.login("bob")
	tok := s.apiToken("bob")
	if p := me.post("/account/password", url.Values{"old_password": {pw}, "password": {"another good one"}}); p.status != http.StatusSeeOther {
		t.Fatalf("password change: %d", p.status)
	}
	if !opensAccount(me) || opensAccount(other) || s.tokenAlive(tok) {
		t.Fatal("a password change must keep this browser only")
	}
}
