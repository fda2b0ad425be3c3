package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// Issue 15, "Broken today" 2, 3, 6, 7 and 8 over HTTP; the browser test
// (panel_fit_browser_test.go) proves width, focus, dark mode and axe.

// multipartPost sends fields in order, with an avatar of size bytes after
// the field named before ("" puts it first).
func (b *browser) multipartPost(path string, fields [][2]string, before string, size int) page {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	file := func() {
		fw, _ := mw.CreateFormFile("avatar", "big.png")
		chunk := make([]byte, 1<<20)
		rand.Read(chunk)
		for n := 0; n < size; n += len(chunk) {
			fw.Write(chunk[:min(len(chunk), size-n)])
		}
	}
	if before == "" && size > 0 {
		file()
	}
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
		if f[0] == before && size > 0 {
			file()
		}
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func TestAvatarOverTheLimitIsAFieldError(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	tok := bob.csrf()
	form := [][2]string{{"_csrf", tok}, {"nickname", "Bobby"}, {"bio", "kept after the picture"}}
	// As a browser sends it: the token first, the picture, then the profile.
	p := bob.multipartPost("/account", form, "_csrf", 12<<20)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("12 MiB avatar: %d %s", p.status, p.doc.Find("main").Text())
	}
	if msg := p.doc.Find("#avatar-error").Text(); !strings.Contains(msg, "too big (max 8 MiB)") {
		t.Fatalf("avatar message: %q", msg)
	}
	if p.doc.Find("#nickname").AttrOr("value", "") != "Bobby" || p.doc.Find("#bio").Text() != "kept after the picture" {
		t.Fatalf("the other fields were not kept: %q %q", p.doc.Find("#nickname").AttrOr("value", ""), p.doc.Find("#bio").Text())
	}
	if u, _ := s.svc.UserByLogin(context.Background(), "bob"); u.Nickname != "bob" {
		t.Fatalf("saved despite the refused picture: %q", u.Nickname)
	}
	// The token is still checked, wherever it is in the form.
	bad := [][2]string{{"_csrf", "forged"}, {"nickname", "Bobby"}}
	if p := bob.multipartPost("/account", bad, "_csrf", 12<<20); p.status != http.StatusForbidden {
		t.Fatalf("forged token with a big picture: %d", p.status)
	}
	last := [][2]string{{"nickname", "Bobby"}, {"_csrf", tok}}
	if p := bob.multipartPost("/account", last, "", 9<<20); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.doc.Find("#avatar-error").Text(), "too big") {
		t.Fatalf("token after the picture: %d", p.status)
	}
	// Past what any form may send: a styled refusal, not a raw error.
	if p := bob.multipartPost("/account", form, "_csrf", 70<<20); p.status != http.StatusRequestEntityTooLarge ||
		p.doc.Find("main h1").Length() != 1 {
		t.Fatalf("70 MiB: %d", p.status)
	}
}

func TestFormErrorsAreAllShownWithTheirLabels(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	f := url.Values{"nickname": {"bob"}, "url": {"ftp://example.com"}, "bio": {strings.Repeat("b", 2001)},
		"social_discord": {strings.Repeat("d", 300)}, "social_kitsu": {strings.Repeat("k", 300)}}
	p := bob.post("/account", f)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.status)
	}
	want := map[string]string{"url": "Website", "bio": "About me", "social_discord": "Discord", "social_kitsu": "Kitsu"}
	for field, label := range want {
		msg := p.doc.Find("#" + field + "-error").Text()
		if !strings.HasPrefix(msg, label+" ") {
			t.Errorf("%s: message %q does not start with the label %q", field, msg, label)
		}
		if p.doc.Find(`[data-testid=error-summary] a[href="#`+field+`"]`).Text() != msg {
			t.Errorf("%s: not linked from the summary", field)
		}
		if p.doc.Find("#"+field).AttrOr("aria-describedby", "") == "" {
			t.Errorf("%s: the message is not tied to its field", field)
		}
	}
	if sum := p.doc.Find("[data-testid=error-summary]"); sum.AttrOr("autofocus", "x") == "x" || sum.AttrOr("tabindex", "") != "-1" {
		t.Error("the summary is not focused")
	}
	if body := p.doc.Find("main").Text(); strings.Contains(body, "Url") || strings.Contains(body, "Social_networks") {
		t.Errorf("internal names shown: %q", p.doc.Find("[data-testid=error-summary]").Text())
	}
}

