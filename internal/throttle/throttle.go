// Package throttle counts failures per key in a fixed window, so that login
// guessing slows down without locking anybody out for good.
package throttle

import (
	"sync"
	"time"
)

// maxKeys bounds memory under a flood of distinct keys; past it, expired
// entries are swept and, if that is not enough, the oldest are dropped.
const maxKeys = 100_000

type entry struct {
	count int
	start time.Time
}

// Limiter allows max failures per key per window.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	hits   map[string]*entry
}

// New makes a limiter.
func New(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{max: max, window: window, now: now, hits: map[string]*entry{}}
}

// Allowed tells whether key may try again now.
func (l *Limiter) Allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.live(key)
	return e == nil || e.count < l.max
}

// Fail records one failure for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.add(key)
}

// Take spends one try of key's budget, atomically with the check: of many
// concurrent tries, at most max are let through in a window. A try that
// succeeds is given back with Refund (or Reset).
func (l *Limiter) Take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.live(key); e != nil && e.count >= l.max {
		return false
	}
	l.add(key)
	return true
}

// Refund gives back one try of key.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.live(key); e != nil && e.count > 0 {
		e.count--
	}
}

func (l *Limiter) add(key string) {
	e := l.live(key)
	if e == nil {
		if len(l.hits) >= maxKeys {
			l.sweep()
		}
		e = &entry{start: l.now()}
		l.hits[key] = e
	}
	e.count++
}

// Reset forgets key, after a success.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

func (l *Limiter) live(key string) *entry {
	e, ok := l.hits[key]
	if !ok {
		return nil
	}
	if l.now().Sub(e.start) >= l.window {
		delete(l.hits, key)
		return nil
	}
	return e
}

func (l *Limiter) sweep() {
	now := l.now()
	var oldestKey string
	var oldest time.Time
	for k, e := range l.hits {
		if now.Sub(e.start) >= l.window {
			delete(l.hits, k)
		} else if oldestKey == "" || e.start.Before(oldest) {
			oldestKey, oldest = k, e.start
		}
	}
	if len(l.hits) >= maxKeys {
		delete(l.hits, oldestKey)
	}
}
