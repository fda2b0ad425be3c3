package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/internal/web"
)

// site is a whole server (API and panel) on a fresh database.
type site struct {
	t      testing.TB
	srv    *httptest.Server
	svc    *users.Service
	db     *store.Store
	log    *testkit.Buffer
	dbPath string
	clock  *testkit.Clock
	web    *web.Handler
}

func newSite(t testing.TB) *site {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := testkit.DB(t)
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lb := &testkit.Buffer{}
	log := lb.Logger()
	av, err := avatars.New(filepath.Join(dir, "avatars"), db, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	clk := testkit.NewClock(time.Now())
	bus := events.New()
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("j"), 32), Log: log, Avatars: av, Now: clk.Now,
		SignupBurst: 1 << 20, Events: bus})
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(svc, av, bytes.Repeat([]byte("h"), 64), bytes.Repeat([]byte("b"), 32), log).Live(bus)
	e := server.New(server.Deps{API: api.New(svc, log), DB: db, Log: log, Uploads: av, Avatars: av, Web: h})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	t.Cleanup(h.StopLive) // first: open event streams would hold Close
	return &site{t: t, srv: srv, svc: svc, db: db, log: lb, dbPath: dbPath, clock: clk, web: h}
}

func (s *site) code() string {
	return s.log.LastCode(testkit.OperatorCode)
}

// browser is one visitor with a cookie jar that does not follow redirects.
type browser struct {
	s      *site
	client *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(body))
	return page{status: resp.StatusCode, header: resp.Header, body: string(body), doc: doc}
}

func (b *browser) get(path string, hx bool) page {
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	if hx {
		req.Header.Set("HX-Request", "true")
	}
	return b.do(req)
}

// csrf reads the token from a page of this browser's session.
func (b *browser) csrf() string {
	p := b.get("/login", false)
	if p.status == http.StatusSeeOther { // before setup, everything leads there
		p = b.get(p.header.Get("Location"), false)
	}
	tok, _ := p.doc.Find(`input[name=_csrf]`).First().Attr("value")
	if tok == "" {
		b.s.t.Fatalf("no csrf token on /login: %d", p.status)
	}
	return tok
}

// post sends a form with this session's CSRF token (unless the form has one).
func (b *browser) post(path string, form url.Values) page {
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

const pw = "correct horse"

// operator sets the site up with its first operator and returns its browser.
func (s *site) operator() *browser {
	b := s.browser()
	p := b.post("/setup", url.Values{"login": {"olga"}, "password": {pw}, "security_code": {s.code()}})
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("setup: %d %s", p.status, p.body)
	}
	return b
}

// member signs up a user and returns its logged-in browser.
func (s *site) member(login string) *browser {
	b := s.browser()
	p := b.post("/signup", url.Values{"login": {login}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("signup %s: %d %s", login, p.status, p.body)
	}
	return b
}

func (s *site) guest() *browser {
	b := s.browser()
	if p := b.post("/login/guest", url.Values{}); p.status != http.StatusSeeOther {
		s.t.Fatalf("guest login: %d", p.status)
	}
	return b
}
