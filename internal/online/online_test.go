package online_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/mail"
	"github.com/kmusers/kmusers/internal/online"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

const pw = "a fine password"

// mails records what the host queues (the SMTP side is tested in package mail).
type mails struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mails) Enqueue(msg mail.Message) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return true
}

func (m *mails) list() []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail.Message(nil), m.sent...)
}

// instance is one kmusers instance over a fresh SQLite file, serving the
// host routes on a real loopback listener.
type instance struct {
	svc   *users.Service
	srv   *httptest.Server
	mails *mails
	clock *testkit.Clock
	log   *testkit.Buffer
}

func newInstance(t *testing.T, remote users.Remote) *instance {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lb := &testkit.Buffer{}
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	av, err := avatars.New(filepath.Join(t.TempDir(), "avatars"), db, clk.Now, lb.Logger())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"),
		Log: lb.Logger(), Now: clk.Now, Avatars: av, Remote: remote, AvatarIO: online.Avatars{Service: av}})
	if err != nil {
		t.Fatal(err)
	}
	m := &mails{}
	e := server.New(server.Deps{API: api.New(svc, lb.Logger()), DB: db, Log: lb.Logger(), Uploads: av, Avatars: av,
		Online: online.NewHost(svc, av, m, "https://karaoke.example.org", lb.Logger())})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &instance{svc: svc, srv: srv, mails: m, clock: clk, log: lb}
}

func (in *instance) user(t *testing.T, login string) {
	t.Helper()
	if err := in.svc.Create(context.Background(), users.System(), users.NewAccount{Login: login, Password: pw}); err != nil {
		t.Fatal(err)
	}
}

