package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// The gate reads a session and its user on every request. Two things keep
// that cheap (issue 16, docs/PERFORMANCE.md):
//
//   - a miss runs one statement prepared once on the readers' database/sql
//     pool and scanned by hand, without GORM building the statement again;
//   - a hit is served from a small cache of the rows last read, which any
//     write to the users or sessions tables through this store empties.
//
// Invalidation is a generation number, not a list of keys: every write
// statement on the writer that may touch users or sessions bumps it (GORM
// callbacks, so a write added later is covered without a call of its own),
// and an entry is used only while the generation it was read under is still
// the current one. An entry is only kept when the writer was idle when the
// read began: a transaction still open on the writer may have bumped the
// generation before its commit, and the read could have seen the rows of
// before the commit under the new generation. So a demotion, a password
// change, a deletion or a logout is seen by the next request, as without the
// cache. Another process sharing the database (PostgreSQL with several
// kmusers) does not bump this process's generation: ForgetSessions is the
// one function to call when it announces a change, and entries also expire
// after sessionCacheTTL so that the staleness is bounded even without it.
const (
	sessionCacheSize = 4096
	sessionCacheTTL  = 2 * time.Second
)

type sessionCache struct {
	gen      atomic.Uint64
	usersGen atomic.Uint64 // the users table's writes only (count_cache.go)
	writer   *sql.DB       // to see whether a write is in flight

	mu      sync.Mutex
	entries map[string]sessionEntry

	stmt prepared // the read of a miss (prepared.go)
}

type sessionEntry struct {
	gen  uint64
	at   time.Time
	sess users.Session
	user users.User
}

// watchWrites hooks the generation bump into every write statement of the
// writer. It runs once, when the store opens.
func (s *Store) watchWrites() error {
	sqlDB, err := s.w.DB()
	if err != nil {
		return err
	}
	s.sessions.writer = sqlDB
	bump := func(db *gorm.DB) {
		switch db.Statement.Table {
		case "users", "":
			s.sessions.usersGen.Add(1)
			s.sessions.gen.Add(1)
		case "sessions":
			s.sessions.gen.Add(1)
		}
	}
	cb := s.w.Callback()
	for name, err := range map[string]error{
		"create": cb.Create().After("gorm:create").Register("kmusers:sessions_create", bump),
		"update": cb.Update().After("gorm:update").Register("kmusers:sessions_update", bump),
		"delete": cb.Delete().After("gorm:delete").Register("kmusers:sessions_delete", bump),
		"raw":    cb.Raw().After("gorm:raw").Register("kmusers:sessions_raw", bump),
	} {
		if err != nil {
			return errors.Join(errors.New("store: watch "+name), err)
		}
	}
	return s.watchTxStatements() // tx_stmts.go
}

// ForgetSessions drops what the gate remembers of login's sessions and user
// (today: everything, which is as cheap). Call it when another process
// changed login's account or sessions.
func (s *Store) ForgetSessions(login string) {
	s.sessions.usersGen.Add(1)
	s.sessions.gen.Add(1)
	s.sessions.mu.Lock()
	clear(s.sessions.entries)
	s.sessions.mu.Unlock()
}

func (c *sessionCache) get(id string, now time.Time) (*users.Session, *users.User, bool) {
	gen := c.gen.Load()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || e.gen != gen || now.Sub(e.at) >= sessionCacheTTL || now.Before(e.at) {
		return nil, nil, false
	}
	ss, u := e.sess, copyUser(e.user)
	return &ss, &u, true
}

func (c *sessionCache) put(id string, gen uint64, now time.Time, ss *users.Session, u *users.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= sessionCacheSize {
		c.entries = make(map[string]sessionEntry, 64)
	}
	c.entries[id] = sessionEntry{gen: gen, at: now, sess: *ss, user: copyUser(*u)}
}

// writerIdle tells whether no statement or transaction holds the writer.
func (c *sessionCache) writerIdle() bool {
	return c.writer != nil && c.writer.Stats().InUse == 0
}

// copyUser copies u deep enough that the copy's owner may change any field
// without touching the cached one.
func copyUser(u users.User) users.User {
	for _, p := range []**string{&u.Bio, &u.URL, &u.Email, &u.Location, &u.Language, &u.MainSeriesLang,
		&u.FallbackSeriesLang, &u.Banner, &u.AnimeListToFetch} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	if u.FlagSendstats != nil {
		v := *u.FlagSendstats
		u.FlagSendstats = &v
	}
	if u.AnimeListLastModifiedAt != nil {
		v := *u.AnimeListLastModifiedAt
		u.AnimeListLastModifiedAt = &v
	}
	if u.AnimeListIDs != nil {
		u.AnimeListIDs = append(make(users.IntList, 0, len(u.AnimeListIDs)), u.AnimeListIDs...)
	}
	return u
}

// SessionUser reads a session and its user: from the cache when nothing was
// written since, else in one query (see above).
func (s *Store) SessionUser(ctx context.Context, id string) (*users.Session, *users.User, error) {
	c := &s.sessions
	now := time.Now()
	if ss, u, ok := c.get(id, now); ok {
		return ss, u, nil
	}
	gen := c.gen.Load()
	keep := c.writerIdle()
	ss, u, err := s.readSessionUser(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if keep {
		c.put(id, gen, now, ss, u)
	}
	return ss, u, nil
}

func (s *Store) readSessionUser(ctx context.Context, id string) (*users.Session, *users.User, error) {
	st, err := s.sessions.stmt.get(s, sessionUserSQL)
	if err != nil {
		return nil, nil, err
	}
	var ss users.Session
	var u users.User
	dst := append([]any{&ss.ID, &ss.Login, &ss.Kind, &ss.CreatedAt, &ss.LastUsedAt, &ss.ExpiresAt, &ss.Deadline,
		&ss.IdleFor, &ss.ClientIP, &ss.UserAgent}, userTargets(&u)...)
	err = st.QueryRowContext(ctx, id).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, users.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return &ss, &u, nil
}

func (c *sessionCache) close() { c.stmt.close() }
