package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// These tests hold the built binary, started with its default flags, to the
// contract (SPEC.md) from outside, the way a client that only read the
// contract would use it: every one of them failed before its fix.

// message is the message of a command's answer: {"code": ..., "data": ...}.
func (a answer) message(t *testing.T) (code string, data json.RawMessage) {
	t.Helper()
	var d struct {
		Message struct {
			Code string          `json:"code"`
			Data json.RawMessage `json:"data"`
		} `json:"message"`
	}
	if err := json.Unmarshal(a.Data, &d); err != nil {
		t.Fatalf("not a message: %s", a.Data)
	}
	return d.Message.Code, d.Message.Data
}

// TestContractCreateUserAnswersOnlyItsCodes: createUser is "anyone", and
// its errors are the ones §4 lists, none of them 429. A client on the
// server's own machine (a KM app beside it, a test suite) signs up many
// accounts and tries many refused ones without being throttled; addresses
// of the network keep their per-address rate (internal/api tests).
func TestContractCreateUserAnswersOnlyItsCodes(t *testing.T) {
	p := start(t, t.TempDir())
	for i := range 12 {
		if a := p.command(t, "", "createUser", map[string]any{"login": fmt.Sprintf("Bad Login %d", i), "password": "a long enough password"}); a.status != 400 {
			t.Fatalf("invalid login %d: %d %s", i, a.status, a.Data)
		}
		if a := p.command(t, "", "createUser", map[string]any{"login": fmt.Sprintf("shorty%d", i), "password": "short"}); a.status != 411 {
			t.Fatalf("short password %d: %d %s", i, a.status, a.Data)
		}
	}
	for i := range 25 {
		if a := p.command(t, "", "createUser", map[string]any{"login": fmt.Sprintf("singer%d", i), "password": "a long enough password"}); a.status != 200 {
			t.Fatalf("sign-up %d: %d %s", i, a.status, a.Data)
		}
	}
}

// TestContractInvisibleNicknameTwins: §2 "so `Ａdmin`, Cyrillic `Аdmin` and
// `Admin` with a zero-width space all collide with `Admin`": a nickname that
// is another user's name once its invisible characters are taken out is
// NICKNAME_ALREADY_IN_USE (createUser) or USER_EDIT_ERROR with that data
// (editMyAccount, editUser); one that collides with nobody is still refused.
func TestContractInvisibleNicknameTwins(t *testing.T) {
	p := start(t, t.TempDir())
	if a := p.command(t, "", "createUser", map[string]any{"login": "olga", "password": "a long enough password", "nickname": "Star Singer"}); a.status != 200 {
		t.Fatalf("olga: %d %s", a.status, a.Data)
	}
	for _, nick := range []string{"Star\u200b Singer", "Sta\u200dr Singer", "\u200bStar Singer", "Ad\u200bmin", "Administrat\u2060or"} {
		a := p.command(t, "", "createUser", map[string]any{"login": "mallory", "password": "a long enough password", "nickname": nick})
		if code, _ := a.message(t); a.status != 409 || code != "NICKNAME_ALREADY_IN_USE" {
			t.Errorf("createUser nickname %q: %d %s, want 409 NICKNAME_ALREADY_IN_USE", nick, a.status, a.Data)
		}
	}
	if a := p.command(t, "", "createUser", map[string]any{"login": "mallory", "password": "a long enough password", "nickname": "Nobody\u200bElse"}); a.status != 400 {
		t.Errorf("an invisible character colliding with nobody: %d %s, want 400", a.status, a.Data)
	}
	if a := p.command(t, "", "createUser", map[string]any{"login": "mallory", "password": "a long enough password"}); a.status != 200 {
		t.Fatalf("mallory: %d %s", a.status, a.Data)
	}
	mallory := p.login(t, "mallory", "a long enough password")
	a := p.command(t, mallory, "editMyAccount", map[string]any{"nickname": "Star Singer\u200b"})
	if code, data := a.message(t); a.status != 409 || code != "USER_EDIT_ERROR" || string(data) != `"NICKNAME_ALREADY_IN_USE"` {
		t.Errorf("editMyAccount: %d %s, want 409 USER_EDIT_ERROR NICKNAME_ALREADY_IN_USE", a.status, a.Data)
	}
	// Her own nickname with an invisible character is no collision: refused as invalid.
	if a := p.command(t, mallory, "editMyAccount", map[string]any{"nickname": "mal\u200blory"}); a.status != 400 {
		t.Errorf("her own name with an invisible character: %d %s, want 400", a.status, a.Data)
	}
}