func newClient(t *testing.T, resolve map[string]string) *online.Client {
	t.Helper()
	c, err := online.NewClient(resolve, (&testkit.Buffer{}).Logger())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func call(t *testing.T, method, u, token, ct string, body io.Reader) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func js(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

func hostLogin(t *testing.T, in *instance, name, password string) string {
	t.Helper()
	st, out := call(t, "POST", in.srv.URL+"/api/auth/login", "", "application/json", js(map[string]string{"username": name, "password": password}))
	tok, _ := out["token"].(string)
	if st != 200 || tok == "" || out["username"] != name {
		t.Fatalf("host login %s: %d %v", name, st, out)
	}
	return tok
}

func TestHostRoutesKeepTheRules(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	h.user(t, "ann")
	ctx := context.Background()

	// Create through the host: the same rules as a sign-up.
	for _, c := range []struct {
		body   map[string]string
		status int
		code   string
	}{
		{map[string]string{"login": "bob", "password": pw}, 200, "USER_CREATED"},
		{map[string]string{"login": "BOB", "password": pw}, 409, "USER_ALREADY_EXISTS"},
		{map[string]string{"login": "cy", "password": "short"}, 400, "PASSWORD_TOO_SHORT"},
		{map[string]string{"login": "dee@elsewhere.org", "password": pw}, 400, "USER_LOGIN_INVALID"},
		{map[string]string{"login": "admin", "password": pw}, 409, "USER_ALREADY_EXISTS"},
	} {
		st, out := call(t, "POST", h.srv.URL+"/api/users", "", "application/json", js(c.body))
		if st != c.status || out["code"] != c.code {
			t.Fatalf("create %v: %d %v", c.body, st, out)
		}
	}
	// A form body, as older KM apps send.
	st, _ := call(t, "POST", h.srv.URL+"/api/users", "", "application/x-www-form-urlencoded", strings.NewReader("login=eve&password=a+fine+password"))
	if st != 200 {
		t.Fatalf("form create: %d", st)
	}

	// Public profiles: no e-mail, no hash; private, admin and guests are 404.
	tok := hostLogin(t, h, "ann", pw)
	if st, _ := call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/json", js(map[string]any{"email": "ann@example.com", "bio": "hi"})); st != 200 {
		t.Fatalf("edit: %d", st)
	}
	st, out := call(t, "GET", h.srv.URL+"/api/users/ANN", "", "", nil)
	if _, hasEmail := out["email"]; st != 200 || hasEmail || out["password"] != nil || out["bio"] != "hi" {
		t.Fatalf("public profile: %d %v", st, out)
	}
	st, out = call(t, "GET", h.srv.URL+"/api/myaccount", tok, "", nil)
	if st != 200 || out["email"] != "ann@example.com" || out["password"] != nil {
		t.Fatalf("my account: %d %v", st, out)
	}
	for _, name := range []string{"admin", "nobody", "ann@elsewhere.org"} {
		if st, _ := call(t, "GET", h.srv.URL+"/api/users/"+name, "", "", nil); st != 404 {
			t.Fatalf("%s: %d", name, st)
		}
	}
	if _, err := h.svc.EditHosted(ctx, mustUser(t, h, "bob"), users.Patch{FlagPublic: users.Some(false)}); err != nil {
		t.Fatal(err)
	}
	if st, _ := call(t, "GET", h.srv.URL+"/api/users/bob", "", "", nil); st != 404 {
		t.Fatalf("private profile: %d", st)
	}
	req, _ := http.NewRequest("GET", h.srv.URL+"/api/users?filter=&size=50", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	var logins []string
	for _, u := range list {
		logins = append(logins, u["login"].(string))
		if _, ok := u["email"]; ok {
			t.Fatal("an e-mail in the search")
		}
	}
	if strings.Join(logins, ",") != "ann,eve" {
		t.Fatalf("search: %v", logins)
	}

	// Edits: only the token's own account.
	if st, _ := call(t, "PATCH", h.srv.URL+"/api/users/eve", tok, "application/json", js(map[string]any{"bio": "x"})); st != 403 {
		t.Fatalf("edit of another account: %d", st)
	}
	if st, _ := call(t, "PATCH", h.srv.URL+"/api/users/ann", "", "application/json", js(map[string]any{"bio": "x"})); st != 401 {
		t.Fatalf("edit without a token: %d", st)
	}
	if st, out := call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/json", js(map[string]any{"location": "XX"})); st != 400 {
		t.Fatalf("invalid value: %d %v", st, out)
	}
	// A new password: a new token; the old one is dead.
	st, out = call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/json", js(map[string]any{"password": "another fine one"}))
	newTok, _ := out["token"].(string)
	if st != 200 || newTok == "" {
		t.Fatalf("password edit: %d %v", st, out)
	}
	if st, _ := call(t, "GET", h.srv.URL+"/api/auth/check", tok, "", nil); st != 401 {
		t.Fatalf("old token after a password change: %d", st)
	}
	if st, out := call(t, "GET", h.srv.URL+"/api/auth/check", newTok, "", nil); st != 200 || out["username"] != "ann" {
		t.Fatalf("check: %d %v", st, out)
	}

	// Avatar through the pipeline.
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 40, 30)))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("avatarfile", "../../etc/passwd")
	_, _ = fw.Write(img.Bytes())
	_ = mw.WriteField("nickname", "Ann A")
	_ = mw.Close()
	st, out = call(t, "PATCH", h.srv.URL+"/api/users/ann", newTok, mw.FormDataContentType(), &body)
	u, _ := out["user"].(map[string]any)
	if st != 200 || u == nil || u["nickname"] != "Ann A" || u["avatar_file"] == "blank.png" || strings.Contains(u["avatar_file"].(string), "/") {
		t.Fatalf("avatar edit: %d %v", st, out)
	}
	body.Reset()
	mw = multipart.NewWriter(&body)
	fw, _ = mw.CreateFormFile("avatarfile", "x.svg")
	_, _ = fw.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	_ = mw.Close()
	if st, _ := call(t, "PATCH", h.srv.URL+"/api/users/ann", newTok, mw.FormDataContentType(), &body); st != 400 {
		t.Fatalf("svg avatar: %d", st)
	}

	// Login: throttled like the command API; online copies never log in here.
	if st, _ := call(t, "POST", h.srv.URL+"/api/auth/login", "", "application/json", js(map[string]string{"username": "admin", "password": pw})); st != 401 {
		t.Fatalf("admin login: %d", st)
	}
	last := 0
	for i := 0; i < 12; i++ {
		last, _ = call(t, "POST", h.srv.URL+"/api/auth/login", "", "application/json", js(map[string]string{"username": "eve", "password": "wrong password"}))
	}
	if last != 429 {
		t.Fatalf("no throttling: %d", last)
	}

	// Delete: the token's own account.
	eveTok := ""
	h.clock.Add(time.Hour) // the throttle forgets
	eveTok = hostLogin(t, h, "eve", pw)
	if st, _ := call(t, "DELETE", h.srv.URL+"/api/users", eveTok, "", nil); st != 200 {
		t.Fatalf("delete: %d", st)
	}
	if st, _ := call(t, "GET", h.srv.URL+"/api/users/eve", "", "", nil); st != 404 {
		t.Fatalf("deleted account still there: %d", st)
	}
}

