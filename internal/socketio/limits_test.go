package socketio_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	client "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/kmusers/kmusers/internal/socketio"
)

// pushes collects the pushes a socket receives.
func pushes(s *client.Socket, names ...string) chan []any {
	out := make(chan []any, 64)
	for _, name := range names {
		_ = s.On(types.EventName(name), func(args ...any) { out <- append([]any{name}, args...) })
	}
	return out
}

func TestPushes(t *testing.T) {
	for _, tr := range transportsUnderTest {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			v := newEnv(t, tr.opts())
			op := v.operator("olga")
			v.user("bob")
			s := v.connect(tr)
			got := pushes(s, "userUpdated", "usersUpdated", "settingsUpdated")
			expect := func(want ...any) {
				t.Helper()
				p := within(t, got, fmt.Sprint(want...)+" push")
				if fmt.Sprint(p...) != fmt.Sprint(want...) {
					t.Fatalf("push %v, want %v", p, want)
				}
			}
			// The setup's events (bob came online at his login) may still be
			// on their way to the sockets, this one's included: pushes come
			// in order, so they are all in before a settings push sent now.
			if err := v.svc.SaveSettings(t.Context(), v.svc.Settings()); err != nil {
				t.Fatal(err)
			}
			for p := within(t, got, "first settingsUpdated push"); p[0] != "settingsUpdated"; {
				p = within(t, got, "first settingsUpdated push")
			}
			v.must("editUser", km(op, map[string]any{"login": "bob", "bio": "secret bio", "email": "bob@example.org"}))
			expect("userUpdated", "bob") // names who changed, nothing of the profile
			v.must("editUser", km(op, map[string]any{"old_login": "bob", "login": "robert"}))
			expect("userUpdated", "bob") // the login clients knew
			v.must("createUser", km("", map[string]any{"login": "carol", "password": pw}))
			expect("usersUpdated")
			v.must("deleteUser", km(op, map[string]any{"username": "carol"}))
			expect("usersUpdated")
			st := v.svc.Settings()
			st.FrontendMode = 1
			if err := v.svc.SaveSettings(t.Context(), st); err != nil {
				t.Fatal(err)
			}
			expect("settingsUpdated")
		})
	}
}

// TestFlood: one socket floods commands without waiting; another socket's
// round trips are served meanwhile, not after the flood.
func TestFlood(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{})
	op := v.operator("olga")
	flooder := v.connect(transportsUnderTest[1])
	other := v.connect(transportsUnderTest[1])
	const flood = 3000
	var answered atomic.Int64
	done := make(chan struct{})
	go func() {
		for i := 0; i < flood; i++ {
			_ = flooder.Emit("getUsers", km(op, map[string]any{}), func([]any, error) {
				if answered.Add(1) == flood {
					close(done)
				}
			})
		}
	}()
	until(t, "the flood's first answer", func() bool {
		call(t, other, "checkAuth", km(op, nil))
		return answered.Load() > 0
	})
	for i := 0; i < 20; i++ {
		call(t, other, "checkAuth", km(op, nil))
	}
	if n := answered.Load(); n >= flood {
		t.Fatalf("the other socket waited for the whole flood (%d answered)", n)
	}
	// A lost answer (a dropped connection on a starved machine) must fail
	// the test, not hang the suite until go test's own timeout.
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%d of %d answers, none for 2 minutes (connected: %v)", answered.Load(), flood, flooder.Connected())
	}
}

func TestConnectionsPerIP(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{MaxPerIP: 3})
	ws := transportsUnderTest[1]
	var open []*client.Socket
	for i := 0; i < 3; i++ {
		open = append(open, v.connect(ws))
	}
	if _, err := v.dial(ws); err == nil {
		t.Fatal("a fourth connection from one address was accepted")
	}
	open[0].Close()
	until(t, "the server seeing the close", func() bool {
		call(t, open[1], "checkAuth", km("", nil))
		return v.sio.Open() < 3
	})
	s := v.connect(ws)
	if got := call(t, s, "checkAuth", km("", nil)); got.(map[string]any)["err"] != true {
		t.Fatalf("checkAuth: %v", got)
	}
}

// TestPingTimeout: a client that stops answering pings is dropped.
func TestPingTimeout(t *testing.T) {
	t.Parallel()
	v := newEnv(t, socketio.Options{PingInterval: 20 * time.Millisecond, PingTimeout: 20 * time.Millisecond})
	url := "ws" + strings.TrimPrefix(v.url, "http") + "/socket.io/?EIO=4&transport=websocket"
	c, res, err := websocket.DefaultDialer.Dial(url, http.Header{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	defer c.Close()
	_, open, err := c.ReadMessage()
	if err != nil || open[0] != '0' {
		t.Fatalf("open packet %q %v", open, err)
	}
	var hs struct{ PingInterval, PingTimeout int }
	if err := json.Unmarshal(open[1:], &hs); err != nil || hs.PingTimeout != 20 {
		t.Fatalf("handshake %s", open)
	}
	// Read (the pings) without ever answering: the server closes.
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatalf("the server kept a silent client for %s", waitLimit)
			}
			break
		}
	}
	until(t, "the server dropping the socket", func() bool { return v.sio.Open() == 0 })
}