func TestPostOnlyAddressesAnswerGet(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	for path, to := range map[string]string{"/account/password": "/account", "/account/convert": "/account",
		"/account/sessions/end-all": "/account", "/login/guest": "/login", "/users/bob/sessions/x/end": "/users/bob"} {
		if p := bob.get(path, false); p.status != http.StatusSeeOther || p.header.Get("Location") != to {
			t.Errorf("GET %s: %d %s", path, p.status, p.header.Get("Location"))
		}
	}
	p := bob.get("/logout", false)
	if p.status != http.StatusOK || p.doc.Find("main [data-testid=logout-form]").Length() != 1 {
		t.Fatalf("GET /logout: %d %s", p.status, p.body)
	}
	if !opensAccount(bob) {
		t.Fatal("GET /logout logged out")
	}
}

func TestOperatorEditPage(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	s.member("bob")
	p := op.get("/users/bob/edit", false)
	label := func(p page, id string) string { return p.doc.Find(`label[for=` + id + `]`).Text() }
	if l := label(p, "bio"); l != "About" {
		t.Errorf("bio label for an operator: %q", l)
	}
	if l := label(p, "flag_public"); strings.Contains(l, "my") {
		t.Errorf("flag_public label for an operator: %q", l)
	}
	// The built-in admin: no field or page that can only be refused.
	p = op.get("/users/admin/edit", false)
	if p.status != http.StatusOK || p.doc.Find("#login, #type, #password").Length() != 0 || p.doc.Find("[data-testid=admin-note]").Length() != 1 {
		t.Fatalf("admin edit page: %d, %d impossible fields", p.status, p.doc.Find("#login, #type, #password").Length())
	}
	if p := op.post("/users/admin/edit", formValues(p.doc, "[data-testid=profile-form]")); p.status != http.StatusSeeOther {
		t.Fatalf("saving admin's profile as shown: %d %s", p.status, p.doc.Find("[data-testid=error-summary]").Text())
	}
	if p := op.get("/users/admin/delete", false); p.status != http.StatusForbidden || p.doc.Find("form button.danger").Length() != 0 {
		t.Fatalf("admin delete page: %d", p.status)
	}
	// Cancel goes back where the operator came from.
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/users/bob/delete", nil)
	req.Header.Set("Referer", s.srv.URL+"/users?q=bo")
	if href := op.do(req).doc.Find(".actions a").AttrOr("href", ""); href != "/users?q=bo" {
		t.Errorf("cancel: %q", href)
	}
	if href := op.get("/users/bob/delete", false).doc.Find(".actions a").AttrOr("href", ""); href != "/users/bob" {
		t.Errorf("cancel without a referer: %q", href)
	}
}

func TestSelfDemotionIsConfirmed(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	p := op.get("/users/olga/edit", false)
	f := formValues(p.doc, "[data-testid=profile-form]")
	f.Set("type", "1")
	p = op.post("/users/olga/edit", f)
	if p.status != http.StatusUnprocessableEntity || p.doc.Find("[data-testid=confirm-demote] input[name=confirm_demote]").Length() != 1 ||
		p.doc.Find("#type-error").Length() != 1 {
		t.Fatalf("first save: %d", p.status)
	}
	if u, _ := s.svc.UserByLogin(context.Background(), "olga"); u.Type != users.TypeOperator {
		t.Fatal("demoted without confirmation")
	}
	// With htmx, the warning comes as soon as the role changes.
	if w := op.get("/users/olga/role-warning?type=1", true); !strings.Contains(w.body, "operator rights") {
		t.Fatalf("htmx warning: %q", w.body)
	}
	if w := op.get("/users/olga/role-warning?type=0", true); strings.Contains(w.body, "operator rights") {
		t.Fatal("warning while keeping the role")
	}
	f = formValues(p.doc, "[data-testid=profile-form]")
	f.Set("confirm_demote", "yes")
	if p := op.post("/users/olga/edit", f); p.status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d %s", p.status, p.doc.Find("[data-testid=error-summary]").Text())
	}
	if u, _ := s.svc.UserByLogin(context.Background(), "olga"); u.Type != users.TypeUser {
		t.Fatal("not demoted after confirmation")
	}
}