func mustUser(t *testing.T, in *instance, login string) *users.User {
	t.Helper()
	u, err := in.svc.UserByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestHostOffIsAClear403(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	h.user(t, "ann")
	st := h.svc.Settings()
	st.OnlineAccountsEnabled = false
	if err := h.svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"POST", "/api/users"}, {"GET", "/api/users/ann"}, {"GET", "/api/users"},
		{"PATCH", "/api/users/ann"}, {"DELETE", "/api/users"}, {"POST", "/api/users/ann/resetpassword"},
		{"POST", "/api/auth/login"}, {"GET", "/api/auth/check"}, {"GET", "/api/myaccount"}, {"POST", "/api/myaccount/myanime"}} {
		st, out := call(t, r[0], h.srv.URL+r[1], "", "application/json", js(map[string]string{"username": "ann", "password": pw}))
		if st != 403 || out["code"] != "ONLINE_ACCOUNTS_DISABLED" {
			t.Fatalf("%v: %d %v", r, st, out)
		}
	}
}

func TestResetMailTellsNothingAndNamesTheInstance(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	h.user(t, "ann")
	h.user(t, "noaddress")
	tok := hostLogin(t, h, "ann", pw)
	call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/json", js(map[string]any{"email": "ann@example.com"}))
	var answers []string
	for _, name := range []string{"ann", "nobody", "noaddress", "admin"} {
		st, out := call(t, "POST", h.srv.URL+"/api/users/"+name+"/resetpassword", "", "", nil)
		b, _ := json.Marshal(out)
		answers = append(answers, string(b))
		if st != 200 || answers[0] != answers[len(answers)-1] {
			t.Fatalf("%s: %d %s (first %s)", name, st, b, answers[0])
		}
	}
	sent := h.mails.list()
	if len(sent) != 1 || sent[0].To != "ann@example.com" || !strings.Contains(sent[0].Text, "karaoke.example.org") ||
		!strings.Contains(sent[0].HTML, "karaoke.example.org") || !strings.Contains(sent[0].Text, "https://karaoke.example.org/reset/") {
		t.Fatalf("mails: %+v", sent)
	}
	if strings.Contains(h.log.String(), sent[0].Text[strings.Index(sent[0].Text, "/reset/")+7:][:20]) {
		t.Fatal("the reset token reached the log")
	}
}

// faultyHost answers every request in one bad way.
func faultyHost(t *testing.T, mode string) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch mode {
		case "junk":
			_, _ = w.Write([]byte("<html>not json"))
		case "500":
			w.WriteHeader(500)
		case "huge":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"token":"`))
			_, _ = w.Write(bytes.Repeat([]byte("x"), 9<<20))
		case "slow":
			w.WriteHeader(200)
			for {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		case "redirect":
			http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestClientFaultsAreUnreachable(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"junk", "500", "huge", "slow", "redirect"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv, hits := faultyHost(t, mode)
			c := newClient(t, map[string]string{"bad.test": srv.URL})
			ctx := context.Background()
			start := time.Now()
			if _, err := c.Login(ctx, "bad.test", "ann", pw); !errors.Is(err, users.ErrUnreachable) {
				t.Fatalf("login: %v", err)
			}
			if d := time.Since(start); d > online.QuickTimeout+time.Second {
				t.Fatalf("login took %v", d)
			}
			if _, err := c.Check(ctx, "bad.test", "tok"); !errors.Is(err, users.ErrUnreachable) {
				t.Fatalf("check: %v", err)
			}
			if mode == "slow" {
				return // the slow calls take their 10 s: the two above prove the deadline
			}
			if _, err := c.Account(ctx, "bad.test", "tok"); !errors.Is(err, users.ErrUnreachable) {
				t.Fatalf("account: %v", err)
			}
			if _, err := c.Exists(ctx, "bad.test", "ann"); !errors.Is(err, users.ErrUnreachable) {
				t.Fatalf("exists: %v", err)
			}
			if err := c.Create(ctx, "bad.test", "ann", pw); !errors.Is(err, users.ErrUnreachable) && mode != "junk" && mode != "redirect" {
				t.Fatalf("create: %v", err)
			}
			if hits.Load() == 0 {
				t.Fatal("the mapped host was not contacted")
			}
		})
	}
}

