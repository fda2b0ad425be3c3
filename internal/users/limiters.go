package users

import (
	"context"
	"log/slog"
	"time"

	"github.com/kmusers/kmusers/internal/throttle"
)

// Limiter is a budget of tries per key in a window: login failures by
// address, account and device, reset mails by account. *throttle.Limiter
// keeps it in memory (one process); SharedLimiter in the database, for N
// processes over one database.
type Limiter interface {
	// Take spends a try, atomically with the check: false when none is left.
	Take(key string) bool
	Refund(key string)
	Reset(key string)
	Allowed(key string) bool
	Fail(key string)
}

// Limiters makes the limiter of one scope; nil in Options: in memory.
type Limiters func(scope string, max int, window time.Duration) Limiter

func memoryLimiters(now func() time.Time) Limiters {
	return func(_ string, max int, window time.Duration) Limiter { return throttle.New(max, window, now) }
}

// SharedThrottle counts tries in a database (store.Throttle).
type SharedThrottle interface {
	Take(ctx context.Context, key string) (bool, error)
	Refund(ctx context.Context, key string) error
	Reset(ctx context.Context, key string) error
	Allowed(ctx context.Context, key string) (bool, error)
}

// limiterTimeout bounds one throttle statement.
const limiterTimeout = 5 * time.Second

// SharedLimiter is a Limiter over a database's counts. It fails closed: a
// try the database cannot count is refused (it could not have been checked
// either).
func SharedLimiter(t SharedThrottle, log *slog.Logger) Limiter { return sharedLimiter{t, log} }

type sharedLimiter struct {
	t   SharedThrottle
	log *slog.Logger
}

func (l sharedLimiter) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), limiterTimeout)
}

func (l sharedLimiter) Take(key string) bool {
	ctx, cancel := l.ctx()
	defer cancel()
	ok, err := l.t.Take(ctx, key)
	if err != nil {
		l.log.Error("throttle: try not counted, refused", "err", err)
	}
	return ok && err == nil
}

func (l sharedLimiter) Fail(key string) { l.Take(key) }

func (l sharedLimiter) Refund(key string) {
	ctx, cancel := l.ctx()
	defer cancel()
	if err := l.t.Refund(ctx, key); err != nil {
		l.log.Warn("throttle: try not given back", "err", err)
	}
}

func (l sharedLimiter) Reset(key string) {
	ctx, cancel := l.ctx()
	defer cancel()
	if err := l.t.Reset(ctx, key); err != nil {
		l.log.Warn("throttle: count not reset", "err", err)
	}
}

func (l sharedLimiter) Allowed(key string) bool {
	ctx, cancel := l.ctx()
	defer cancel()
	ok, err := l.t.Allowed(ctx, key)
	if err != nil {
		l.log.Warn("throttle: count not read", "err", err)
	}
	return ok && err == nil
}

// ReloadSettings reads the settings again: another process sharing the
// database saved them (its settingsUpdated event came over the bridge).
func (s *Service) ReloadSettings(ctx context.Context) error { return s.loadSettings(ctx) }
