package users

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Get returns the profile of login as viewer may see it: operators see every
// account, others only public ones (and their own); the rest is ErrNotFound.
func (s *Service) Get(ctx context.Context, viewer *User, login string) (*User, error) {
	u, err := s.store.UserByLogin(ctx, NormalizeLogin(login))
	if err != nil {
		return nil, fmt.Errorf("users: get: %w", err)
	}
	if !CanSee(viewer, u) {
		return nil, ErrNotFound
	}
	if !CanSeeEmail(viewer, u) {
		u.Email = nil // what a viewer may not see never leaves the domain
	}
	return u, nil
}

// CanSee tells whether viewer (nil: anonymous) may see u's profile.
func CanSee(viewer, u *User) bool {
	return u.FlagPublic || isOperator(viewer) || isSelf(viewer, u)
}

// CanSeeEmail tells whether viewer may see u's e-mail: its owner and
// operators only.
func CanSeeEmail(viewer, u *User) bool { return isOperator(viewer) || isSelf(viewer, u) }

func isSelf(viewer, u *User) bool { return viewer != nil && viewer.Login == u.Login }

// List returns a page of users as viewer may see them.
func (s *Service) List(ctx context.Context, viewer *User, q ListQuery) ([]User, error) {
	var list []User
	err := s.Each(ctx, viewer, q, func(u *User) error {
		list = append(list, *u)
		return nil
	})
	return list, err
}

// Each streams the users of a list to fn, so that the list of every user
// never sits in memory whole. The *User is reused between calls.
func (s *Service) Each(ctx context.Context, viewer *User, q ListQuery, fn func(*User) error) error {
	if err := s.store.EachUser(ctx, s.scopeList(viewer, q), fn); err != nil {
		return fmt.Errorf("users: list: %w", err)
	}
	return nil
}

// Count is the number of users List would return without paging.
func (s *Service) Count(ctx context.Context, viewer *User, q ListQuery) (int64, error) {
	n, err := s.store.CountUsers(ctx, s.scopeList(viewer, q))
	if err != nil {
		return 0, fmt.Errorf("users: count: %w", err)
	}
	return n, nil
}

func (s *Service) scopeList(viewer *User, q ListQuery) ListQuery {
	q.Filter = strings.ToLower(strings.TrimSpace(q.Filter))
	if !isOperator(viewer) {
		q.PublicOnly = true
	}
	return q
}

// Online is how many users are online now, as an operator sees them, and
// how long until the first of them leaves the online window (zero when none
// is online): the one change no write announces.
func (s *Service) Online(ctx context.Context, viewer *User) (n int64, firstLeavesIn time.Duration, err error) {
	if !isOperator(viewer) {
		return 0, 0, ErrUnauthorized
	}
	since := s.OnlineSince()
	n, oldest, err := s.store.CountActive(ctx, since)
	if err != nil {
		return 0, 0, fmt.Errorf("users: online: %w", err)
	}
	if n == 0 {
		return 0, 0, nil
	}
	return n, oldest.Sub(since), nil
}

// OnlineSince is the start of the online window: users active after it
// are online now.
func (s *Service) OnlineSince() time.Time { return s.now().UTC().Add(-s.onlineWindow) }