// TestClientNeverDialsPrivateAddresses: names that are not mapped reach
// only public addresses, checked on the address dialled.
func TestClientNeverDialsPrivateAddresses(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := newClient(t, map[string]string{"mapped.test": "http://" + ln.Addr().String()})
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "0.0.0.0:" + port} {
		if _, err := c.Login(context.Background(), host, "eve", pw); !errors.Is(err, users.ErrUnreachable) {
			t.Fatalf("%s: %v", host, err)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections to a loopback address", n)
	}
	if !c.Mapped("MAPPED.test") || c.Mapped("127.0.0.1:"+port) {
		t.Fatal("mapping")
	}
	for ip, public := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true, "127.0.0.1": false, "10.1.2.3": false, "192.168.1.1": false,
		"172.16.0.1": false, "169.254.169.254": false, "100.64.0.1": false, "::1": false, "fe80::1": false,
		"fd00::1": false, "::ffff:127.0.0.1": false, "0.0.0.0": false, "64:ff9b::a00:1": false,
	} {
		if online.PublicIP(net.ParseIP(ip)) != public {
			t.Errorf("%s public: want %v", ip, public)
		}
	}
}

func TestParseResolve(t *testing.T) {
	t.Parallel()
	m, err := online.ParseResolve(" Kara.test=http://127.0.0.1:8080/ , other.test=https://10.0.0.1 ")
	if err != nil || m["kara.test"] != "http://127.0.0.1:8080" || m["other.test"] != "https://10.0.0.1" {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{"kara.test", "kara.test=ftp://x", "=http://x", "kara.test=http://"} {
		if _, err := online.ParseResolve(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestClientAgainstHost: every call of the client against a real host.
func TestClientAgainstHost(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	c := newClient(t, map[string]string{"host.test": h.srv.URL})
	ctx := context.Background()
	if ok, err := c.Exists(ctx, "host.test", "ann"); ok || err != nil {
		t.Fatalf("exists before: %v %v", ok, err)
	}
	if err := c.Create(ctx, "host.test", "ann", pw); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "host.test", "ann", pw); !errors.Is(err, users.ErrOnlineTaken) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := c.Login(ctx, "host.test", "ann", "wrong password"); !errors.Is(err, users.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	tok, err := c.Login(ctx, "host.test", "ann", pw)
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 20, 20)))
	newTok, acct, err := c.Edit(ctx, "host.test", "ann", tok, users.Patch{Bio: users.Some("hello"), Password: users.Some("new password!")}, img.Bytes())
	if err != nil || newTok == "" || acct.Login != "ann" || acct.AvatarFile == "blank.png" {
		t.Fatalf("edit: %q %+v %v", newTok, acct, err)
	}
	if v, _ := acct.Profile.Bio.Value(); v != "hello" {
		t.Fatalf("bio %q", v)
	}
	if ok, err := c.Check(ctx, "host.test", tok); ok || err != nil {
		t.Fatalf("old token: %v %v", ok, err)
	}
	if ok, err := c.Check(ctx, "host.test", newTok); !ok || err != nil {
		t.Fatalf("new token: %v %v", ok, err)
	}
	got, err := c.Account(ctx, "host.test", newTok)
	if err != nil || got.AvatarFile != acct.AvatarFile {
		t.Fatalf("account: %+v %v", got, err)
	}
	if data, err := c.Avatar(ctx, "host.test", got.AvatarFile); err != nil || len(data) == 0 {
		t.Fatalf("avatar: %v", err)
	}
	if _, err := c.Avatar(ctx, "host.test", "../secrets.json"); err == nil {
		t.Fatal("a path as an avatar name")
	}
	if err := c.RequestReset(ctx, "host.test", "ann"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "host.test", newTok); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Exists(ctx, "host.test", "ann"); ok || err != nil {
		t.Fatalf("exists after delete: %v %v", ok, err)
	}
}

// command runs a KM command on in, with both tokens in the KM form.
func command(t *testing.T, in *instance, token, onlineToken, cmd string, args any) (int, string, map[string]any) {
	t.Helper()
	st, out := call(t, "POST", in.srv.URL+"/api/command", "", "application/json",
		js(map[string]any{"cmd": cmd, "body": map[string]any{"authorization": token, "onlineAuthorization": onlineToken, "body": args}}))
	data, _ := out["data"].(map[string]any)
	msg, _ := data["message"].(map[string]any)
	code, _ := msg["code"].(string)
	return st, code, data
}

func TestAppSideCodes(t *testing.T) {
	t.Parallel()
	host := newInstance(t, nil)
	off := newInstance(t, nil)
	st := off.svc.Settings()
	st.OnlineAccountsEnabled = false
	_ = off.svc.SaveSettings(context.Background(), st)
	nothing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(nothing.Close)
	c := newClient(t, map[string]string{"host.test": host.srv.URL, "off.test": off.srv.URL, "nothing.test": nothing.URL})
	app := newInstance(t, c)
	host.user(t, "ann")

	for _, k := range []struct {
		login  string
		status int
		code   string
	}{
		{"ann@host.test", 409, "USER_ALREADY_EXISTS_ONLINE"},
		{"bob@off.test", 403, "USER_CREATE_ERROR_ONLINE_DISABLED"},
		{"bob@nothing.test", 504, "INSTANCE_NOT_RESPONDING"},
		{"admin@host.test", 403, "USER_CREATE_ERROR"},
		{"bob@unknown.test", 403, "USER_CREATE_ERROR"},
		{"bob@host.test", 200, "USER_CREATED"},
	} {
		if st, code, data := command(t, app, "", "", "createUser", map[string]any{"login": k.login, "password": pw}); st != k.status || code != k.code {
			t.Fatalf("%s: %d %s %v", k.login, st, code, data)
		}
	}
	if st, _ := call(t, "GET", host.srv.URL+"/api/users/bob", "", "", nil); st != 200 {
		t.Fatal("not created on the host")
	}
	st2, code, data := command(t, app, "", "", "login", map[string]any{"username": "bob@host.test", "password": pw})
	token, _ := data["token"].(string)
	onlineTok, _ := data["onlineToken"].(string)
	if st2 != 200 || token == "" || onlineTok == "" {
		t.Fatalf("login: %d %s %v", st2, code, data)
	}
	if st, code, _ := command(t, app, token, "", "editMyAccount", map[string]any{"bio": "x"}); st != 403 || code != "USER_EDIT_ERROR" {
		t.Fatalf("edit without the online token: %d %s", st, code)
	}
	if st, code, _ := command(t, app, token, onlineTok, "editMyAccount", map[string]any{"bio": strings.Repeat("x", 100000)}); st != 400 {
		t.Fatalf("invalid edit: %d %s", st, code)
	}
	if st, code, _ := command(t, app, token, onlineTok, "editMyAccount", map[string]any{"password": "newer password", "old_password": "wrong one!"}); st != 403 {
		t.Fatalf("wrong old password: %d %s", st, code)
	}
	if st, code, _ := command(t, app, "", "", "resetUserPassword", map[string]any{"username": "bob@nothing.test"}); st != 500 || code != "USER_RESETPASSWORD_ONLINE_ERROR" {
		t.Fatalf("reset on a dead host: %d %s", st, code)
	}
	// Back to local while the local name is taken: a free variant, said so.
	if st, code, _ := command(t, app, token, onlineTok, "editMyAccount", map[string]any{"nickname": "Bobby"}); st != 200 {
		t.Fatalf("edit: %d %s", st, code)
	}
	app.user(t, "bob")
	st3, code, data := command(t, app, token, onlineTok, "convertMyOnlineUserToLocal", map[string]any{"password": pw})
	msg, _ := data["message"].(map[string]any)
	md, _ := msg["data"].(map[string]any)
	if st3 != 200 || code != "USER_DELETED_ONLINE" || md["login"] != "bob-2" || md["renamed"] != true {
		t.Fatalf("convert to local: %d %s %v", st3, code, data)
	}
	if _, err := app.svc.Login(context.Background(), "1.1.1.1", "bob-2", pw, nil); err != nil {
		t.Fatalf("the password did not follow: %v", err)
	}
}

func TestClientCapsAvatarsAndReadsTerseHosts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/avatars/"):
			_, _ = w.Write(bytes.Repeat([]byte{0}, online.MaxAvatar+1))
		case r.Method == http.MethodPatch:
			_, _ = w.Write([]byte(`{"code": "USER_EDITED"}`)) // no profile in the answer
		case r.URL.Path == "/api/myaccount":
			_, _ = w.Write([]byte(`{"login": "ann", "nickname": "Ann", "bio": "fetched", "anime_list_ids": [1, 20, 300]}`))
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, map[string]string{"terse.test": srv.URL})
	if _, err := c.Avatar(context.Background(), "terse.test", "a.png"); !errors.Is(err, users.ErrUnreachable) {
		t.Fatalf("an avatar over 8 MiB: %v", err)
	}
	_, acct, err := c.Edit(context.Background(), "terse.test", "ann", "tok", users.Patch{Bio: users.Some("x")}, nil)
	if v, _ := acct.Profile.Bio.Value(); err != nil || acct.Login != "ann" || v != "fetched" || len(acct.AnimeListIDs) != 3 {
		t.Fatalf("%+v %v", acct, err)
	}
	// The app keeps the host's anime list with the profile.
	app := newInstance(t, c)
	ctx := context.Background()
	if _, err := app.svc.Login(ctx, "10.0.0.1", "ann@terse.test", pw, nil); err == nil {
		t.Fatal("no login answer, yet logged in") // the terse host has no /api/auth/login
	}
	u, _, err := app.svc.EditOnline(ctx, &users.User{Login: "ann@terse.test", Type: users.TypeUser}, "tok", users.Patch{Bio: users.Some("x")})
	if err != nil || len(u.AnimeListIDs) != 3 || u.AnimeListIDs[2] != 300 {
		t.Fatalf("synced anime list: %+v %v", u, err)
	}
}

