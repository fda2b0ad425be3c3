package socketio_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/socketio"
)

// The contract's commands (SPEC §4), with arguments whose answer does not
// change from one call to the next, so that an ack can be compared with the
// HTTP answer to the same request.
var commandsUnderTest = []struct {
	cmd  string
	args any
}{
	{"getUsers", map[string]any{}},
	{"getUsers", map[string]any{"type": "2", "from": "0", "size": "3"}},
	{"getUsers", map[string]any{"from": "x"}},
	{"createUser", map[string]any{"login": "bad login!", "password": pw}},
	{"getUser", map[string]any{"username": "alice"}},
	{"getUser", map[string]any{"username": "nobody"}},
	{"deleteUser", map[string]any{"username": "nobody"}},
	{"editUser", map[string]any{"login": "nobody", "bio": "x"}},
	{"resetUserPassword", map[string]any{"username": "nobody", "password": pw, "securityCode": "x"}},
	{"getMyAccount", nil},
	{"editMyAccount", map[string]any{}},
	{"convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": "wrong password"}},
	{"convertMyOnlineUserToLocal", map[string]any{"password": "wrong password"}},
	{"refreshAnimeList", nil},
	{"getAnimeList", map[string]any{}},
	{"login", map[string]any{"username": "nobody", "password": "whatever1"}},
	{"checkAuth", nil},
	{"noSuchCommand", map[string]any{}},
	{"getUsers", "not an object"},
}

// TestAcksEqualHTTP: every command, as every role and with a bad token,
// acks over each transport exactly what POST /api/command answers.
func TestAcksEqualHTTP(t *testing.T) {
	for _, tr := range transportsUnderTest {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			v := newEnv(t, tr.opts())
			tokens := map[string]string{"anonymous": "", "guest": v.guest(), "user": v.user("alice"),
				"operator": v.operator("olga"), "bad token": "not.a.jwt"}
			for _, tok := range tokens {
				v.post("checkAuth", km(tok, nil)) // activity recorded now, not between the two answers
			}
			s := v.connect(tr)
			for role, tok := range tokens {
				for _, c := range commandsUnderTest {
					ack := call(t, s, c.cmd, km(tok, c.args))
					status, body := v.post(c.cmd, km(tok, c.args))
					var want any
					if err := json.Unmarshal(body, &want); err != nil {
						t.Fatal(err)
					}
					if !same(ack, want) {
						t.Errorf("%s as %s: ack %v, HTTP %d %v", c.cmd, role, ack, status, want)
					}
				}
			}
		})
	}
}

func TestUnknownCommandAndEventsWithoutAck(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{})
	s := v.connect(transportsUnderTest[1])
	want := map[string]any{"err": true, "data": map[string]any{"code": 404.0, "message": map[string]any{"code": "UNKNOWN_COMMAND"}}}
	if got := call(t, s, "dance", km("", nil)); !same(got, want) {
		t.Fatalf("unknown command: %v", got)
	}
	// Without an ack nothing runs: the account is not created.
	if err := s.Emit("createUser", km("", map[string]any{"login": "silent", "password": pw})); err != nil {
		t.Fatal(err)
	}
	got := call(t, s, "getUser", km(v.operator("olga"), map[string]any{"username": "silent"}))
	if got.(map[string]any)["err"] != true {
		t.Fatalf("an event without ack ran: %v", got)
	}
	// The token travels in the message: the same socket can be anyone.
	auth := call(t, s, "checkAuth", km(v.user("bob"), nil)).(map[string]any)["data"].(map[string]any)
	if auth["username"] != "bob" {
		t.Fatalf("checkAuth: %v", auth)
	}
	if got := call(t, s, "checkAuth", km("", nil)); got.(map[string]any)["err"] != true {
		t.Fatalf("anonymous checkAuth: %v", got)
	}
}

// TestConcurrentCommands: many commands in flight on one socket, each ack
// matched to its own command by id.
func TestConcurrentCommands(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{})
	op := v.operator("olga")
	for i := 0; i < 10; i++ {
		v.user(fmt.Sprintf("u%d", i))
	}
	s := v.connect(transportsUnderTest[1])
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for i := 0; i < 200; i++ {
		login := fmt.Sprintf("u%d", i%10)
		wg.Add(1)
		err := s.Emit("getUser", km(op, map[string]any{"username": login}), func(args []any, _ error) {
			defer wg.Done()
			got := normal(t, args[0]).(map[string]any)["data"].(map[string]any)
			if got["login"] != login {
				errs <- fmt.Sprintf("asked %s, got %v", login, got["login"])
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	within(t, all, "200 acks")
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestMessageSize(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{})
	s := v.connect(transportsUnderTest[1])
	big := strings.Repeat("x", 1<<20)
	got := call(t, s, "getUsers", km("", map[string]any{"filter": big})).(map[string]any)
	if got["err"] != true || got["data"].(map[string]any)["code"] != 413.0 {
		t.Fatalf("over 1 MiB: %v", got)
	}
	// The socket still works.
	if got := call(t, s, "checkAuth", km("", nil)); got.(map[string]any)["err"] != true {
		t.Fatalf("after a large message: %v", got)
	}
}
