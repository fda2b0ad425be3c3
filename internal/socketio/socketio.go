// Package socketio is the socket.io v4 face of the command API, for KM's own
// clients: one event per command, named after it, whose single argument is
// {authorization, onlineAuthorization, body} and whose ack is the envelope
// POST /api/command would answer, from the same dispatcher. It also pushes
// userUpdated, usersUpdated and settingsUpdated to every socket.
package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/events"
)

// Dispatcher runs one command as POST /api/command does.
type Dispatcher interface {
	Dispatch(ctx context.Context, raw []byte, header http.Header, who api.Caller) (int, api.Envelope)
}

// Options configure the endpoint; zero values take the defaults.
type Options struct {
	API    Dispatcher
	Events *events.Bus // may be nil: no pushes
	Log    *slog.Logger

	MaxPerIP     int           // open connections per client address (default 64)
	InFlight     int           // commands running at once per socket (default 8)
	PingInterval time.Duration // default 25 s
	PingTimeout  time.Duration // default 20 s
}

// Path is where the endpoint is served, as KM's clients expect.
const Path = "/socket.io/"

// Server is the socket.io endpoint.
type Server struct {
	o       Options
	io      *socket.Server
	handler http.Handler
	ctx     context.Context
	stop    context.CancelFunc
	sub     *events.Sub
	pushed  chan struct{}

	mu    sync.Mutex
	perIP map[string]int
	open  atomic.Int64
}

// New makes the endpoint and starts forwarding domain events.
func New(o Options) *Server {
	if o.MaxPerIP <= 0 {
		o.MaxPerIP = 64
	}
	if o.InFlight <= 0 {
		o.InFlight = 8
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
	opts := socket.DefaultServerOptions()
	opts.SetServeClient(false)
	opts.SetPath(Path[:len(Path)-1])
	opts.SetPingInterval(o.PingInterval)
	opts.SetPingTimeout(o.PingTimeout)
	opts.SetConnectTimeout(10 * time.Second)
	// A command is capped at api.MaxBodyBytes, answered 413 in its ack; a
	// packet past this slack closes the connection.
	opts.SetMaxHttpBufferSize(api.MaxBodyBytes + 64<<10)
	opts.SetTransports(types.NewSet[transports.TransportCtor](&transports.PollingBuilder{}, &transports.WebSocketBuilder{}))
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{o: o, io: socket.NewServer(nil, opts), ctx: ctx, stop: cancel, perIP: map[string]int{}}
	s.handler = s.io.ServeHandler(nil)
	_ = s.io.Engine().On("connection", s.onEngineConnection)
	_ = s.io.On("connection", s.onConnection)
	if o.Events != nil {
		s.sub = o.Events.Subscribe(256)
		s.pushed = make(chan struct{})
		go s.forward()
	}
	return s
}

type ipKey struct{}

// WithClientIP records the client address that the router trusts (it knows
// the proxies): the endpoint counts connections and throttles logins by it.
func WithClientIP(r *http.Request, ip string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ipKey{}, ip))
}

func clientIP(ctx *types.HttpContext) string {
	if ctx == nil || ctx.Request() == nil {
		return ""
	}
	if ip, ok := ctx.Request().Context().Value(ipKey{}).(string); ok {
		return ip
	}
	return ctx.Request().RemoteAddr
}

// ServeHTTP serves Engine.IO's long-polling and websocket requests. A new
// connection (no sid) from an address already at its limit is refused here,
// before the engine takes it: closing it from the engine's connection event
// races with the library's own writes during a websocket handshake.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("sid") == "" {
		ip := r.RemoteAddr
		if v, ok := r.Context().Value(ipKey{}).(string); ok {
			ip = v
		}
		s.mu.Lock()
		over := s.perIP[ip] >= s.o.MaxPerIP
		s.mu.Unlock()
		if over {
			s.o.Log.Warn("socket.io: too many connections", "client_ip", ip)
			http.Error(w, "too many connections from this address", http.StatusTooManyRequests)
			return
		}
	}
	s.handler.ServeHTTP(w, r)
}