func TestHostTakesFormBodies(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	h.user(t, "ann")
	st, out := call(t, "POST", h.srv.URL+"/api/auth/login", "", "application/x-www-form-urlencoded", strings.NewReader("username=ann&password=a+fine+password"))
	tok, _ := out["token"].(string)
	if st != 200 || tok == "" {
		t.Fatalf("form login: %d %v", st, out)
	}
	st, out = call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/x-www-form-urlencoded", strings.NewReader("bio=hello&flag_public=false"))
	u, _ := out["user"].(map[string]any)
	if st != 200 || u["bio"] != "hello" || u["flag_public"] != false {
		t.Fatalf("form edit: %d %v", st, out)
	}
}

// TestAllowedButPrivateIsNeverDialled: an operator may list a host whose
// name leads to this machine; without a mapping it is still never reached.
func TestAllowedButPrivateIsNeverDialled(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	app := newInstance(t, newClient(t, nil))
	st := app.svc.Settings()
	st.OnlineAllowedHosts = []string{"localhost:" + port, "127.0.0.1:" + port}
	if err := app.svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"eve@localhost:" + port, "eve@127.0.0.1:" + port} {
		if _, err := app.svc.Login(context.Background(), "10.0.0.1", who, pw, nil); !errors.Is(err, users.ErrUnreachable) {
			t.Fatalf("%s: %v", who, err)
		}
		if st, code, _ := command(t, app, "", "", "createUser", map[string]any{"login": who, "password": pw}); st != 504 {
			t.Fatalf("create %s: %d %s", who, st, code)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections", n)
	}
}