var userRowLogin = regexp.MustCompile(`data-testid="user-row"[^>]*data-login="([^"]+)"|data-login="([^"]+)"[^>]*data-testid="user-row"`)

func panelRows(t *testing.T, c *http.Client, u string) []string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", u, resp.StatusCode)
	}
	var rows []string
	for _, m := range userRowLogin.FindAllStringSubmatch(string(body), -1) {
		rows = append(rows, m[1]+m[2])
	}
	return rows
}

// TestContractUserListFindsEveryone: §6 /users "operators see everyone",
// with a search and a type filter: the 40 guests made at first start are
// users like the others, found by their name and listed under type 2 even
// before anyone used them.
func TestContractUserListFindsEveryone(t *testing.T) {
	p := start(t, t.TempDir())
	if a := p.command(t, "", "createUser", map[string]any{"login": "olga", "password": "operator password", "role": "admin", "securityCode": p.code(t)}); a.status != 200 {
		t.Fatalf("olga: %d %s", a.status, a.Data)
	}
	op := p.login(t, "olga", "operator password")
	a := p.command(t, op, "getUsers", map[string]any{"type": 2})
	var guests []struct{ Login, Nickname string }
	if a.status != 200 || json.Unmarshal(a.Data, &guests) != nil || len(guests) < 40 {
		t.Fatalf("getUsers type 2: %d, %d guests", a.status, len(guests))
	}
	jar, _ := cookiejar.New(nil)
	panel := &http.Client{Jar: jar}
	if r := panelForm(t, panel, p.base, "/login", url.Values{"username": {"olga"}, "password": {"operator password"}}); r.StatusCode != 200 {
		t.Fatalf("panel login: %d", r.StatusCode)
	}
	if rows := panelRows(t, panel, p.base+"/users?type=2&per_page=100"); len(rows) != len(guests) {
		t.Errorf("/users?type=2: %d rows, getUsers has %d guests", len(rows), len(guests))
	}
	// The filters are everyone's (§6 lists them before who sees what): a
	// user filtering by type sees the public guests, and only guests.
	if a := p.command(t, "", "createUser", map[string]any{"login": "bob", "password": "a long enough password"}); a.status != 200 {
		t.Fatalf("bob: %d %s", a.status, a.Data)
	}
	bobJar, _ := cookiejar.New(nil)
	bobPanel := &http.Client{Jar: bobJar}
	if r := panelForm(t, bobPanel, p.base, "/login", url.Values{"username": {"bob"}, "password": {"a long enough password"}}); r.StatusCode != 200 {
		t.Fatalf("bob's panel login: %d", r.StatusCode)
	}
	if rows := panelRows(t, bobPanel, p.base+"/users?type=2&per_page=100"); len(rows) != len(guests) || slices.Contains(rows, "bob") {
		t.Errorf("bob's /users?type=2: %d rows (%v), want the %d guests", len(rows), rows, len(guests))
	}
	g := guests[len(guests)-1]
	word := strings.ToUpper(strings.Fields(g.Nickname)[0])
	if rows := panelRows(t, panel, p.base+"/users?per_page=200&q="+url.QueryEscape(word)); !slices.Contains(rows, g.Login) {
		t.Errorf("/users?q=%s: %v, want %s among them", word, rows, g.Login)
	}
}

