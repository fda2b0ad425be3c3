package throttle

import (
	"sync"
	"time"
)

// Bucket is a token bucket per key: burst tries at once, then one every
// 1/rate; for rates of creation (sign-ups per address, uploads per user).
type Bucket struct {
	mu    sync.Mutex
	every time.Duration
	burst float64
	now   func() time.Time
	keys  map[string]*fill
}

type fill struct {
	tokens float64
	at     time.Time
}

// NewBucket allows perHour tries an hour per key after a burst.
func NewBucket(perHour, burst int, now func() time.Time) *Bucket {
	return &Bucket{every: time.Hour / time.Duration(max(perHour, 1)), burst: float64(max(burst, 1)), now: now, keys: map[string]*fill{}}
}

// Take spends one try of key, or says no.
func (b *Bucket) Take(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	f, ok := b.keys[key]
	if !ok {
		if len(b.keys) >= maxKeys {
			b.sweep(now)
		}
		f = &fill{tokens: b.burst, at: now}
		b.keys[key] = f
	}
	f.tokens = min(b.burst, f.tokens+float64(now.Sub(f.at))/float64(b.every))
	f.at = now
	if f.tokens < 1 {
		return false
	}
	f.tokens--
	return true
}

// Give returns one try to key, for a try refused before it cost anything.
func (b *Bucket) Give(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f, ok := b.keys[key]; ok {
		f.tokens = min(b.burst, f.tokens+1)
	}
}

// sweep drops keys whose bucket is full again (they hold nothing).
func (b *Bucket) sweep(now time.Time) {
	for k, f := range b.keys {
		if f.tokens+float64(now.Sub(f.at))/float64(b.every) >= b.burst {
			delete(b.keys, k)
		}
	}
	for k := range b.keys {
		if len(b.keys) < maxKeys {
			break
		}
		delete(b.keys, k)
	}
}
