package store

import (
	"context"
	"sync"

	"github.com/kmusers/kmusers/internal/users"
)

// The panel's /users page and getUsers of large pages count the list, and a
// count(*) of 100,000 rows per request was a third of the page's CPU (issue
// 16). The counts of the unfiltered lists (every user, public users) are
// kept and recounted only after a write to the users table, like the gate's
// cache (session_cache.go): the generation of the users table, bumped by
// every write statement, tells a kept count from a stale one, and a count
// is kept only when no write was in flight when it began. Filtered counts
// are not kept: they are many and cheaper (an index range).
type countCache struct {
	mu   sync.Mutex
	kept map[bool]keptCount // by PublicOnly
}

type keptCount struct {
	gen uint64
	n   int64
}

// unfiltered tells a query whose count is the whole table's or the public
// users': paging and order do not change a count. A field added to
// ListQuery counts as a filter until it is named here.
func unfiltered(q users.ListQuery) bool {
	q.PublicOnly, q.Sort, q.Desc, q.Offset, q.Limit = false, "", false, 0, 0
	return q == users.ListQuery{}
}

// keptCountUsers is CountUsers through the kept counts.
func (s *Store) keptCountUsers(ctx context.Context, q users.ListQuery, count func() (int64, error)) (int64, error) {
	if !unfiltered(q) {
		return count()
	}
	c := &s.counts
	gen := s.sessions.usersGen.Load()
	c.mu.Lock()
	k, ok := c.kept[q.PublicOnly]
	c.mu.Unlock()
	if ok && k.gen == gen {
		return k.n, nil
	}
	keep := s.sessions.writerIdle()
	n, err := count()
	if err != nil || !keep {
		return n, err
	}
	c.mu.Lock()
	if c.kept == nil {
		c.kept = map[bool]keptCount{}
	}
	c.kept[q.PublicOnly] = keptCount{gen: gen, n: n}
	c.mu.Unlock()
	return n, nil
}
