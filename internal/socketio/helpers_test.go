package socketio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	enginetransports "github.com/zishang520/socket.io/clients/engine/v3/transports"
	client "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/socketio"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// env is one real server on a loopback port, with a fresh SQLite file.
type env struct {
	t   testing.TB
	url string
	svc *users.Service
	sio *socketio.Server
	log *testkit.Buffer
}

func newEnv(t testing.TB, o socketio.Options) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lb := &testkit.Buffer{}
	log := lb.Logger()
	clk := testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	av, err := avatars.New(filepath.Join(t.TempDir(), "avatars"), db, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("test secret of at least 32 bytes!"), Log: log,
		Now: clk.Now, Avatars: av, Events: bus, SignupBurst: 1 << 20}) // tests sign up many users from one address
	if err != nil {
		t.Fatal(err)
	}
	cmds := api.New(svc, log)
	o.API, o.Events, o.Log = cmds, bus, log
	sio := socketio.New(o)
	e := server.New(server.Deps{API: cmds, Socket: sio, DB: db, Log: log, Uploads: av, Avatars: av})
	ts := httptest.NewServer(e)
	t.Cleanup(func() {
		sio.Close()
		ts.Close()
	})
	return &env{t: t, url: ts.URL, svc: svc, sio: sio, log: lb}
}

