package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// getUsers pages by from/size, so a deep page is an OFFSET: SQLite walks
// every index entry before it, up to 100,000 of them, and a random page of
// 2,000 cost twice page 1 (issue 16 wants at least 70% of page 1's rate).
// So, for views in login order, the login at every anchorStep-th position
// is kept: page k starts from the nearest anchor below it (login >= anchor)
// and skips fewer than anchorStep entries. Anchors are found on demand,
// each from the one before it, so finding them walks no further than the
// OFFSET they replace would have; a page beyond the known ones extends
// them.
//
// They are kept under the rule of the kept counts (count_cache.go): the
// users table's generation, and only when no write was in flight when the
// walk began. So a stale anchor is never used, and a page read from an
// anchor holds exactly the rows of the plain OFFSET. Nothing is kept on
// PostgreSQL (no writer hook there), nor for views relative to the clock.
const (
	anchorStep  = 2048
	anchorViews = 16
)

type anchorCache struct {
	mu    sync.Mutex
	views map[string]*anchors // by countKey
}

// anchors[i] is the login at position (i+1)*anchorStep of a view, in
// ascending login order, under the users table's generation gen.
type anchors struct {
	gen    uint64
	logins []string
	end    bool // the view has no row at the next anchor's position
}

// anchored tells whether a page of q may start from an anchor.
func anchored(q users.ListQuery) bool {
	return q.Limit > 0 && q.Offset >= anchorStep && !q.Desc && q.ActiveSince == nil &&
		(q.Sort == "" || q.Sort == users.SortLogin)
}

// pageOf narrows view to the rows from q's page on (its Offset), from the
// nearest anchor when there is one; the caller orders and limits it.
func (s *Store) pageOf(ctx context.Context, db *gorm.DB, view *gorm.DB, q users.ListQuery) (*gorm.DB, error) {
	if !anchored(q) {
		return view.Offset(q.Offset), nil
	}
	from, at, err := s.pageStart(ctx, db, q)
	if err != nil || from == "" {
		return view.Offset(q.Offset), err
	}
	return view.Where("login >= ?", from).Offset(q.Offset - at), nil
}

// pageStart returns the anchor at or below offset and its position, or
// ("", 0) when none is known and none can be kept now.
func (s *Store) pageStart(ctx context.Context, db *gorm.DB, q users.ListQuery) (string, int, error) {
	want := q.Offset/anchorStep - 1 // the index of the anchor at or below Offset
	key := countKey(q)
	gen := s.sessions.usersGen.Load()
	c := &s.anchors
	c.mu.Lock()
	a := c.views[key]
	var known []string
	end := false
	if a != nil && a.gen == gen {
		known, end = a.logins, a.end
	}
	c.mu.Unlock()
	if len(known) > want {
		return known[want], (want + 1) * anchorStep, nil
	}
	if end || !s.sessions.writerIdle() {
		return lastAnchor(known)
	}
	found, end, err := extendAnchors(ctx, db, q, known, want)
	if err != nil {
		return "", 0, err
	}
	c.mu.Lock()
	if c.views == nil || len(c.views) >= anchorViews {
		c.views = make(map[string]*anchors, 4)
	}
	if cur := c.views[key]; cur == nil || cur.gen != gen || len(cur.logins) < len(found) {
		c.views[key] = &anchors{gen: gen, logins: found, end: end}
	}
	c.mu.Unlock()
	return lastAnchor(found)
}

func lastAnchor(known []string) (string, int, error) {
	if len(known) == 0 {
		return "", 0, nil
	}
	return known[len(known)-1], len(known) * anchorStep, nil
}

// extendAnchors finds the anchors after known up to index want, each a
// one-row query that skips anchorStep entries from the one before. end
// tells that the view ended first.
func extendAnchors(ctx context.Context, db *gorm.DB, q users.ListQuery, known []string, want int) ([]string, bool, error) {
	found := append([]string(nil), known...)
	for len(found) <= want {
		view := filtered(db.WithContext(ctx).Model(&users.User{}), q)
		skip := anchorStep
		if n := len(found); n > 0 {
			view, skip = view.Where("login > ?", found[n-1]), anchorStep-1
		}
		var login string
		err := view.Select("login").Order("login").Limit(1).Offset(skip).Row().Scan(&login)
		if errors.Is(err, sql.ErrNoRows) {
			return found, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		found = append(found, login)
	}
	return found, false, nil
}
