package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/users"
)

func TestUnknownPathsAre404(t *testing.T) {
	s := newSite(t)
	s.operator()
	for _, path := range []string{"/nope", "/users/bob/nope", "/account/nope", "/api/nope"} {
		if p := s.browser().get(path, false); p.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, p.status)
		}
	}
}

func TestNewInstallGoesToSetup(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	if p := b.get("/users", false); p.status != http.StatusSeeOther || p.header.Get("Location") != "/setup" {
		t.Fatalf("%d %s", p.status, p.header.Get("Location"))
	}
	p := b.post("/setup", url.Values{"login": {"olga"}, "password": {pw}, "security_code": {"000000x"}})
	if p.status != http.StatusForbidden && p.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", p.status)
	}
	if p.doc.Find("#security_code").AttrOr("aria-invalid", "") != "true" || p.doc.Find("#login").AttrOr("value", "") != "olga" {
		t.Fatal("error not on the code field, or the typed login lost")
	}
	s.operator()
	if p := s.browser().get("/setup", false); p.status != http.StatusSeeOther {
		t.Fatalf("setup still open: %d", p.status)
	}
}

func TestOperatorPagesRefusedToOthers(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	s.member("bob")
	who := map[string]*browser{"anonymous": s.browser(), "guest": s.guest(), "user": s.member("carl")}
	gets := []string{"/users/new", "/users/bob/edit", "/users/bob/delete", "/settings"}
	posts := map[string]url.Values{
		"/users/new":        {"login": {"x1"}, "password": {pw}, "type": {"0"}},
		"/users/bob/edit":   {"login": {"bob"}, "type": {"0"}, "nickname": {"pwned"}},
		"/users/bob/delete": {},
		"/settings":         {"frontend_mode": {"0"}},
	}
	for name, b := range who {
		for _, hx := range []bool{false, true} {
			for _, path := range gets {
				p := b.get(path, hx)
				toLogin := strings.HasPrefix(p.header.Get("Location")+p.header.Get("HX-Redirect"), "/login")
				if !(p.status == http.StatusForbidden || toLogin && name == "anonymous") {
					t.Errorf("%s GET %s (hx %v): %d", name, path, hx, p.status)
				}
			}
		}
		for path, form := range posts {
			p := b.post(path, form)
			toLogin := strings.HasPrefix(p.header.Get("Location"), "/login")
			if !(p.status == http.StatusForbidden || toLogin && name == "anonymous") {
				t.Errorf("%s POST %s: %d", name, path, p.status)
			}
		}
	}
	// Nothing changed.
	p := op.get("/users/bob", false)
	if p.status != 200 || strings.Contains(p.body, "pwned") || strings.Contains(p.body, ">Operator<") {
		t.Fatalf("bob changed: %d", p.status)
	}
	if s.svc.Settings().FrontendMode != 2 {
		t.Fatal("settings changed")
	}
}

func TestCSRF(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	form := url.Values{"frontend_mode": {"0"}}
	cases := map[string]func(*http.Request){
		"missing": func(r *http.Request) {},
		"forged":  func(r *http.Request) { r.Header.Set("X-CSRF-Token", "forged-token") },
		"cross-site": func(r *http.Request) {
			r.Header.Set("X-CSRF-Token", op.csrf())
			r.Header.Set("Origin", "https://evil.example")
		},
		"fetch metadata": func(r *http.Request) {
			r.Header.Set("X-CSRF-Token", op.csrf())
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		},
		"other session's token": func(r *http.Request) { r.Header.Set("X-CSRF-Token", s.browser().csrf()) },
	}
	for name, set := range cases {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/settings", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		set(req)
		if p := op.do(req); p.status != http.StatusForbidden {
			t.Errorf("%s: %d", name, p.status)
		}
	}
	if s.svc.Settings().FrontendMode != 2 {
		t.Fatal("a refused request changed the settings")
	}
	// The header form works, as htmx sends it.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/settings", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", op.csrf())
	if p := op.do(req); p.status != 200 || p.header.Get("HX-Redirect") != "/settings" {
		t.Fatalf("htmx save: %d %v", p.status, p.header)
	}
	if s.svc.Settings().FrontendMode != 0 {
		t.Fatal("not saved")
	}
}

