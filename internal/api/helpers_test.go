package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// env is one server on a fresh SQLite file.
type env struct {
	t     *testing.T
	e     *echo.Echo
	svc   *users.Service
	db    *store.Store
	log   *testkit.Buffer
	clock *testkit.Clock

	avatarDir string
	avatars   *avatars.Service
}

// newEnv makes a server; tune may change the service's options (tests
// create many accounts from one address, so the sign-up rate is lifted).
func newEnv(t *testing.T, tune ...func(*users.Options)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lb := &testkit.Buffer{}
	log := lb.Logger()
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	dir := filepath.Join(t.TempDir(), "avatars")
	av, err := avatars.New(dir, db, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	o := users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"), Log: log, Now: clk.Now, Avatars: av,
		SignupBurst: 1 << 20}
	for _, f := range tune {
		f(&o)
	}
	svc, err := users.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	e := server.New(server.Deps{API: api.New(svc, log), DB: db, Log: log, Uploads: av, Avatars: av})
	return &env{t: t, e: e, svc: svc, db: db, log: lb, clock: clk, avatarDir: dir, avatars: av}
}

// code is the latest logged code of a kind.
func (v *env) code(re *regexp.Regexp) string {
	code := v.log.LastCode(re)
	if code == "" {
		v.t.Fatalf("no code in log:\n%s", v.log.String())
	}
	return code
}

func (v *env) opCode() string { return v.code(testkit.OperatorCode) }

// reply is a decoded answer.
type reply struct {
	Status int
	Err    bool
	Data   json.RawMessage
	Code   string // message.code of a failure, or of an action result
	MsgRaw json.RawMessage
}

// do sends a command in the header form; token may be "".
func (v *env) do(token, cmd string, args any) reply {
	v.t.Helper()
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": args})
	return v.raw(token, string(body), "")
}

// doKM sends a command in the KM form, the token inside the body.
func (v *env) doKM(token, cmd string, args any) reply {
	v.t.Helper()
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": map[string]any{"authorization": token, "body": args}})
	return v.raw("", string(body), "")
}

func (v *env) raw(token, body, remoteAddr string) reply {
	v.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/command", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return decodeReply(v.t, rec.Code, rec.Body)
}

func decodeReply(t *testing.T, status int, body io.Reader) reply {
	t.Helper()
	b, _ := io.ReadAll(body)
	var env struct {
		Err  bool            `json:"err"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("not a JSON envelope (%d): %s", status, b)
	}
	r := reply{Status: status, Err: env.Err, Data: env.Data}
	var msg struct {
		Message struct {
			Code string          `json:"code"`
			Data json.RawMessage `json:"data"`
		} `json:"message"`
	}
	if json.Unmarshal(env.Data, &msg) == nil {
		r.Code, r.MsgRaw = msg.Message.Code, msg.Message.Data
	}
	return r
}

// want fails unless the reply has this status and code ("" for a plain
// success).
func (r reply) want(t *testing.T, status int, code string) reply {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("got %d %q (data %s), want %d %q", r.Status, r.Code, r.Data, status, code)
	}
	if (status >= 400) != r.Err {
		t.Fatalf("err flag %v for status %d", r.Err, status)
	}
	return r
}

func (r reply) into(t *testing.T, dst any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, dst); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// token logs in and returns the token.
func (v *env) token(login, password string) string {
	v.t.Helper()
	var res struct{ Token string }
	v.do("", "login", map[string]any{"username": login, "password": password}).want(v.t, 200, "").into(v.t, &res)
	return res.Token
}

const pw = "correct horse"

// user creates a user (as anyone would) and returns its token.
func (v *env) user(login string) string {
	v.t.Helper()
	v.do("", "createUser", map[string]any{"login": login, "password": pw}).want(v.t, 200, "USER_CREATED")
	return v.token(login, pw)
}

// operator creates an operator with the logged security code.
func (v *env) operator(login string) string {
	v.t.Helper()
	v.do("", "createUser", map[string]any{"login": login, "password": pw, "role": "admin", "securityCode": v.opCode()}).
		want(v.t, 200, "USER_CREATED")
	return v.token(login, pw)
}

func (v *env) guest() string {
	v.t.Helper()
	var res struct{ Token string }
	v.do("", "loginGuest", map[string]any{}).want(v.t, 200, "").into(v.t, &res)
	return res.Token
}

func (v *env) setMode(mode int) {
	v.t.Helper()
	st := v.svc.Settings()
	st.FrontendMode = mode
	if err := v.svc.SaveSettings(context.Background(), st); err != nil {
		v.t.Fatal(err)
	}
}

func (v *env) settings(change func(*users.Settings)) {
	v.t.Helper()
	st := v.svc.Settings()
	change(&st)
	if err := v.svc.SaveSettings(context.Background(), st); err != nil {
		v.t.Fatal(err)
	}
}
