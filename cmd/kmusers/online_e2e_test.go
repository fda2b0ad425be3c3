package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

// startEnv runs the binary on addr with extra environment, and waits for
// /healthz.
func startEnv(t *testing.T, data, addr string, env []string) *proc {
	t.Helper()
	return startArgs(t, data, addr, env)
}

func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("unclean stop: %v", err)
	}
}

// onlineCommand is a command with the KM form's online token.
func (p *proc) onlineCommand(t *testing.T, token, onlineToken, cmd string, args any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": map[string]any{
		"authorization": token, "onlineAuthorization": onlineToken, "body": args}})
	resp, err := http.Post(p.base+"/api/command", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: not JSON: %s", cmd, b)
	}
	a.status = resp.StatusCode
	return a
}

// rest calls a host route; out, when not nil, receives the JSON answer.
func rest(t *testing.T, method, u, token, contentType string, body io.Reader, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, u, b)
		}
	}
	return resp.StatusCode
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

func testPNG(t *testing.T, c color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func multipartFile(t *testing.T, field string, data []byte) (string, io.Reader) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile(field, "me.png")
	_, _ = fw.Write(data)
	_ = mw.Close()
	return mw.FormDataContentType(), &b
}

type loginData struct {
	Token       string `json:"token"`
	OnlineToken string `json:"onlineToken"`
	Username    string `json:"username"`
}

func (p *proc) loginAs(t *testing.T, user, password string) loginData {
	t.Helper()
	a := p.command(t, "", "login", map[string]any{"username": user, "password": password})
	var r loginData
	if a.status != 200 || json.Unmarshal(a.Data, &r) != nil || r.Token == "" {
		t.Fatalf("login %s: %d %s", user, a.status, a.Data)
	}
	return r
}

// account is the part of a profile these tests look at.
type account struct {
	Login      string  `json:"login"`
	Nickname   string  `json:"nickname"`
	Bio        *string `json:"bio"`
	Email      *string `json:"email"`
	AvatarFile string  `json:"avatar_file"`
}

func (p *proc) myAccount(t *testing.T, token string) account {
	t.Helper()
	a := p.command(t, token, "getMyAccount", nil)
	var acct account
	if a.status != 200 || json.Unmarshal(a.Data, &acct) != nil {
		t.Fatalf("getMyAccount: %d %s", a.status, a.Data)
	}
	return acct
}

// flaky stands between the app and the host: it passes requests through
// until told to fail in one way.
type flaky struct {
	mode  atomic.Value // "", "junk", "500", "huge", "slow", "evil"
	proxy *httputil.ReverseProxy
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode, _ := f.mode.Load().(string)
	switch {
	case mode == "junk":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token": [1, 2, {`))
	case mode == "500":
		http.Error(w, "boom", http.StatusInternalServerError)
	case mode == "huge":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token": "`))
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for i := 0; i < 64; i++ { // 4 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}`))
	case mode == "slow":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 60; i++ {
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
	case mode == "evil" && r.URL.Path == "/api/myaccount":
		// A well-formed answer whose values break the rules.
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"login": "fay", "nickname": "` + strings.Repeat("n", 500) + `", "bio": "pwned", "location": "not a country"}`))
	default:
		f.proxy.ServeHTTP(w, r)
	}
}

var resetLinkRe = regexp.MustCompile(`http://[0-9.:]+/reset/[A-Za-z0-9_-]+`)