func TestPayloadsRenderInert(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	bob := s.member("bob")
	nick := `<script>alert("nick")</script>`
	bio := `<img src=x onerror=alert("bio")>`
	p := bob.post("/account", url.Values{"nickname": {nick}, "bio": {bio}, "flag_public": {"on"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", p.status, p.doc.Find(".error").Text())
	}
	for _, path := range []string{"/users", "/users?q=bob", "/users/bob", "/users/bob/edit", "/users/bob/delete"} {
		for _, hx := range []bool{false, true} {
			p := op.get(path, hx)
			if p.status != 200 {
				t.Fatalf("%s: %d", path, p.status)
			}
			if strings.Contains(p.body, nick) || strings.Contains(p.body, "<img src=x") {
				t.Errorf("%s: payload unescaped", path)
			}
			p.doc.Find("script").Each(func(_ int, sel *goquery.Selection) {
				if strings.Contains(sel.Text(), "alert") {
					t.Errorf("%s: payload became a script", path)
				}
			})
			if p.doc.Find("[onerror]").Length() > 0 {
				t.Errorf("%s: an onerror attribute exists", path)
			}
		}
	}
	if title := op.get("/users/bob", false).doc.Find("title").Text(); !strings.Contains(title, "<script>") {
		t.Errorf("title should show the nickname as text: %q", title)
	}
	if !strings.Contains(op.get("/users/bob/delete", false).doc.Find("main").Text(), nick) {
		t.Error("the confirmation does not name the user")
	}
}

func TestNextOnlyFollowsLocalPaths(t *testing.T) {
	s := newSite(t)
	s.operator()
	s.member("bob")
	for next, want := range map[string]string{
		"/account": "/account", "//evil.example": "/users", "https://evil.example/": "/users",
		`/\evil.example`: "/users", "javascript:alert(1)": "/users", "": "/users",
	} {
		b := s.browser()
		p := b.post("/login", url.Values{"username": {"bob"}, "password": {pw}, "next": {next}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != want {
			t.Errorf("next %q: %d %q", next, p.status, p.header.Get("Location"))
		}
	}
}

func TestCookieReplay(t *testing.T) {
	s := newSite(t)
	s.operator()
	replay := func(b *browser) *browser {
		c := s.browser()
		u, _ := url.Parse(s.srv.URL)
		c.client.Jar.SetCookies(u, b.client.Jar.Cookies(u))
		return c
	}
	opens := func(b *browser) bool { return b.get("/account", false).status == 200 }

	bob := s.member("bob")
	copyBob := replay(bob)
	bob.post("/logout", url.Values{})
	if opens(copyBob) {
		t.Fatal("cookie replayed after logout opens the account")
	}

	carl := s.member("carl")
	other := s.browser() // carl in another browser: a session of its own
	other.post("/login", url.Values{"username": {"carl"}, "password": {pw}})
	if !opens(other) {
		t.Fatal("second browser not logged in")
	}
	if p := carl.post("/account/password", url.Values{"old_password": {pw}, "password": {"a new password"}}); p.status != http.StatusSeeOther {
		t.Fatalf("password change: %d %s", p.status, p.body)
	}
	if opens(other) {
		t.Fatal("old cookie works after a password change")
	}
	if !opens(carl) {
		t.Fatal("the browser that changed the password was logged out")
	}

	// Demotion: an operator made a user loses the session at once.
	s.member("eve")
	if _, err := s.svc.Edit(context.Background(), "eve", users.Patch{Type: users.Some(users.TypeOperator)}); err != nil {
		t.Fatal(err)
	}
	eve := s.browser()
	eve.post("/login", url.Values{"username": {"eve"}, "password": {pw}})
	if eve.get("/settings", false).status != 200 {
		t.Fatal("promoted operator cannot open settings")
	}
	if _, err := s.svc.Edit(context.Background(), "eve", users.Patch{Type: users.Some(users.TypeUser)}); err != nil {
		t.Fatal(err)
	}
	if p := eve.get("/settings", false); p.status == 200 || opens(eve) {
		t.Fatalf("demoted operator's session lives on: settings %d", p.status)
	}

	// A reset with the security code, through the panel's form.
	fay := s.member("fay")
	reset := s.browser().post("/reset-password", url.Values{"username": {"fay"}, "password": {"reset password"}, "security_code": {s.code()}})
	if reset.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", reset.status)
	}
	if opens(fay) {
		t.Fatal("session survives a password reset")
	}

	dave := s.member("dave")
	ghost := replay(dave)
	dave.post("/account/delete", url.Values{"password": {pw}})
	s.member("dave") // same name again: the old cookie must not open it
	if opens(ghost) {
		t.Fatal("cookie of a deleted user opens an account")
	}
}

func TestFragmentsAndPages(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	full := op.get("/users?q=ol", false)
	frag := op.get("/users?q=ol", true)
	if full.doc.Find("html").Length() == 0 || full.doc.Find("[data-testid=user-search]").Length() != 1 {
		t.Fatal("plain request did not get a page")
	}
	if strings.Contains(frag.body, "<html") || frag.doc.Find("#user-table").Length() != 1 ||
		frag.doc.Find("[data-testid=pagination]").Length() != 2 { // above and below the table
		t.Fatalf("htmx request did not get the fragment: %s", frag.body[:min(200, len(frag.body))])
	}
	if frag.doc.Find(`[data-testid=user-row][data-login=olga]`).Length() != 1 {
		t.Fatal("search result missing")
	}
	// Every page: a CSP without inline script, and no inline script to need it.
	for _, path := range []string{"/users", "/users/olga", "/account", "/settings", "/users/new", "/login", "/signup"} {
		p := op.get(path, false)
		csp := p.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || p.header.Get("X-Content-Type-Options") != "nosniff" ||
			p.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, p.header)
		}
		p.doc.Find("script").Each(func(_ int, sel *goquery.Selection) {
			if _, ok := sel.Attr("src"); !ok {
				t.Errorf("%s: inline script", path)
			}
		})
		p.doc.Find("*").Each(func(_ int, sel *goquery.Selection) {
			for _, a := range sel.Nodes[0].Attr {
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
					t.Errorf("%s: inline handler %s", path, a.Key)
				}
			}
		})
	}
}