// post sends a command over HTTP in the KM form and returns status and body.
func (v *env) post(cmd string, arg any) (int, []byte) {
	v.t.Helper()
	b, _ := json.Marshal(map[string]any{"cmd": cmd, "body": arg})
	res, err := httpClient.Post(v.url+"/api/command", "application/json", bytes.NewReader(b))
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// must is post for a command that has to succeed (a push is awaited next).
func (v *env) must(cmd string, arg any) {
	v.t.Helper()
	if status, body := v.post(cmd, arg); status != http.StatusOK {
		v.t.Fatalf("%s: %d %s", cmd, status, body)
	}
}

// httpClient gives up like within does.
var httpClient = &http.Client{Timeout: waitLimit}

// km is the socket argument {authorization, body}.
func km(token string, body any) map[string]any {
	var auth any
	if token != "" {
		auth = token
	}
	return map[string]any{"authorization": auth, "onlineAuthorization": nil, "body": body}
}

func (v *env) token(login, password string) string {
	v.t.Helper()
	status, b := v.post("login", km("", map[string]any{"username": login, "password": password}))
	var r struct{ Data struct{ Token string } }
	if status != 200 || json.Unmarshal(b, &r) != nil {
		v.t.Fatalf("login %s: %d %s", login, status, b)
	}
	return r.Data.Token
}

const pw = "correct horse"

func (v *env) user(login string) string {
	v.t.Helper()
	if status, b := v.post("createUser", km("", map[string]any{"login": login, "password": pw})); status != 200 {
		v.t.Fatalf("create %s: %d %s", login, status, b)
	}
	return v.token(login, pw)
}

func (v *env) operator(login string) string {
	v.t.Helper()
	code := v.log.LastCode(testkit.OperatorCode)
	if status, b := v.post("createUser", km("", map[string]any{"login": login, "password": pw, "role": "admin", "securityCode": code})); status != 200 {
		v.t.Fatalf("create operator %s: %d %s", login, status, b)
	}
	return v.token(login, pw)
}

func (v *env) guest() string {
	v.t.Helper()
	_, b := v.post("loginGuest", km("", map[string]any{}))
	var r struct{ Data struct{ Token string } }
	if json.Unmarshal(b, &r) != nil || r.Data.Token == "" {
		v.t.Fatalf("loginGuest: %s", b)
	}
	return r.Data.Token
}

// transport names the ways a client can reach the endpoint.
type transport struct {
	name string
	set  []enginetransports.TransportCtor
}

// opts: the Go client's long-polling sends a message only after its
// pending GET is answered, which the server does at the next ping; a short
// ping interval keeps the polling tests quick. KM's browser client has no
// such wait.
func (tr transport) opts() socketio.Options {
	if tr.set[0] == enginetransports.Polling {
		return socketio.Options{PingInterval: 50 * time.Millisecond}
	}
	return socketio.Options{}
}

var transportsUnderTest = []transport{
	{"polling", []enginetransports.TransportCtor{enginetransports.Polling}},
	{"websocket", []enginetransports.TransportCtor{enginetransports.WebSocket}},
	{"upgrade", []enginetransports.TransportCtor{enginetransports.Polling, enginetransports.WebSocket}},
}

// connect opens a socket and waits until it is connected.
//
// The Go client (the tests' only: KM's clients are socket.io's JS client)
// starts its engine before it listens for the engine's "open" (Manager.Open
// in clients/socket/v3 v3.0.6): a loopback connection that opens in between
// is never seen, and the attempt times out. It happens under load, so a
// connection that must succeed is tried three times. (A refused one times
// out too: the client does not report the refusal, so dial tries once.)
func (v *env) connect(tr transport) *client.Socket {
	v.t.Helper()
	var err error
	for range 3 {
		var s *client.Socket
		if s, err = v.dial(tr); err == nil {
			return s
		}
		v.t.Logf("connecting: %v: trying again", err)
	}
	v.t.Fatal(err)
	return nil
}

// dial connects once, or returns the connection error.
func (v *env) dial(tr transport) (*client.Socket, error) {
	opts := client.DefaultOptions()
	opts.SetTransports(types.NewSet(tr.set...))
	opts.SetReconnection(false)
	opts.SetForceNew(true)
	opts.SetTimeout(5 * time.Second)
	// Connect only once the handlers are on: with autoconnect a refusal (or
	// a connection) could come before them, and nothing would ever answer.
	opts.SetAutoConnect(false)
	s, err := client.Connect(v.url, opts)
	if err != nil {
		return nil, err
	}
	res := make(chan error, 3)
	_ = s.Once("connect", func(...any) { res <- nil })
	_ = s.Once("connect_error", func(args ...any) { res <- errorOf(args) })
	_ = s.Once("disconnect", func(args ...any) { res <- errorOf(args) })
	s.Connect()
	if err := within(v.t, res, "connect"); err != nil {
		s.Close()
		return nil, err
	}
	v.t.Cleanup(func() { s.Close() })
	return s, nil
}

type connError struct{ args []any }

func (e connError) Error() string {
	b, _ := json.Marshal(e.args)
	return "connection failed: " + string(b)
}

func errorOf(args []any) error { return connError{args} }

// call emits a command and waits for its ack, decoded as JSON.
func call(t *testing.T, s *client.Socket, cmd string, arg any) any {
	t.Helper()
	type ackRes struct {
		args []any
		err  error
	}
	res := make(chan ackRes, 1)
	if err := s.Emit(cmd, arg, func(args []any, err error) { res <- ackRes{args, err} }); err != nil {
		t.Fatal(err)
	}
	r := within(t, res, cmd+"'s ack")
	args := r.args
	if len(args) != 1 {
		t.Fatalf("%s: ack with %d arguments (%v)", cmd, len(args), r.err)
	}
	return normal(t, args[0])
}

// normal is v through JSON, so that HTTP and socket replies compare.
func normal(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func same(a, b any) bool { return reflect.DeepEqual(a, b) }

// waitLimit bounds every wait of these tests: a lost ack, push or
// connection fails the test that waited, with what it waited for, instead
// of hanging the package until go test's own timeout kills it with no name.
const waitLimit = time.Minute

// within receives from ch, or fails the test after waitLimit.
func within[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("%s: nothing after %s; goroutines:\n%s", what, waitLimit, stacks())
		panic("unreachable")
	}
}

// until polls cond, yielding between polls, or fails the test after
// waitLimit.
func until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s; goroutines:\n%s", what, waitLimit, stacks())
		}
		runtime.Gosched()
	}
}

// stacks are every goroutine's, to tell a lost message from a deadlock.
func stacks() []byte {
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, true)]
}
