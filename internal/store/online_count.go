package store

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// Every operator page shows how many users are online, and counting them
// (with when the first of them leaves) was a tenth of the /users page's
// CPU (issue 16). The count at since0 holds at any later since up to the
// oldest activity counted: nobody counted has left, and nobody
// uncounted can come back without a write (a login touches last_login_at).
// So it is kept under the kept counts' rule (count_cache.go): the users
// table's generation, and only when no write was in flight when the read
// began; nothing is kept on PostgreSQL.
type activeCache struct {
	mu     sync.Mutex
	ok     bool
	gen    uint64
	since  time.Time
	n      int64
	oldest time.Time
}

// holds tells whether the kept count answers since under generation gen.
func (c *activeCache) holds(gen uint64, since time.Time) bool {
	return c.ok && c.gen == gen && !since.Before(c.since) && (c.n == 0 || !since.After(c.oldest))
}

// CountActive counts the users active at or after since, and returns the
// earliest of their activity times (zero when none).
func (s *Store) CountActive(ctx context.Context, since time.Time) (int64, time.Time, error) {
	c := &s.active
	gen := s.sessions.usersGen.Load()
	c.mu.Lock()
	if c.holds(gen, since) {
		n, oldest := c.n, c.oldest
		c.mu.Unlock()
		return n, oldest, nil
	}
	c.mu.Unlock()
	keep := s.sessions.writerIdle()
	n, oldest, err := countActive(s.r.WithContext(ctx), since)
	if err != nil || !keep {
		return n, oldest, err
	}
	c.mu.Lock()
	c.ok, c.gen, c.since, c.n, c.oldest = true, gen, since, n, oldest
	c.mu.Unlock()
	return n, oldest, nil
}

// countActive reads the count and the oldest activity, uncached: both on
// the index of last_login_at.
func countActive(db *gorm.DB, since time.Time) (int64, time.Time, error) {
	var n int64
	active := func() *gorm.DB { return db.Model(&users.User{}).Where("last_login_at >= ?", since) }
	if err := active().Count(&n).Error; err != nil || n == 0 {
		return 0, time.Time{}, err
	}
	var oldest time.Time
	err := active().Select("last_login_at").Order("last_login_at").Limit(1).Row().Scan(&oldest)
	return n, oldest.UTC(), err
}
