// Package events is a small in-process bus: the user service publishes what
// changed, the live faces (socket.io pushes, the panel's server-sent events)
// subscribe. An event names what changed, never its private data: a client
// re-reads what it may see.
package events

import "sync"

// The kinds of event, named as KM's socket.io pushes.
const (
	UserUpdated     = "userUpdated"     // a user was edited, renamed, or came online
	UsersUpdated    = "usersUpdated"    // a user was created or deleted
	SettingsUpdated = "settingsUpdated" // the settings changed
	// SessionsChanged: sessions of Login ended (a logout everywhere, one
	// session ended) with no change to the account itself, for caches of
	// session validity. Not pushed to clients.
	SessionsChanged = "sessionsChanged"
)

// Event is one change. Login is the account as clients knew it (the old
// login after a rename); NewLogin is set on a rename.
type Event struct {
	Kind     string
	Login    string
	NewLogin string
}

// Bus fans events out to subscribers. Publish never blocks: a subscriber
// whose buffer is full misses events, and learns it (Missed), so a slow
// reader cannot slow the writer of a profile.
type Bus struct {
	mu    sync.Mutex
	subs  map[*Sub]struct{}
	relay func(Event) // set by a bridge to other processes (pgevents)
}

// Sub is one subscription.
type Sub struct {
	C      <-chan Event
	c      chan Event
	mu     sync.Mutex
	missed bool
}

// New makes an empty bus.
func New() *Bus { return &Bus{subs: map[*Sub]struct{}{}} }

// Subscribe starts a subscription with a buffer of n events.
func (b *Bus) Subscribe(n int) *Sub {
	c := make(chan Event, n)
	s := &Sub{C: c, c: c}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Unsubscribe ends a subscription; its channel is closed.
func (b *Bus) Unsubscribe(s *Sub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.c)
	}
}

// Publish sends e to every subscriber that has room, and to the other
// processes when a bridge relays them. A nil bus drops it.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	b.Deliver(e)
	b.mu.Lock()
	relay := b.relay
	b.mu.Unlock()
	if relay != nil {
		relay(e)
	}
}

// Relay sends every event published here to fn too (which must not
// block): a bridge to the other processes on the same database.
func (b *Bus) Relay(fn func(Event)) {
	b.mu.Lock()
	b.relay = fn
	b.mu.Unlock()
}

// Deliver sends e to this process's subscribers only: an event that came
// from another process.
func (b *Bus) Deliver(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.c <- e:
		default:
			s.mu.Lock()
			s.missed = true
			s.mu.Unlock()
		}
	}
}

// Missed tells whether events were dropped since the last call, and clears
// it: the subscriber should then refresh everything.
func (s *Sub) Missed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.missed
	s.missed = false
	return m
}

// MissedAll tells every subscriber that events may have been lost (a
// bridge lost its connection), so each refreshes everything.
func (b *Bus) MissedAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.mu.Lock()
		s.missed = true
		s.mu.Unlock()
	}
}

// Subscribers is the number of live subscriptions.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
