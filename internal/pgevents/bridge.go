// Package pgevents carries the events of the in-process bus between the
// processes that share one PostgreSQL database, over LISTEN/NOTIFY: an
// edit on A reaches the socket.io clients and the panel streams of B.
//
// A notification is small (the event's kind and logins, and the sending
// process's id so that it skips its own); receivers re-read what they show.
// The listening connection is reconnected when lost, and since events may
// have been missed meanwhile, every subscriber is then told to refresh.
package pgevents

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmusers/kmusers/internal/events"
)

// Channel is the NOTIFY channel of kmusers' events.
const Channel = "kmusers_events"

// queued bounds the events waiting to be sent; past it they are dropped
// (the bus never blocks its publisher) and the receivers learn of it.
const queued = 1024

// Retry delays of a lost connection.
const (
	retryFirst = 100 * time.Millisecond
	retryMax   = 5 * time.Second
)

// wire is a notification's payload.
type wire struct {
	From     string `json:"f"`
	Kind     string `json:"k"`
	Login    string `json:"l,omitempty"`
	NewLogin string `json:"n,omitempty"`
	Missed   bool   `json:"m,omitempty"` // the sender dropped events
}

// Bridge relays a bus to and from the other processes.
type Bridge struct {
	dsn    string
	bus    *events.Bus
	log    *slog.Logger
	id     string
	out    chan wire
	remote func(events.Event) // called for each event from another process
	missed bool               // guarded by mu
	mu     sync.Mutex
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Options tune a bridge.
type Options struct {
	// OnRemote, when set, is called with each event from another process
	// (before its delivery to the local subscribers, who may re-read what
	// it refreshed), and with a zero Event after a reconnection: e.g. to
	// reload cached settings.
	OnRemote func(events.Event)
}

// Start connects to dsn, listens, and relays bus's events until Close.
// It returns once listening, or with the first connection's error.
func Start(ctx context.Context, dsn string, bus *events.Bus, log *slog.Logger, o Options) (*Bridge, error) {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	b := &Bridge{dsn: dsn, bus: bus, log: log, id: hex.EncodeToString(id), out: make(chan wire, queued),
		remote: o.OnRemote}
	first, err := b.listen(ctx)
	if err != nil {
		return nil, err
	}
	sender, err := pgx.Connect(ctx, dsn)
	if err != nil {
		first.Close(context.Background())
		return nil, err
	}
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	b.done.Add(2)
	go b.receive(ctx, first)
	go b.send(ctx, sender)
	bus.Relay(b.publish)
	return b, nil
}

// Close stops relaying and closes the connections.
func (b *Bridge) Close() {
	b.bus.Relay(nil)
	b.cancel()
	b.done.Wait()
}

// publish queues a local event for the others; it never blocks.
func (b *Bridge) publish(e events.Event) {
	w := wire{From: b.id, Kind: e.Kind, Login: e.Login, NewLogin: e.NewLogin}
	select {
	case b.out <- w:
	default:
		b.mu.Lock()
		b.missed = true
		b.mu.Unlock()
	}
}

func (b *Bridge) listen(ctx context.Context) (*pgx.Conn, error) {
	c, err := pgx.Connect(ctx, b.dsn)
	if err != nil {
		return nil, err
	}
	if _, err := c.Exec(ctx, "LISTEN "+Channel); err != nil {
		c.Close(context.Background())
		return nil, err
	}
	return c, nil
}

// receive delivers notifications until ctx ends, reconnecting when the
// connection is lost.
func (b *Bridge) receive(ctx context.Context, c *pgx.Conn) {
	defer b.done.Done()
	delay := retryFirst
	for {
		for c != nil {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				c.Close(context.Background())
				c = nil
				if ctx.Err() != nil {
					return
				}
				b.log.Warn("events: listening connection lost", "err", err)
				break
			}
			delay = retryFirst
			b.deliver(n.Payload)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		var err error
		if c, err = b.listen(ctx); err != nil {
			delay = min(2*delay, retryMax)
			continue
		}
		b.log.Info("events: listening again")
		b.lost()
	}
}

// lost tells every local subscriber that events may have been missed.
func (b *Bridge) lost() {
	if b.remote != nil {
		b.remote(events.Event{})
	}
	b.bus.MissedAll()
	b.bus.Deliver(events.Event{Kind: events.UsersUpdated})
}

func (b *Bridge) deliver(payload string) {
	var w wire
	if err := json.Unmarshal([]byte(payload), &w); err != nil || w.From == b.id {
		return
	}
	if w.Missed {
		b.lost()
	}
	if w.Kind == "" {
		return
	}
	e := events.Event{Kind: w.Kind, Login: w.Login, NewLogin: w.NewLogin}
	if b.remote != nil {
		b.remote(e) // first: a client told of new settings must read them
	}
	b.bus.Deliver(e)
}

// send writes queued events as notifications, reconnecting when needed.
func (b *Bridge) send(ctx context.Context, c *pgx.Conn) {
	defer b.done.Done()
	defer func() {
		if c != nil {
			c.Close(context.Background())
		}
	}()
	delay := retryFirst
	for {
		var w wire
		select {
		case <-ctx.Done():
			return
		case w = <-b.out:
		}
		b.mu.Lock()
		w.Missed, b.missed = b.missed, false
		b.mu.Unlock()
		payload, _ := json.Marshal(w)
		for {
			if c == nil {
				var err error
				if c, err = pgx.Connect(ctx, b.dsn); err != nil {
					if ctx.Err() != nil {
						return
					}
					select {
					case <-ctx.Done():
						return
					case <-time.After(delay):
					}
					delay = min(2*delay, retryMax)
					continue
				}
			}
			_, err := c.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, string(payload))
			if err == nil {
				delay = retryFirst
				break
			}
			c.Close(context.Background())
			c = nil
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return
			}
			b.log.Warn("events: notify failed, reconnecting", "err", err)
		}
	}
}