func TestHostTakesTheSecurityCodeOfNewAccounts(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	st := h.svc.Settings()
	st.RequireSecurityCode = true
	if err := h.svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if st, out := call(t, "POST", h.srv.URL+"/api/users", "", "application/json", js(map[string]any{"login": "ann", "password": pw})); st != 403 {
		t.Fatalf("no code: %d %v", st, out)
	}
	code := h.log.LastCode(testkit.AccountCode)
	if st, out := call(t, "POST", h.srv.URL+"/api/users", "", "application/json", js(map[string]any{"login": "ann", "password": pw, "securityCode": code})); st != 200 {
		t.Fatalf("with the code %q: %d %v", code, st, out)
	}
}

// TestFirstLoginsAtOnce: two first logins of one online account at the same
// moment both succeed, with one local copy.
func TestFirstLoginsAtOnce(t *testing.T) {
	t.Parallel()
	host := newInstance(t, nil)
	host.user(t, "ann")
	app := newInstance(t, newClient(t, map[string]string{"host.test": host.srv.URL}))
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			_, err := app.svc.Login(context.Background(), "10.0.0.1", "ann@host.test", pw, nil)
			errs <- err
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.svc.UserByLogin(context.Background(), "ann@host.test"); err != nil {
		t.Fatal(err)
	}
}