func TestOnlineAccountsEndToEnd(t *testing.T) {
	const pw, pw2, pw3 = "first password", "second password", "third password"
	smtp := testkit.StartSMTP(t, "", "")

	hostAddr := freePort(t)
	hostEnv := []string{"KMUSERS_SMTP_ADDR=" + smtp.Addr, "KMUSERS_SMTP_FROM=kmusers@host.test",
		"KMUSERS_PUBLIC_URL=http://" + hostAddr}
	hostData := t.TempDir()
	host := startEnv(t, hostData, hostAddr, hostEnv)

	hostURL, _ := url.Parse(host.base)
	fl := &flaky{proxy: httputil.NewSingleHostReverseProxy(hostURL)}
	flakySrv := &http.Server{Handler: fl}
	flakyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = flakySrv.Serve(flakyLn) }()
	t.Cleanup(func() { _ = flakySrv.Close() })

	// A listener no request may reach: the SSRF probe.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	var probed atomic.Int32
	go func() {
		for {
			c, err := probe.Accept()
			if err != nil {
				return
			}
			probed.Add(1)
			c.Close()
		}
	}()

	app := startEnv(t, t.TempDir(), freePort(t), []string{
		"KMUSERS_ONLINE_RESOLVE=host.test=http://" + hostAddr + ",flaky.test=http://" + flakyLn.Addr().String(),
	})

	// Create: the account is made on the host first, then here.
	if a := app.command(t, "", "createUser", map[string]any{"login": "Ann@host.test", "password": pw}); a.status != 200 {
		t.Fatalf("create online: %d %s", a.status, a.Data)
	}
	if a := app.command(t, "", "createUser", map[string]any{"login": "ann@host.test", "password": pw}); a.status != 409 {
		t.Fatalf("second create: %d %s", a.status, a.Data)
	}
	if a := app.command(t, "", "createUser", map[string]any{"login": "admin@host.test", "password": pw}); a.status != 403 {
		t.Fatalf("admin online: %d %s", a.status, a.Data)
	}
	var pub map[string]any
	if st := rest(t, "GET", host.base+"/api/users/ann", "", "", nil, &pub); st != 200 || pub["login"] != "ann" {
		t.Fatalf("host profile: %d %v", st, pub)
	}
	if _, ok := pub["password"]; ok {
		t.Fatal("a public profile carries the password")
	}

	// The profile as the host keeps it: set there directly, with an avatar.
	var hl loginData
	if st := rest(t, "POST", host.base+"/api/auth/login", "", "application/json",
		jsonBody(map[string]string{"username": "ann", "password": pw}), &hl); st != 200 || hl.Token == "" {
		t.Fatalf("host login: %d", st)
	}
	if st := rest(t, "PATCH", host.base+"/api/users/ann", hl.Token, "application/json",
		jsonBody(map[string]any{"nickname": "Annie", "bio": "from the host", "email": "ann@example.com"}), nil); st != 200 {
		t.Fatalf("host edit: %d", st)
	}
	ct, body := multipartFile(t, "avatarfile", testPNG(t, color.NRGBA{200, 10, 10, 255}))
	if st := rest(t, "PATCH", host.base+"/api/users/ann", hl.Token, ct, body, nil); st != 200 {
		t.Fatalf("host avatar: %d", st)
	}
	if st := rest(t, "GET", host.base+"/api/users/ann", "", "", nil, &pub); st != 200 || pub["email"] != nil {
		t.Fatalf("the e-mail is public: %v", pub)
	}

	// Login syncs the profile and the avatar, and gives the online token.
	ann := app.loginAs(t, "ann@host.test", pw)
	if ann.OnlineToken == "" || ann.Username != "ann@host.test" {
		t.Fatalf("online login: %+v", ann)
	}
	acct := app.myAccount(t, ann.Token)
	if acct.Nickname != "Annie" || acct.Bio == nil || *acct.Bio != "from the host" || acct.Email == nil ||
		acct.AvatarFile == "blank.png" {
		t.Fatalf("not synced: %+v", acct)
	}
	if resp, err := http.Get(app.base + "/avatars/" + acct.AvatarFile); err != nil || resp.StatusCode != 200 {
		t.Fatalf("synced avatar not served: %v %v", resp, err)
	}
	a := app.onlineCommand(t, ann.Token, ann.OnlineToken, "checkAuth", nil)
	if a.status != 200 || !strings.Contains(string(a.Data), `"onlineAvailable":true`) {
		t.Fatalf("checkAuth: %d %s", a.status, a.Data)
	}

	// Edits are pushed to the host; a new password brings a new online token.
	a = app.onlineCommand(t, ann.Token, ann.OnlineToken, "editMyAccount", map[string]any{"bio": "from the app"})
	if a.status != 200 {
		t.Fatalf("edit push: %d %s", a.status, a.Data)
	}
	var mine account
	rest(t, "GET", host.base+"/api/myaccount", hl.Token, "", nil, &mine)
	if mine.Bio == nil || *mine.Bio != "from the app" {
		t.Fatalf("host did not get the edit: %+v", mine)
	}
	a = app.onlineCommand(t, ann.Token, ann.OnlineToken, "editMyAccount", map[string]any{"password": pw2, "old_password": pw})
	var edited struct {
		Message struct {
			Data struct {
				Token       string `json:"token"`
				OnlineToken string `json:"onlineToken"`
			} `json:"data"`
		} `json:"message"`
	}
	if a.status != 200 || json.Unmarshal(a.Data, &edited) != nil || edited.Message.Data.OnlineToken == "" ||
		edited.Message.Data.OnlineToken == ann.OnlineToken || edited.Message.Data.Token == "" {
		t.Fatalf("password push: %d %s", a.status, a.Data)
	}
	if st := rest(t, "GET", host.base+"/api/auth/check", ann.OnlineToken, "", nil, nil); st != 401 {
		t.Fatalf("the old online token lives on after a password change: %d", st)
	}
	if st := rest(t, "POST", host.base+"/api/auth/login", "", "application/json",
		jsonBody(map[string]string{"username": "ann", "password": pw2}), nil); st != 200 {
		t.Fatalf("host login with the pushed password: %d", st)
	}
	// An avatar chosen in the app goes to the host too.
	ct, body = multipartFile(t, "file", testPNG(t, color.NRGBA{10, 200, 10, 255}))
	var up struct{ Filename string }
	if st := rest(t, "POST", app.base+"/api/importfile", edited.Message.Data.Token, ct, body, &up); st != 200 {
		t.Fatalf("upload: %d", st)
	}
	before := mine.AvatarFile
	a = app.onlineCommand(t, edited.Message.Data.Token, edited.Message.Data.OnlineToken, "editMyAccount", map[string]any{"avatar": up.Filename})
	if a.status != 200 {
		t.Fatalf("avatar push: %d %s", a.status, a.Data)
	}
	ann = app.loginAs(t, "ann@host.test", pw2)
	rest(t, "GET", host.base+"/api/myaccount", ann.OnlineToken, "", nil, &mine)
	if mine.AvatarFile == before || mine.AvatarFile == "blank.png" {
		t.Fatalf("host avatar unchanged: %q", mine.AvatarFile)
	}

	// Faults of the host: the app stays up, answers in time, changes nothing.
	if a := app.command(t, "", "createUser", map[string]any{"login": "fay@flaky.test", "password": pw}); a.status != 200 {
		t.Fatalf("create through the proxy: %d %s", a.status, a.Data)
	}
	fay := app.loginAs(t, "fay@flaky.test", pw)
	fayBefore := app.myAccount(t, fay.Token)
	for _, mode := range []string{"junk", "500", "huge", "slow", "evil"} {
		fl.mode.Store(mode)
		offlineBefore := strings.Count(app.logText(), "offline login")
		start := time.Now()
		got := app.loginAs(t, "fay@flaky.test", pw) // offline, against the synced password
		took := time.Since(start)
		if took > 4*time.Second {
			t.Fatalf("%s: login took %v", mode, took)
		}
		t.Logf("host answering %s: offline login in %v", mode, took.Round(time.Millisecond))
		if got.OnlineToken != "" || strings.Count(app.logText(), "offline login") != offlineBefore+1 {
			t.Fatalf("%s: not an offline login (online token %q)", mode, got.OnlineToken)
		}
		if after := app.myAccount(t, got.Token); after.Nickname != fayBefore.Nickname || after.Bio != nil {
			t.Fatalf("%s: local data changed: %+v", mode, after)
		}
		if mode != "evil" {
			if a := app.command(t, "", "login", map[string]any{"username": "nobody@flaky.test", "password": pw}); a.status != 504 {
				t.Fatalf("%s: unknown account on a failing host: %d %s", mode, a.status, a.Data)
			}
		}
		if resp, err := http.Get(app.base + "/healthz"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: app down: %v", mode, err)
		}
	}
	fl.mode.Store("")

	// The host stops: login still works against the last synced password.
	host.stop(t)
	start := time.Now()
	off := app.loginAs(t, "ann@host.test", pw2)
	t.Logf("host stopped: offline login in %v", time.Since(start).Round(time.Millisecond))
	if time.Since(start) > 2500*time.Millisecond || off.OnlineToken != "" {
		t.Fatalf("offline login: %v %+v", time.Since(start), off)
	}
	if a := app.command(t, "", "login", map[string]any{"username": "ann@host.test", "password": pw}); a.status != 401 {
		t.Fatalf("offline login with the old password: %d", a.status)
	}
	a = app.onlineCommand(t, off.Token, ann.OnlineToken, "checkAuth", nil)
	if a.status != 200 || !strings.Contains(string(a.Data), `"onlineAvailable":false`) {
		t.Fatalf("checkAuth with the host down: %d %s", a.status, a.Data)
	}
	host = startEnv(t, hostData, hostAddr, hostEnv)

	// Local → online → local.
	op := app.command(t, "", "createUser", map[string]any{"login": "carl", "password": pw, "nickname": "Carl C"})
	if op.status != 200 {
		t.Fatalf("create carl: %d %s", op.status, op.Data)
	}
	carl := app.loginAs(t, "carl", pw)
	if a := app.command(t, carl.Token, "convertMyLocalUserToOnline", map[string]any{"instance": "host.test", "password": "wrong password"}); a.status != 400 {
		t.Fatalf("convert with a wrong password: %d", a.status)
	}
	a = app.command(t, carl.Token, "convertMyLocalUserToOnline", map[string]any{"instance": "host.test", "password": pw})
	var conv struct {
		Message struct {
			Code string `json:"code"`
			Data struct {
				Token       string `json:"token"`
				OnlineToken string `json:"onlineToken"`
			} `json:"data"`
		} `json:"message"`
	}
	if a.status != 200 || json.Unmarshal(a.Data, &conv) != nil || conv.Message.Code != "USER_CONVERTED" ||
		conv.Message.Data.OnlineToken == "" {
		t.Fatalf("convert to online: %d %s", a.status, a.Data)
	}
	if st := rest(t, "GET", host.base+"/api/users/carl", "", "", nil, &pub); st != 200 || pub["nickname"] != "Carl C" {
		t.Fatalf("converted account on the host: %d %v", st, pub)
	}
	if a := app.command(t, carl.Token, "checkAuth", nil); a.status != 401 {
		t.Fatalf("the old local token lives on after the rename: %d", a.status)
	}
	carlOnline := app.loginAs(t, "carl@host.test", pw)
	if a := app.command(t, carlOnline.Token, "convertMyOnlineUserToLocal", map[string]any{"password": "wrong password"}); a.status != 400 {
		t.Fatalf("convert back with a wrong password: %d", a.status)
	}
	a = app.command(t, carlOnline.Token, "convertMyOnlineUserToLocal", map[string]any{"password": pw})
	if a.status != 200 || !strings.Contains(string(a.Data), "USER_DELETED_ONLINE") {
		t.Fatalf("convert to local: %d %s", a.status, a.Data)
	}
	if st := rest(t, "GET", host.base+"/api/users/carl", "", "", nil, nil); st != 404 {
		t.Fatalf("host account still there: %d", st)
	}
	app.loginAs(t, "carl", pw)

	// Reset by mail: the app asks, the host mails a link, the link sets it.
	a = app.command(t, "", "resetUserPassword", map[string]any{"username": "ann@host.test"})
	if a.status != 200 || !strings.Contains(string(a.Data), "USER_RESETPASSWORD_ONLINE") {
		t.Fatalf("reset online: %d %s", a.status, a.Data)
	}
	if st := rest(t, "POST", host.base+"/api/users/nobody/resetpassword", "", "", nil, nil); st != 200 {
		t.Fatalf("reset of an unknown account tells: %d", st)
	}
	var m testkit.Mail
	select {
	case m = <-smtp.Mails:
	case <-time.After(30 * time.Second):
		t.Fatalf("no mail:\n%s", host.logText())
	}
	if len(m.To) != 1 || m.To[0] != "ann@example.com" {
		t.Fatalf("mail to %v", m.To)
	}
	checkResetMail(t, m, hostAddr)
	link := resetLinkRe.FindString(decodedText(t, m))
	if link == "" || !strings.HasPrefix(link, host.base+"/reset/") {
		t.Fatalf("no link in the mail")
	}
	followResetLink(t, link, pw3)
	if strings.Contains(host.logText(), link[strings.LastIndex(link, "/")+1:]) {
		t.Fatal("the reset token reached the log")
	}
	if st := rest(t, "POST", host.base+"/api/auth/login", "", "application/json",
		jsonBody(map[string]string{"username": "ann", "password": pw3}), nil); st != 200 {
		t.Fatalf("host login with the reset password: %d", st)
	}
	if st := rest(t, "GET", host.base+"/api/auth/check", ann.OnlineToken, "", nil, nil); st != 401 {
		t.Fatalf("a token lives on after the reset: %d", st)
	}
	if resp, err := http.Get(link); err != nil || resp.StatusCode != 404 {
		t.Fatalf("the link works twice: %v %v", resp, err)
	}
	app.loginAs(t, "ann@host.test", pw3)

	// SSRF: a login naming a loopback address contacts nothing.
	_, probePort, _ := net.SplitHostPort(probe.Addr().String())
	for _, who := range []string{"eve@127.0.0.1:" + probePort, "eve@localhost:" + probePort} {
		if a := app.command(t, "", "login", map[string]any{"username": who, "password": pw}); a.status != 401 {
			t.Fatalf("%s: %d %s", who, a.status, a.Data)
		}
	}
	if a := app.command(t, "", "createUser", map[string]any{"login": "eve@127.0.0.1:" + probePort, "password": pw}); a.status != 403 {
		t.Fatalf("create on a loopback host: %d %s", a.status, a.Data)
	}
	if n := probed.Load(); n != 0 {
		t.Fatalf("the probe got %d connections", n)
	}

	if strings.Contains(app.logText(), pw) || strings.Contains(host.logText(), pw) {
		t.Fatal("a password reached a log")
	}
}

