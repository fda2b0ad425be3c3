package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Throttle counts tries per key in the database, so that every process on
// it shares the same budgets: a limit of max tries per window per key.
// Keys are namespaced by scope ("ip", "login", ...).
type Throttle struct {
	s      *Store
	scope  string
	max    int
	window time.Duration
	now    func() time.Time
}

// Throttle makes a shared limiter of max tries per window for scope.
func (s *Store) Throttle(scope string, max int, window time.Duration, now func() time.Time) *Throttle {
	return &Throttle{s: s, scope: scope, max: max, window: window, now: now}
}

// takeSQL spends one try in one statement: a new key, or a key whose window
// ended, starts a window with one try; a live key gains one try only while
// under max. No row comes back when the budget is spent, so concurrent
// tries, from any process, cannot overrun it.
const takeSQL = `INSERT INTO throttles (name, tries, since_ms) VALUES (?, 1, ?)
ON CONFLICT (name) DO UPDATE SET
 tries = CASE WHEN throttles.since_ms <= ? THEN 1 ELSE throttles.tries + 1 END,
 since_ms = CASE WHEN throttles.since_ms <= ? THEN excluded.since_ms ELSE throttles.since_ms END
WHERE throttles.since_ms <= ? OR throttles.tries < ?
RETURNING tries`

func (t *Throttle) key(k string) string { return t.scope + ":" + k }

// ended is the start before which (inclusive) a window is over.
func (t *Throttle) ended() (now, ended int64) {
	n := t.now()
	return n.UnixMilli(), n.Add(-t.window).UnixMilli()
}

// Take spends one try of key, atomically with the check: false when the
// budget of the window is spent.
func (t *Throttle) Take(ctx context.Context, key string) (bool, error) {
	now, ended := t.ended()
	var tries int
	err := t.s.w.WithContext(ctx).Raw(takeSQL, t.key(key), now, ended, ended, ended, t.max).Row().Scan(&tries)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Refund gives back one try of key, within its window.
func (t *Throttle) Refund(ctx context.Context, key string) error {
	_, ended := t.ended()
	return t.s.w.WithContext(ctx).Exec("UPDATE throttles SET tries = tries - 1 WHERE name = ? AND tries > 0 AND since_ms > ?",
		t.key(key), ended).Error
}

// Reset forgets key, after a success.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	return t.s.w.WithContext(ctx).Exec("DELETE FROM throttles WHERE name = ?", t.key(key)).Error
}

// Allowed tells whether key may try again now.
func (t *Throttle) Allowed(ctx context.Context, key string) (bool, error) {
	_, ended := t.ended()
	var n int64
	err := t.s.r.WithContext(ctx).Raw("SELECT count(*) FROM throttles WHERE name = ? AND since_ms > ? AND tries >= ?",
		t.key(key), ended, t.max).Row().Scan(&n)
	return n == 0, err
}

// SweepThrottles forgets the counts whose window started before before.
func (s *Store) SweepThrottles(ctx context.Context, before time.Time) error {
	return s.w.WithContext(ctx).Exec("DELETE FROM throttles WHERE since_ms <= ?", before.UnixMilli()).Error
}