// TestContractRefusedUploadsCostNoTry: §5 answers an upload that is not an
// image 415 or 400, nothing else; a user who sent many files the server
// refused from their first bytes still uploads an avatar (the rate bounds
// the images it decodes).
func TestContractRefusedUploadsCostNoTry(t *testing.T) {
	p := start(t, t.TempDir())
	if a := p.command(t, "", "createUser", map[string]any{"login": "bob", "password": "a long enough password"}); a.status != 200 {
		t.Fatalf("bob: %d %s", a.status, a.Data)
	}
	bob := p.login(t, "bob", "a long enough password")
	refused := map[string][]byte{"svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "text": []byte("not an image at all"),
		"png header only": testPNG(t, color.NRGBA{1, 2, 3, 255})[:20]}
	for i := range 10 {
		for name, data := range refused {
			ct, body := multipartFile(t, "file", data)
			if st := rest(t, "POST", p.base+"/api/importfile", bob, ct, body, nil); st != 415 && st != 400 {
				t.Fatalf("%s #%d: %d, want 415 or 400", name, i, st)
			}
		}
	}
	ct, body := multipartFile(t, "file", testPNG(t, color.NRGBA{200, 10, 10, 255}))
	var up struct{ Filename string }
	if st := rest(t, "POST", p.base+"/api/importfile", bob, ct, body, &up); st != 200 || up.Filename == "" {
		t.Fatalf("a real image after 30 refused files: %d", st)
	}
}

// TestContractEditRefusesWrongTypesAsEditErrors: §4 editUser "400
// USER_EDIT_ERROR (invalid value; data names the field)", which
// editMyAccount shares: a value of the wrong type is an invalid value.
func TestContractEditRefusesWrongTypesAsEditErrors(t *testing.T) {
	p := start(t, t.TempDir())
	if a := p.command(t, "", "createUser", map[string]any{"login": "olga", "password": "operator password", "role": "admin", "securityCode": p.code(t)}); a.status != 200 {
		t.Fatalf("olga: %d %s", a.status, a.Data)
	}
	if a := p.command(t, "", "createUser", map[string]any{"login": "bob", "password": "a long enough password"}); a.status != 200 {
		t.Fatalf("bob: %d %s", a.status, a.Data)
	}
	op, bob := p.login(t, "olga", "operator password"), p.login(t, "bob", "a long enough password")
	for _, c := range []struct {
		token, cmd string
		args       map[string]any
		field      string
	}{
		{bob, "editMyAccount", map[string]any{"flag_public": "yes"}, "flag_public"},
		{bob, "editMyAccount", map[string]any{"bio": 42}, "bio"},
		{bob, "editMyAccount", map[string]any{"social_networks": "discord"}, "social_networks"},
		{op, "editUser", map[string]any{"login": "bob", "type": "admin"}, "type"},
		{op, "editUser", map[string]any{"login": "bob", "flag_parentsonly": 1}, "flag_parentsonly"},
	} {
		a := p.command(t, c.token, c.cmd, c.args)
		code, data := a.message(t)
		var fields map[string]string
		if a.status != 400 || code != "USER_EDIT_ERROR" || json.Unmarshal(data, &fields) != nil || fields[c.field] == "" {
			t.Errorf("%s %v: %d %s, want 400 USER_EDIT_ERROR naming %s", c.cmd, c.args, a.status, a.Data, c.field)
		}
	}
}

// TestContractHeadAnswersLikeGet: the pages, /healthz and avatars answer
// HEAD with the status and headers of their GET (the headers §6 asks of
// every page can be checked with curl -I), and no body.
func TestContractHeadAnswersLikeGet(t *testing.T) {
	p := start(t, t.TempDir())
	for path, wantType := range map[string]string{"/healthz": "text/plain", "/login": "text/html", "/avatars/blank.png": "image/png"} {
		resp, err := http.Head(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), wantType) ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || len(body) != 0 {
			t.Errorf("HEAD %s: %d %q, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
	}
	resp, err := http.Head(p.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("HEAD /login: CSP %q", csp)
	}
	if r, err := http.Get(p.base + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("GET after HEAD: %v %v", r, err)
	} else if b, _ := io.ReadAll(r.Body); string(b) != "ok" {
		t.Errorf("GET /healthz: %q", b)
	}
}