func TestClosedFrontend(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	bob := s.member("bob")
	op.post("/settings", url.Values{"frontend_mode": {"0"}})
	if p := bob.get("/users", false); p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "closed") {
		t.Fatalf("user in closed mode: %d", p.status)
	}
	if p := op.get("/users", false); p.status != 200 {
		t.Fatalf("operator in closed mode: %d", p.status)
	}
	if p := s.browser().get("/login", false); p.status != 200 {
		t.Fatal("login closed too: operators could not get in")
	}
}

func TestGuestSeesPublicUsersOnly(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	s.member("bob")
	carl := s.member("carl")
	carl.post("/account", url.Values{"nickname": {"carl"}})
	g := s.guest()
	p := g.get("/users", false)
	if p.doc.Find(`[data-login=bob]`).Length() != 1 || p.doc.Find(`[data-login=carl]`).Length() != 0 {
		t.Fatal("guest list wrong: private carl shown or public bob missing")
	}
	if g.get("/users/carl", false).status != 404 {
		t.Fatal("private profile shown to a guest")
	}
	if op.get("/users/carl", false).status != 200 {
		t.Fatal("operator cannot see a private profile")
	}
	if g.get("/account", false).status != http.StatusForbidden {
		t.Fatal("guest opened /account")
	}
}

func TestFormErrorsKeepInput(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	p := op.post("/users/new", url.Values{"login": {"Bad Login!"}, "nickname": {"Kept"}, "type": {"1"}, "password": {pw}})
	if p.status != http.StatusUnprocessableEntity || p.doc.Find("#login").AttrOr("aria-invalid", "") != "true" ||
		p.doc.Find("#nickname").AttrOr("value", "") != "Kept" {
		t.Fatalf("%d", p.status)
	}
	p = op.post("/users/new", url.Values{"login": {"pat"}, "type": {"1"}, "password": {"short"}})
	if p.doc.Find("#password-error").Length() != 1 {
		t.Fatal("password error not on the password field")
	}
}

func TestOnlineLoginUsesTheServerField(t *testing.T) {
	s := newSite(t)
	s.operator()
	b := s.browser()
	p := b.post("/login", url.Values{"username": {"dan"}, "server": {"kara.moe"}, "password": {pw}})
	if p.status != http.StatusGatewayTimeout || !strings.Contains(p.doc.Find("[data-testid=login-form]").Text(), "not responding") {
		t.Fatalf("online login without its server: %d", p.status)
	}
	p = b.post("/login", url.Values{"username": {"dan"}, "server": {"evil.example"}, "password": {pw}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("a server off the allowed list was tried: %d", p.status)
	}
}

// TestPanelRequestsCountAsActivity: "online now" follows panel use too.
func TestPanelRequestsCountAsActivity(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	bob := s.member("bob")
	s.clock.Add(20 * time.Minute)
	online := func() bool { return op.get("/users?online=1&q=bob", false).doc.Find("[data-login=bob]").Length() == 1 }
	if online() {
		t.Fatal("still online after the window")
	}
	if bob.get("/account", false).status != 200 {
		t.Fatal("bob's session ended")
	}
	if !online() {
		t.Fatal("a panel request did not count as activity")
	}
}
