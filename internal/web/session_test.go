package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

func cookieValue(b *browser) string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "kmusers_session" {
			return c.Value
		}
	}
	return ""
}

// sessionSetCookie is the Set-Cookie of the session (a login also sets the
// device cookie).
func sessionSetCookie(p page) string {
	for _, c := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "kmusers_session=") {
			return c
		}
	}
	return ""
}

func TestSessionRotationAndLifetimes(t *testing.T) {
	s := newSite(t)
	s.operator()
	s.member("bob")
	b := s.browser()
	before, beforeCSRF := cookieValue(b), b.csrf()
	p := b.post("/login", url.Values{"username": {"bob"}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.status)
	}
	setCookie := sessionSetCookie(p)
	if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
		t.Fatalf("cookie flags: %s", setCookie)
	}
	if cookieValue(b) == before || b.csrf() == beforeCSRF {
		t.Fatal("session or CSRF token not rotated at login")
	}
	// Idle: two hours without a request end the session.
	if b.get("/account", false).status != 200 {
		t.Fatal("fresh session refused")
	}
	s.clock.Add(2*time.Hour + time.Minute)
	if b.get("/account", false).status == 200 {
		t.Fatal("idle session still open")
	}
	// Absolute: a browser session (no "remember me") ends after a day even
	// when used every hour; "remember me" lasts 30 days.
	short, long := s.browser(), s.browser()
	short.post("/login", url.Values{"username": {"bob"}, "password": {pw}})
	p = long.post("/login", url.Values{"username": {"bob"}, "password": {pw}, "remember": {"on"}})
	if !strings.Contains(sessionSetCookie(p), "Max-Age=2592000") {
		t.Fatalf("remember me cookie: %s", sessionSetCookie(p))
	}
	for i := 0; i < 25; i++ {
		s.clock.Add(time.Hour)
		long.get("/account", false)
		short.get("/account", false)
	}
	if short.get("/account", false).status == 200 {
		t.Fatal("browser session outlived its day")
	}
	if long.get("/account", false).status != 200 {
		t.Fatal("remembered session ended early")
	}
}

func TestPanelAvatarUploadRefusesNonImages(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	send := func(name string, data []byte) page {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("_csrf", bob.csrf())
		mw.WriteField("nickname", "bob")
		fw, _ := mw.CreateFormFile("avatar", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/account", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return bob.do(req)
	}
	for name, data := range map[string][]byte{
		"x.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"x.png": []byte("<html><script>alert(1)</script>"),
	} {
		p := send(name, data)
		if p.status != http.StatusUnprocessableEntity || p.doc.Find("#avatar-error").Length() != 1 {
			t.Errorf("%s: %d", name, p.status)
		}
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 40, 30)))
	if p := send("ok.png", img.Bytes()); p.status != http.StatusSeeOther {
		t.Fatalf("a real PNG: %d", p.status)
	}
	if src, _ := bob.get("/account", false).doc.Find("#avatar-preview").Attr("src"); src == "/avatars/blank.png" {
		t.Fatal("avatar not saved")
	}
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	s := newSite(t)
	s.operator()
	viaProxy := func() string {
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/login", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		return s.browser().do(req).header.Get("Set-Cookie")
	}
	// A client's own X-Forwarded-Proto is not believed.
	if c := viaProxy(); strings.Contains(c, "Secure") || strings.HasPrefix(c, "__Host-") {
		t.Fatalf("X-Forwarded-Proto from an untrusted client believed: %s", c)
	}
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	s.web.TrustProxies([]*net.IPNet{loopback})
	c := viaProxy()
	if !strings.Contains(c, "; Secure") || !strings.HasPrefix(c, "__Host-kmusers_session=") {
		t.Fatalf("no Secure __Host- cookie behind a trusted HTTPS proxy: %s", c)
	}
	if strings.Contains(s.browser().get("/login", false).header.Get("Set-Cookie"), "Secure") {
		t.Fatal("Secure on plain HTTP: the cookie would never come back")
	}
}

func TestSignupWithTheAccountCode(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	op.post("/settings", url.Values{"frontend_mode": {"2"}, "allow_user_creation": {"on"}, "require_security_code": {"on"},
		"online_accounts_enabled": {"on"}, "online_default_host": {"kara.moe"}})
	b := s.browser()
	if b.get("/signup", false).doc.Find("#security_code").Length() != 1 {
		t.Fatal("the sign-up form does not ask for the code")
	}
	p := b.post("/signup", url.Values{"login": {"newbie"}, "password": {pw}})
	if p.status == http.StatusSeeOther || p.doc.Find("#security_code-error").Length() != 1 {
		t.Fatalf("sign-up without the code: %d", p.status)
	}
	code := s.log.LastCode(testkit.AccountCode)
	if p := b.post("/signup", url.Values{"login": {"newbie"}, "password": {pw}, "security_code": {code}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign-up with the code: %d %s", p.status, p.doc.Find(".error").Text())
	}
}
