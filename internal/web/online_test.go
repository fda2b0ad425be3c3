package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/online"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/internal/web"
)

// onlineSite is a whole instance (API, panel and the online host routes),
// whose online accounts live on the hosts that resolve maps.
func onlineSite(t *testing.T, resolve map[string]string) *site {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, testkit.DB(t))
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
	client, err := online.NewClient(resolve, log)
	if err != nil {
		t.Fatal(err)
	}
	clk := testkit.NewClock(time.Now())
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: bytes.Repeat([]byte("j"), 32), Log: log, Avatars: av,
		Now: clk.Now, Remote: client, AvatarIO: online.Avatars{Service: av}})
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(svc, av, bytes.Repeat([]byte("h"), 64), bytes.Repeat([]byte("b"), 32), log)
	s := &site{t: t, svc: svc, log: lb, clock: clk}
	e := server.New(server.Deps{API: api.New(svc, log), DB: db, Log: log, Uploads: av, Avatars: av, Web: h,
		Online: online.NewHost(svc, av, nil, "http://karaoke.test", log)})
	s.srv = httptest.NewServer(e)
	t.Cleanup(s.srv.Close)
	return s
}

func TestPanelOnlineAccounts(t *testing.T) {
	host := onlineSite(t, nil)
	host.operator()
	ctx := context.Background()
	if err := host.svc.Create(ctx, users.System(), users.NewAccount{Login: "ann", Password: pw, Nickname: "Annie"}); err != nil {
		t.Fatal(err)
	}
	app := onlineSite(t, map[string]string{"host.test": host.srv.URL})
	app.operator()

	// Online login through the login form's server field.
	b := app.browser()
	if p := b.post("/login", url.Values{"username": {"ann"}, "server": {"host.test"}, "password": {"wrong password"}}); p.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.status)
	}
	if p := b.post("/login", url.Values{"username": {"ann"}, "server": {"host.test"}, "password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("online login: %d %s", p.status, p.body)
	}
	p := b.get("/account", false)
	if !strings.Contains(p.doc.Find("[data-testid=account-home]").Text(), "host.test") ||
		p.doc.Find("[data-testid=convert-local-form]").Length() != 1 || p.doc.Find("#nickname").AttrOr("value", "") != "Annie" {
		t.Fatalf("account page of an online account: %d", p.status)
	}
	p = b.get("/users/ann@host.test", false)
	if !strings.Contains(p.doc.Find("[data-testid=account-home]").Text(), "hosted on host.test") {
		t.Fatalf("profile does not say where the account lives: %d", p.status)
	}
	// An edit in the panel goes to the host with the session's online token.
	if p := b.post("/account", url.Values{"nickname": {"Annie"}, "bio": {"edited in the panel"}, "flag_public": {"on"}}); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", p.status, p.doc.Find(".error").Text())
	}
	hosted, _ := host.svc.UserByLogin(ctx, "ann")
	if hosted.Bio == nil || *hosted.Bio != "edited in the panel" {
		t.Fatalf("host not updated: %v", hosted.Bio)
	}

	// Convert back to local, then to online again, with the buttons.
	if p := b.post("/account/convert", url.Values{"convert_password": {"wrong password"}}); p.status == http.StatusSeeOther {
		t.Fatal("converted with a wrong password")
	}
	if p := b.post("/account/convert", url.Values{"convert_password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("convert to local: %d %s", p.status, p.doc.Find(".error").Text())
	}
	p = b.get("/account", false)
	if p.status != http.StatusOK || p.doc.Find("[data-testid=convert-online-form]").Length() != 1 ||
		p.doc.Find("#instance").AttrOr("value", "") != "kara.moe" {
		t.Fatalf("after convert to local: %d", p.status)
	}
	if _, err := host.svc.UserByLogin(ctx, "ann"); err == nil {
		t.Fatal("the host account outlived the conversion")
	}
	if p := b.post("/account/convert", url.Values{"instance": {"host.test"}, "convert_password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("convert to online: %d %s", p.status, p.doc.Find(".error").Text())
	}
	p = b.get("/account", false)
	if !strings.Contains(p.doc.Find("[data-testid=account-home]").Text(), "host.test") {
		t.Fatalf("after convert to online: %d", p.status)
	}
	if h, err := host.svc.UserByLogin(ctx, "ann"); err != nil || h.Nickname != "Annie" {
		t.Fatalf("host copy: %+v %v", h, err)
	}

	// The host goes away: login works offline; an edit says why it cannot.
	host.srv.Close()
	off := app.browser()
	if p := off.post("/login", url.Values{"username": {"ann"}, "server": {"host.test"}, "password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("offline login: %d", p.status)
	}
	p = off.post("/account", url.Values{"nickname": {"Annie"}, "bio": {"offline edit"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.doc.Find("[data-testid=profile-form]").Text(), "log in again") {
		t.Fatalf("offline edit: %d", p.status)
	}
}

func TestPanelResetLink(t *testing.T) {
	s := onlineSite(t, nil)
	s.operator()
	ctx := context.Background()
	_ = s.svc.Create(ctx, users.System(), users.NewAccount{Login: "ann", Password: pw})
	ann, _ := s.svc.UserByLogin(ctx, "ann")
	if _, err := s.svc.EditHosted(ctx, ann, users.Patch{Email: users.Some("ann@example.com")}); err != nil {
		t.Fatal(err)
	}
	logged := s.browser()
	if p := logged.post("/login", url.Values{"username": {"ann"}, "password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.status)
	}
	rm, err := s.svc.RequestResetMail(ctx, "ann")
	if err != nil || rm == nil {
		t.Fatal(err)
	}
	b := s.browser()
	if p := b.get("/reset/not-a-token", false); p.status != http.StatusNotFound || p.doc.Find("[data-testid=reset-link-invalid]").Length() != 1 {
		t.Fatalf("unknown link: %d", p.status)
	}
	p := b.get("/reset/"+rm.Token, false)
	if p.status != http.StatusOK || p.doc.Find("[data-testid=reset-link-form]").Length() != 1 {
		t.Fatalf("reset page: %d", p.status)
	}
	tok := p.doc.Find("input[name=_csrf]").AttrOr("value", "")
	if p := b.post("/reset/"+rm.Token, url.Values{"_csrf": {tok}, "password": {"new password!"}, "password_again": {"other password"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("mismatch: %d", p.status)
	}
	if p := b.post("/reset/"+rm.Token, url.Values{"_csrf": {tok}, "password": {"new password!"}, "password_again": {"new password!"}}); p.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", p.status, p.doc.Find(".error").Text())
	}
	if p := logged.get("/account", false); p.status != http.StatusSeeOther {
		t.Fatalf("a session lives on after the reset: %d", p.status)
	}
	if p := b.get("/reset/"+rm.Token, false); p.status != http.StatusNotFound {
		t.Fatalf("a spent link: %d", p.status)
	}
}
