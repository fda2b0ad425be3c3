package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

// These tests build the real binary and drive it over HTTP, as a person
// installing kmusers would: start it, read the code from its log, use it.

var binOnce struct {
	sync.Once
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kmusers-bin")
		if err != nil {
			binOnce.err = err
			return
		}
		binOnce.path = filepath.Join(dir, "kmusers")
		out, err := exec.Command("go", "build", "-o", binOnce.path, ".").CombinedOutput()
		if err != nil {
			binOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binOnce.err != nil {
		t.Fatal(binOnce.err)
	}
	return binOnce.path
}

type proc struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	log  bytes.Buffer
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs the server on a free port and waits for /healthz.
func start(t *testing.T, data string, extra ...string) *proc {
	t.Helper()
	return startArgs(t, data, freePort(t), nil, extra...)
}

// startArgs runs the binary on addr with extra environment and flags, and
// waits for /healthz.
func startArgs(t *testing.T, data, addr string, env []string, extra ...string) *proc {
	t.Helper()
	p := &proc{base: "http://" + addr}
	p.cmd = exec.Command(buildBinary(t), append([]string{"serve", "--addr", addr, "--data", data}, extra...)...)
	p.cmd.Env = append(os.Environ(), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			p.mu.Lock()
			p.log.WriteString(s.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up:\n%s", p.logText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *proc) code(t *testing.T) string {
	t.Helper()
	m := testkit.OperatorCode.FindAllStringSubmatch(p.logText(), -1)
	if len(m) == 0 {
		t.Fatalf("no security code in the log:\n%s", p.logText())
	}
	return m[len(m)-1][1]
}

type answer struct {
	status int
	Err    bool            `json:"err"`
	Data   json.RawMessage `json:"data"`
}

func (p *proc) command(t *testing.T, token, cmd string, args any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": args})
	req, _ := http.NewRequest("POST", p.base+"/api/command", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
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

func (p *proc) login(t *testing.T, user, password string) string {
	t.Helper()
	a := p.command(t, "", "login", map[string]any{"username": user, "password": password})
	var r struct{ Token string }
	if a.status != 200 || json.Unmarshal(a.Data, &r) != nil || r.Token == "" {
		t.Fatalf("login %s: %d %s", user, a.status, a.Data)
	}
	return r.Token
}

func TestBinaryEndToEnd(t *testing.T) {
	data := t.TempDir()
	p := start(t, data)

	// The panel of a new install is its setup page.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(p.base + "/users")
	if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup" {
		t.Fatalf("new install: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(p.base + "/setup")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `data-testid="setup-form"`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("setup page: %d", resp.StatusCode)
	}

	a := p.command(t, "", "createUser", map[string]any{"login": "Olga", "password": "operator pw", "role": "admin", "securityCode": p.code(t)})
	if a.status != 200 {
		t.Fatalf("create operator: %d %s", a.status, a.Data)
	}
	op := p.login(t, "olga", "operator pw")
	if a := p.command(t, op, "createUser", map[string]any{"login": "bob", "password": "bob password"}); a.status != 200 {
		t.Fatalf("create bob: %d %s", a.status, a.Data)
	}
	bob := p.login(t, "BOB", "bob password")
	if a := p.command(t, bob, "getUsers", map[string]any{"size": 50}); a.status != 200 || !strings.Contains(string(a.Data), `"login":"bob"`) {
		t.Fatalf("getUsers: %d %s", a.status, a.Data)
	}
	if a := p.command(t, bob, "deleteUser", map[string]any{"username": "olga"}); a.status != 403 {
		t.Fatalf("user deleted an operator: %d", a.status)
	}
	// With an operator, the panel asks strangers to log in; static files are served.
	resp, err = noRedirect.Get(p.base + "/users")
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("panel after setup: %v %v", resp, err)
	}
	resp.Body.Close()
	if resp, err := http.Get(p.base + "/static/htmx-2.0.11.min.js"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("htmx: %v %v", resp, err)
	}
	info, err := os.Stat(filepath.Join(data, "secrets.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", info, err)
	}
	if strings.Contains(p.logText(), "bob password") || strings.Contains(p.logText(), bob) {
		t.Fatal("a password or token reached the log")
	}

	// SIGTERM: a clean stop; a restart keeps the secrets, so tokens live on,
	// and logs a new code.
	oldCode := p.code(t)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("unclean stop: %v\n%s", err, p.logText())
	}
	p2 := start(t, data)
	if a := p2.command(t, bob, "checkAuth", nil); a.status != 200 {
		t.Fatalf("token lost across a restart: %d %s", a.status, a.Data)
	}
	// A new code at every start: the old one is no longer accepted. (Two
	// draws match once in a million runs.)
	if newCode := p2.code(t); newCode == oldCode {
		t.Fatalf("the restart kept the security code %s", oldCode)
	}
	if a := p2.command(t, "", "createUser", map[string]any{"login": "mallory", "password": "mallory pw",
		"role": "admin", "securityCode": oldCode}); a.status == 200 {
		t.Fatal("the last run's security code still creates operators")
	}
}

func TestCommandLine(t *testing.T) {
	data := t.TempDir()
	run := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(buildBinary(t), append(args, "--data", data)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("cli password\n", "create-operator", "Root2"); err != nil {
		t.Fatalf("create-operator: %v\n%s", err, out)
	}
	if out, err := run("short\n", "reset-password", "root2"); err == nil {
		t.Fatalf("short password accepted:\n%s", out)
	}
	if out, err := run("second password\n", "reset-password", "root2"); err != nil {
		t.Fatalf("reset-password: %v\n%s", err, out)
	}
	if out, err := run("whatever pw\n", "reset-password", "admin"); err == nil {
		t.Fatalf("admin got a password:\n%s", out)
	}
	p := start(t, data)
	tok := p.login(t, "root2", "second password")
	a := p.command(t, tok, "checkAuth", nil)
	if a.status != 200 || !strings.Contains(string(a.Data), `"role":"admin"`) {
		t.Fatalf("checkAuth: %d %s", a.status, a.Data)
	}
	// A second server on the same data dir refuses to start, clearly.
	second := exec.Command(buildBinary(t), "serve", "--addr", freePort(t), "--data", data)
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "data dir in use") {
		t.Fatalf("second server on the same data dir: %v\n%s", err, out)
	}
	// The command line still works beside the running server.
	if out, err := run("third password\n", "reset-password", "root2"); err != nil {
		t.Fatalf("reset-password beside a server: %v\n%s", err, out)
	}
}

// TestMain removes the built binary after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binOnce.path != "" {
		os.RemoveAll(filepath.Dir(binOnce.path))
	}
	os.Exit(code)
}

func TestJSONLogsAndEnvTwins(t *testing.T) {
	data := t.TempDir()
	addr := freePort(t)
	cmd := exec.Command(buildBinary(t), "serve", "--log-format", "json")
	cmd.Env = append(os.Environ(), "KMUSERS_ADDR="+addr, "KMUSERS_DATA="+data)
	var out bytes.Buffer
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server from env twins did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	var line struct{ Msg string }
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, "security code: ") {
			if err := json.Unmarshal([]byte(l), &line); err != nil || !testkit.OperatorCode.MatchString(line.Msg) {
				t.Fatalf("not a JSON line with the code: %q", l)
			}
			return
		}
	}
	t.Fatalf("no code line in:\n%s", out.String())
}
