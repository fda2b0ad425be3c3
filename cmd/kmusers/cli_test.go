package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// panelForm reads a panel page and posts its form with the page's CSRF
// token, as a browser would.
func panelForm(t *testing.T, c *http.Client, base, page string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.Get(base + page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field on %s", page)
	}
	form.Set("_csrf", string(m[1]))
	resp, err = c.PostForm(base+page, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The command-line tools run beside a live server on the same data dir: they
// must not do the server's start-up work. Before, reset-password deleted the
// server's temporary guests (their tokens died), swept avatar files that an
// upload was writing, and logged a security code that no server accepts.
func TestCommandLineBesideARunningServer(t *testing.T) {
	data := t.TempDir()
	p := start(t, data)
	if a := p.command(t, "", "createUser", map[string]any{"login": "olga", "password": "operator pw", "role": "admin",
		"securityCode": p.code(t)}); a.status != 200 {
		t.Fatalf("create operator: %d %s", a.status, a.Data)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	panelForm(t, browser, p.base, "/login", url.Values{"username": {"olga"}, "password": {"operator pw"}})
	if r := panelForm(t, browser, p.base, "/settings", url.Values{"frontend_mode": {"2"}, "allow_guest_login": {"on"},
		"allow_temporary_guests": {"on"}, "allow_user_creation": {"on"}, "online_accounts_enabled": {"on"},
		"online_default_host": {"kara.moe"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", r.StatusCode)
	}
	a := p.command(t, "", "loginGuest", map[string]any{"name": "Zoé"})
	if a.status != 200 {
		t.Fatalf("temporary guest: %d %s", a.status, a.Data)
	}
	var guest struct{ Token string }
	if err := json.Unmarshal(a.Data, &guest); err != nil || guest.Token == "" {
		t.Fatalf("loginGuest: %s", a.Data)
	}
	zoe := guest.Token
	if a := p.command(t, "", "createUser", map[string]any{"login": "bob", "password": "bob password"}); a.status != 200 {
		t.Fatalf("create bob: %d %s", a.status, a.Data)
	}
	// An upload being written: the server's temp file, not yet renamed.
	writing := filepath.Join(data, "avatars", ".upload-123456")
	if err := os.WriteFile(writing, []byte("half an image"), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(buildBinary(t), "reset-password", "bob", "--data", data)
	cmd.Stdin = strings.NewReader("bob's new password\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("reset-password: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "code:") || strings.Contains(string(out), "temporary guests removed") {
		t.Fatalf("the tool did the server's start-up work:\n%s", out)
	}
	if a := p.command(t, zoe, "checkAuth", nil); a.status != 200 {
		t.Fatalf("the temporary guest lost her account to the tool: %d %s", a.status, a.Data)
	}
	if _, err := os.Stat(writing); err != nil {
		t.Fatalf("the tool swept a file the server was writing: %v", err)
	}
	p.login(t, "bob", "bob's new password")
}

// The tool says what is true of each account it refuses.
func TestResetPasswordToolRefusals(t *testing.T) {
	data := t.TempDir()
	run := func(login string) string {
		cmd := exec.Command(buildBinary(t), "reset-password", login, "--data", data)
		cmd.Stdin = strings.NewReader("a fine password\n")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("reset-password %s succeeded:\n%s", login, out)
		}
		return string(out)
	}
	if out := run("admin"); !strings.Contains(out, "admin account is protected") {
		t.Fatalf("admin: %s", out)
	}
	guest := firstGuest(t, data)
	if out := run(guest); !strings.Contains(out, "guests have no password") || strings.Contains(out, "admin") {
		t.Fatalf("guest %s: %s", guest, out)
	}
	if out := run("nobody"); !strings.Contains(out, "user not found") {
		t.Fatalf("unknown: %s", out)
	}
}

// firstGuest starts the server once to learn a guest's login.
func firstGuest(t *testing.T, data string) string {
	t.Helper()
	p := start(t, data)
	a := p.command(t, "", "loginGuest", nil)
	if a.status != 200 {
		t.Fatalf("loginGuest: %d %s", a.status, a.Data)
	}
	var r struct{ Username string }
	if err := json.Unmarshal(a.Data, &r); err != nil || r.Username == "" {
		t.Fatalf("loginGuest: %s", a.Data)
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	return r.Username
}
