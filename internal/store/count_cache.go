package store

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/kmusers/kmusers/internal/users"
)

// The panel's /users page and getUsers of large pages count the list, and a
// count(*) of 100,000 rows per request was a third of the page's CPU (issue
// 16); a search matching 10,000 users costs as much to count, again on
// every page of it (issue 15). So counts are kept, by view (the query but
// its paging and order), and recounted only after a write to the users
// table, like the gate's cache (session_cache.go): the generation of the
// users table, bumped by every write statement on the writer (the search's
// suffix rows are written by raw SQL, which bumps it too), tells a kept
// count from a stale one, and a count is kept only when no write was in
// flight when it began. At most countCacheSize views are kept (the map
// starts again when full). Counts relative to the clock (ActiveSince) are
// not kept: their key changes with every request.
//
// Nothing is kept on PostgreSQL (no writer hook there): another process may
// write (docs/PERFORMANCE.md, "The gate").
const countCacheSize = 256

type countCache struct {
	mu   sync.Mutex
	kept map[string]keptCount // by countKey
}

type keptCount struct {
	gen uint64
	n   int64
}

// countKey names a query's view: paging and order do not change a count.
// Every field takes part (%#v), so a field added to ListQuery separates
// views until it is named here; a pointer is keyed by its value.
func countKey(q users.ListQuery) string {
	t := -1
	if q.Type != nil {
		t = *q.Type
	}
	q.Type, q.Sort, q.Desc, q.Offset, q.Limit = nil, "", false, 0, 0
	return fmt.Sprintf("%d|%#v", t, q)
}

// unfiltered tells a query whose count is the whole table's or the public
// users': paging and order do not change a count. A field added to
// ListQuery counts as a filter until it is named here.
func unfiltered(q users.ListQuery) bool {
	q.PublicOnly, q.Sort, q.Desc, q.Offset, q.Limit = false, "", false, 0, 0
	return q == users.ListQuery{}
}

// searchOnly tells a query that only searches (at least two letters, the
// suffix index's case): its count is the number of distinct logins among
// the suffixes found, read from user_suffixes alone (each suffix row has
// its user, by foreign key), without looking each user up. A field added
// to ListQuery counts as a filter until it is named here.
func searchOnly(q users.ListQuery) (folded string, ok bool) {
	f := Fold(q.Filter)
	q.Filter, q.Sort, q.Desc, q.Offset, q.Limit = "", "", false, 0, 0
	return f, utf8.RuneCountInString(f) >= 2 && q == users.ListQuery{}
}

// countView counts a view, uncached.
func (s *Store) countView(ctx context.Context, q users.ListQuery) (int64, error) {
	if q.HideUnusedGuests {
		return s.countHiding(ctx, q)
	}
	var n int64
	db := s.r.WithContext(ctx)
	if f, ok := searchOnly(q); ok {
		err := db.Raw("SELECT count(DISTINCT login) FROM user_suffixes WHERE suffix >= ? AND suffix < ?", f, f+maxRune).Row().Scan(&n)
		return n, err
	}
	err := filtered(db.Model(&users.User{}), q).Count(&n).Error
	return n, err
}

// keptCountUsers is CountUsers through the kept counts.
func (s *Store) keptCountUsers(ctx context.Context, q users.ListQuery, count func() (int64, error)) (int64, error) {
	if q.ActiveSince != nil {
		return count()
	}
	c := &s.counts
	key := countKey(q)
	gen := s.sessions.usersGen.Load()
	c.mu.Lock()
	k, ok := c.kept[key]
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
	if c.kept == nil || len(c.kept) >= countCacheSize {
		c.kept = make(map[string]keptCount, 16)
	}
	c.kept[key] = keptCount{gen: gen, n: n}
	c.mu.Unlock()
	return n, nil
}
