package main

import (
	"bytes"
	"encoding/json"
	"image/color"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kmusers/kmusers/internal/testkit"
)

// socketPushes connects a raw socket.io client (engine.io v4 over a
// websocket) to p and sends each push it receives on the channel.
func socketPushes(t *testing.T, p *proc) <-chan string {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.base, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	read := func() string {
		_ = ws.SetReadDeadline(time.Now().Add(20 * time.Second)) // a bound on a hang
		_, m, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("socket.io: %v", err)
		}
		return string(m)
	}
	if m := read(); !strings.HasPrefix(m, "0{") {
		t.Fatalf("engine.io open: %q", m)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		t.Fatal(err)
	}
	if m := read(); !strings.HasPrefix(m, "40") {
		t.Fatalf("socket.io connect: %q", m)
	}
	out := make(chan string, 64)
	go func() {
		defer close(out)
		for {
			_, m, err := ws.ReadMessage()
			if err != nil {
				return
			}
			switch s := string(m); {
			case s == "2":
				_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))
			case strings.HasPrefix(s, "42"):
				out <- s[2:]
			}
		}
	}()
	return out
}

// TestTwoProcessesOnePostgreSQL runs two kmusers processes over one
// PostgreSQL database, each with its own data dir: they behave as one.
func TestTwoProcessesOnePostgreSQL(t *testing.T) {
	db := testkit.DBOn(t, testkit.Postgres) // fails without KMUSERS_TEST_PG (see testkit)
	a := start(t, t.TempDir(), "--db", db)
	b := start(t, t.TempDir(), "--db", db)

	// Security codes stay per process: each logs its own, and A's code
	// works on A.
	if a.code(t) == b.code(t) {
		t.Log("both processes drew the same code (one run in a million)")
	}
	if r := a.command(t, "", "createUser", map[string]any{"login": "olga", "password": "operator pw",
		"role": "admin", "securityCode": a.code(t)}); r.status != 200 {
		t.Fatalf("create operator on A: %d %s", r.status, r.Data)
	}

	// Log in on A, use the token on B.
	op := a.login(t, "olga", "operator pw")
	if r := b.command(t, op, "checkAuth", nil); r.status != 200 {
		t.Fatalf("A's token on B: %d %s", r.status, r.Data)
	}
	for _, u := range []string{"bob", "vic"} {
		if r := b.command(t, op, "createUser", map[string]any{"login": u, "password": u + " password"}); r.status != 200 {
			t.Fatalf("create %s on B: %d %s", u, r.status, r.Data)
		}
	}

	// A live event from A reaches a socket.io client of B.
	pushes := socketPushes(t, b)
	if r := a.command(t, op, "editUser", map[string]any{"old_login": "bob", "bio": "edited on A"}); r.status != 200 {
		t.Fatalf("edit on A: %d %s", r.status, r.Data)
	}
	for got := false; !got; {
		select {
		case m, ok := <-pushes:
			if !ok {
				t.Fatal("B's socket closed")
			}
			got = m == `["userUpdated","bob"]`
		case <-time.After(20 * time.Second): // a bound on a hang
			t.Fatal("the edit on A never reached B's socket.io client")
		}
	}

	// Settings saved in A's panel hold on B once B's clients are told.
	jar, _ := cookiejar.New(nil)
	panel := &http.Client{Jar: jar}
	panelForm(t, panel, a.base, "/login", url.Values{"username": {"olga"}, "password": {"operator pw"}})
	if r := panelForm(t, panel, a.base, "/settings", url.Values{"frontend_mode": {"2"}, "allow_guest_login": {"on"},
		"online_accounts_enabled": {"on"}, "online_default_host": {"kara.moe"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("settings on A: %d", r.StatusCode) // allow_user_creation left off
	}
	for got := false; !got; {
		select {
		case m, ok := <-pushes:
			if !ok {
				t.Fatal("B's socket closed")
			}
			got = m == `["settingsUpdated"]`
		case <-time.After(20 * time.Second): // a bound on a hang
			t.Fatal("the settings saved on A were never pushed by B")
		}
	}
	if r := b.command(t, "", "createUser", map[string]any{"login": "walkin", "password": "walk in password"}); r.status == 200 {
		t.Fatal("B still lets strangers create accounts after A turned it off")
	}

	// Change the password on B: the old token dies on A.
	bob := a.login(t, "bob", "bob password")
	if r := b.command(t, op, "editUser", map[string]any{"old_login": "bob", "password": "a new bob password"}); r.status != 200 {
		t.Fatalf("password change on B: %d %s", r.status, r.Data)
	}
	if r := a.command(t, bob, "checkAuth", nil); r.status == 200 {
		t.Fatal("bob's old token still works on A after the password change on B")
	}

	// A brute force split over A and B is locked as against one: the
	// account's budget is 10 failures, 5 on each process.
	for i := range 10 {
		p := a
		if i%2 == 1 {
			p = b
		}
		if r := p.command(t, "", "login", map[string]any{"username": "vic", "password": "guess"}); r.status == 200 || r.status == 429 {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	for _, p := range []*proc{a, b} {
		if r := p.command(t, "", "login", map[string]any{"username": "vic", "password": "vic password"}); r.status != 429 {
			t.Fatalf("the 11th try, right password: %d %s, want 429", r.status, r.Data)
		}
	}

	// An avatar uploaded on A is served by B.
	bob = a.login(t, "bob", "a new bob password")
	ct, body := multipartFile(t, "file", testPNG(t, color.NRGBA{200, 10, 10, 255}))
	var up struct{ Filename string }
	if st := rest(t, "POST", a.base+"/api/importfile", bob, ct, body, &up); st != 200 || up.Filename == "" {
		t.Fatalf("upload on A: %d", st)
	}
	if r := b.command(t, bob, "editMyAccount", map[string]any{"avatar": up.Filename}); r.status != 200 {
		t.Fatalf("A's upload chosen on B: %d %s", r.status, r.Data)
	}
	r := b.command(t, bob, "getUser", map[string]any{"username": "bob"})
	var me struct {
		AvatarFile string `json:"avatar_file"`
	}
	if r.status != 200 || json.Unmarshal(r.Data, &me) != nil || me.AvatarFile == "" || me.AvatarFile == "blank.png" {
		t.Fatalf("getUser on B: %d %s", r.status, r.Data)
	}
	var served [][]byte
	for _, p := range []*proc{a, b} {
		resp, err := http.Get(p.base + "/avatars/" + me.AvatarFile)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(img) < 100 || resp.Header.Get("ETag") == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
			t.Fatalf("avatar from %s: %d, %d bytes, %v", p.base, resp.StatusCode, len(img), resp.Header)
		}
		served = append(served, img)
		req, _ := http.NewRequest("GET", p.base+"/avatars/"+me.AvatarFile, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 304 {
			t.Fatalf("If-None-Match on %s: %d", p.base, resp.StatusCode)
		}
	}
	if !bytes.Equal(served[0], served[1]) {
		t.Fatal("A and B serve different bytes for one avatar")
	}
}