func TestFormsHelpBrowsersAndPasswordManagers(t *testing.T) {
	s := newSite(t)
	s.operator()
	p := s.browser().get("/login", false)
	attr := func(p page, sel, name string) string { return p.doc.Find(sel).AttrOr(name, "") }
	for sel, want := range map[string]string{"#username": "username", "#password": "current-password", "#security_code": "one-time-code"} {
		if got := attr(p, sel, "autocomplete"); got != want {
			t.Errorf("login %s autocomplete=%q", sel, got)
		}
	}
	if attr(p, "#security_code", "inputmode") != "numeric" {
		t.Error("security code without inputmode=numeric")
	}
	if href := attr(p, `link[rel=icon]`, "href"); href == "" {
		t.Error("no favicon")
	} else if r := s.browser().get(href, false); r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %s", r.status, r.header.Get("Content-Type"))
	}
	p = s.browser().get("/signup", false)
	if attr(p, "#password", "autocomplete") != "new-password" || attr(p, "#password", "minlength") != "8" ||
		attr(p, "#password", "maxlength") != "72" || attr(p, "#nickname", "maxlength") != "64" {
		t.Error("sign-up password or nickname limits missing")
	}
	bob := s.member("bob")
	if p := bob.get("/login", false); !strings.Contains(p.doc.Find("[data-testid=logged-in-as]").Text(), "bob") {
		t.Error("/login does not say who is logged in")
	}
	p = bob.get("/account", false)
	if attr(p, "#bio", "maxlength") != "2000" || attr(p, "#url", "maxlength") != "500" || attr(p, "#social_discord", "maxlength") != "100" {
		t.Error("profile limits missing")
	}
}

func TestSmallThings(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	if p := b.post("/setup", url.Values{"login": {"Olga"}, "password": {pw}, "security_code": {s.code()}}); p.status != http.StatusSeeOther {
		t.Fatalf("setup: %d", p.status)
	}
	if u, err := s.svc.UserByLogin(context.Background(), "olga"); err != nil || u.Nickname != "Olga" {
		t.Fatalf("setup nickname: %+v %v", u, err)
	}
	g := s.guest()
	if p := g.get("/users", false); !strings.Contains(p.doc.Find("[data-testid=guest-note]").Text(), "guest") ||
		p.doc.Find("[data-testid=guest-note] a[href='/signup']").Length() != 1 {
		t.Error("a guest is not told")
	}
	// Online conversion only where it can work.
	bob := s.member("bob")
	if p := bob.get("/account", false); p.doc.Find("[data-testid=convert-online-form] #instance").AttrOr("value", "") != "kara.moe" {
		t.Error("the server to convert to is not shown")
	}
	set := s.svc.Settings()
	set.OnlineAccountsEnabled = false
	if err := s.svc.SaveSettings(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	if p := bob.get("/account", false); p.doc.Find("[data-testid=convert-online-form]").Length() != 0 {
		t.Error("conversion offered while online accounts are disabled")
	}
	// Closed: operators see a banner; /login offers nothing that ends on "closed".
	set.FrontendMode = users.FrontendClosed
	if err := s.svc.SaveSettings(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/settings", false); p.doc.Find("[data-testid=closed-banner]").Length() != 1 {
		t.Error("no closed banner for the operator")
	}
	p := s.browser().get("/login", false)
	if p.doc.Find("form[action='/login/guest'], a[href='/signup']").Length() != 0 {
		t.Error("/login offers guest or sign-up while closed")
	}
}
