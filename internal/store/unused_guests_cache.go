package store

import (
	"slices"
	"sync"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// The panel's /users page hides the built-in guests nobody used yet, and
// finding them was a read of 44 keys twice per page (issue 16: the page
// must stay ≥ 3% of a bare server's rate). They change only by a write to
// users (a guest's first login), so they are kept like the unfiltered
// counts (count_cache.go): under the generation of the users table, and
// only when no write was in flight when the read began.
type unusedCache struct {
	mu     sync.Mutex
	ok     bool
	gen    uint64
	logins []string // padded with "", shared: callers never change it
}

// keptUnusedGuests is unusedGuests through the cache.
func (s *Store) keptUnusedGuests(db *gorm.DB) ([]string, error) {
	c := &s.unused
	gen := s.sessions.usersGen.Load()
	c.mu.Lock()
	if c.ok && c.gen == gen {
		l := c.logins
		c.mu.Unlock()
		return l, nil
	}
	c.mu.Unlock()
	keep := s.sessions.writerIdle()
	l, err := unusedGuests(db)
	if err != nil || !keep {
		return l, err
	}
	c.mu.Lock()
	c.ok, c.gen, c.logins = true, gen, l
	c.mu.Unlock()
	return l, nil
}

// hiddenIn are the unused guests a view holds. A view with no filter holds
// all of them, which needs no read.
func hiddenIn(db *gorm.DB, q users.ListQuery, padded []string) ([]string, error) {
	if unfiltered(q) && !q.PublicOnly {
		return slices.DeleteFunc(slices.Clone(padded), func(l string) bool { return l == "" }), nil
	}
	var hidden []string
	err := filteredAmong(db, q, padded).Pluck("login", &hidden).Error // users_search.go
	return hidden, err
}