// Open is the number of open Engine.IO connections.
func (s *Server) Open() int { return int(s.open.Load()) }

// Close disconnects every socket and stops the pushes.
func (s *Server) Close() {
	s.stop()
	if s.sub != nil {
		s.o.Events.Unsubscribe(s.sub)
		<-s.pushed
	}
	done := make(chan struct{})
	s.io.Close(func(error) { close(done) })
	<-done
}

// onEngineConnection counts transport connections per client address. The
// limit is checked in ServeHTTP; handshakes that pass it at the same moment
// may overshoot it by as many.
func (s *Server) onEngineConnection(args ...any) {
	conn, ok := args[0].(interface {
		Request() *types.HttpContext
		Once(types.EventName, ...types.EventListener) error
	})
	if !ok {
		return
	}
	ip := clientIP(conn.Request())
	s.mu.Lock()
	s.perIP[ip]++
	s.mu.Unlock()
	s.open.Add(1)
	_ = conn.Once("close", func(...any) {
		s.open.Add(-1)
		s.mu.Lock()
		if s.perIP[ip]--; s.perIP[ip] <= 0 {
			delete(s.perIP, ip)
		}
		s.mu.Unlock()
	})
}

// client is one connected socket.
type client struct {
	sk    *socket.Socket
	ip    string
	id    string
	slots chan struct{} // commands running now
	n     atomic.Uint64
}

func (s *Server) onConnection(args ...any) {
	sk, ok := args[0].(*socket.Socket)
	if !ok {
		return
	}
	c := &client{sk: sk, ip: clientIP(sk.Request()), id: string(sk.Id()), slots: make(chan struct{}, s.o.InFlight)}
	// Backpressure: while every slot of this socket is busy, its transport
	// stops reading, so a flood waits in its own TCP buffers and costs the
	// other sockets nothing but their fair share.
	_ = sk.Conn().On("data", func(...any) {
		c.slots <- struct{}{}
		<-c.slots
	})
	sk.OnAny(func(args ...any) { s.onEvent(c, args) })
}

// onEvent runs one command whose client asked for an ack; an event without
// an ack is ignored, as it could not be answered.
func (s *Server) onEvent(c *client, args []any) {
	if len(args) < 2 {
		return
	}
	ack, ok := args[len(args)-1].(socket.Ack)
	name, isName := args[0].(string)
	if !ok || !isName {
		return
	}
	var arg any
	if len(args) > 2 {
		arg = args[1]
	}
	body, err := json.Marshal(arg)
	if err != nil {
		body = []byte("null")
	}
	cmd, _ := json.Marshal(name)
	raw := make([]byte, 0, len(body)+len(cmd)+16)
	raw = append(append(append(append(raw, `{"cmd":`...), cmd...), `,"body":`...), body...)
	raw = append(raw, '}')
	c.slots <- struct{}{}
	go func() {
		defer func() { <-c.slots }()
		who := api.Caller{ClientIP: c.ip, RequestID: fmt.Sprintf("sio-%s-%d", c.id, c.n.Add(1))}
		_, env := s.o.API.Dispatch(s.ctx, raw, nil, who)
		// Acks go out through the socket's own queue, which the
		// transports expect to be the only writer.
		c.sk.Enqueue(func() { ack([]any{env}, nil) })
	}()
}

// forward turns domain events into pushes to every socket. A push names
// what changed and nothing private: clients re-read what they may see.
func (s *Server) forward() {
	defer close(s.pushed)
	for e := range s.sub.C {
		if s.sub.Missed() {
			s.io.Emit(events.UsersUpdated) // some were lost: everything may have changed
		}
		switch e.Kind {
		case events.UserUpdated:
			s.io.Emit(events.UserUpdated, e.Login) // the login clients knew, the old one after a rename
		case events.UsersUpdated, events.SettingsUpdated:
			s.io.Emit(e.Kind)
		}
	}
}
