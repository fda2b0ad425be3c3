package users

import (
	"context"
	"errors"
	"time"

	"github.com/kmusers/kmusers/internal/events"
)

// Authenticate checks a token and returns its user as stored now, so that
// a demotion or a deletion bites at once. It records activity.
func (s *Service) Authenticate(ctx context.Context, token string) (*User, error) {
	c, err := s.tokens.Peek(token)
	if err != nil {
		return nil, ErrInvalidToken
	}
	u, err := s.store.UserByLogin(ctx, NormalizeLogin(c.Username))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if err := s.tokens.Verify(token, u); err != nil {
		return nil, ErrInvalidToken
	}
	s.Touch(ctx, u)
	return u, nil
}

// Touch records that u is active, writing at most once a minute per user so
// that reads do not all turn into writes.
func (s *Service) Touch(ctx context.Context, u *User) {
	now := s.now().UTC()
	if now.Sub(u.LastLoginAt) < activityStep {
		return
	}
	if err := s.store.TouchUser(ctx, u.Login, now, now.Add(-activityStep)); err != nil {
		s.log.Warn("activity not recorded", "login", u.Login, "err", err)
		return
	}
	wasOnline := s.IsActive(u)
	u.LastLoginAt = now
	if !wasOnline {
		s.publish(events.UserUpdated, u.Login, "") // came online
	}
}

// Token signs a new token for u.
func (s *Service) Token(u *User) (string, error) { return s.tokens.Sign(u, s.now()) }

// Now is the service's clock, for callers that show times relative to it.
func (s *Service) Now() time.Time { return s.now() }