// checkResetMail: a text part and an HTML part, both naming the instance.
func checkResetMail(t *testing.T, m testkit.Mail, instance string) {
	t.Helper()
	h := m.Header()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" || !strings.Contains(h.Get("Subject"), instance) {
		t.Fatalf("mail: %q %q", h.Get("Content-Type"), h.Get("Subject"))
	}
	body := m.Data[bytes.Index(m.Data, []byte("\r\n\r\n"))+4:]
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	seen := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, _ := io.ReadAll(p) // multipart.Reader decodes quoted-printable
		if !strings.Contains(string(b), instance) {
			t.Fatalf("%s part does not name the instance", ct)
		}
		seen[ct] = true
	}
	if !seen["text/plain"] || !seen["text/html"] {
		t.Fatalf("parts: %v", seen)
	}
}

// decodedText is the mail's text part, decoded.
func decodedText(t *testing.T, m testkit.Mail) string {
	_, params, _ := mime.ParseMediaType(m.Header().Get("Content-Type"))
	body := m.Data[bytes.Index(m.Data, []byte("\r\n\r\n"))+4:]
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return ""
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p)
			return string(b)
		}
	}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// followResetLink opens the link like a browser and sets a new password.
func followResetLink(t *testing.T, link, password string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil || !bytes.Contains(page, []byte(`data-testid="reset-link-form"`)) {
		t.Fatalf("reset page: %d", resp.StatusCode)
	}
	form := url.Values{"_csrf": {string(m[1])}, "password": {password}, "password_again": {password}}
	resp, err = c.PostForm(link, url.Values{"password": {password}, "password_again": {password}})
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("reset without CSRF: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(link, url.Values{"_csrf": {string(m[1])}, "password": {"short"}, "password_again": {"short"}})
	if err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(link, form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %v %v", resp, err)
	}
	resp.Body.Close()
}
