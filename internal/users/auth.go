package users

import (
	"context"
	"time"

	"github.com/kmusers/kmusers/internal/events"
)

// Authenticate checks a token and returns its user as stored now, so that
// a demotion or a deletion bites at once. It records activity.
func (s *Service) Authenticate(ctx context.Context, token string) (*User, error) {
	u, _, err := s.AuthenticateSession(ctx, token)
	return u, err
}

// AuthenticateSession checks a token against its row in the session
// registry (alive, not expired, same user) and its signature, and returns
// the user as stored now with the session.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*User, *Session, error) {
	c, err := s.tokens.Peek(token)
	if err != nil {
		return nil, nil, ErrInvalidToken
	}
	if c.Exp != 0 && s.now().Unix() >= c.Exp {
		return nil, nil, ErrInvalidToken
	}
	row, u, err := s.resume(ctx, c.JTI, KindToken, func(u *User) bool {
		return u.Login == NormalizeLogin(c.Username) && s.tokens.Verify(token, u) == nil
	})
	if err != nil {
		return nil, nil, err
	}
	return u, row, nil
}

// Touch records that u is active, writing at most once a minute per user so
// that reads do not all turn into writes.
func (s *Service) Touch(ctx context.Context, u *User) {
	now := s.now().UTC()
	if now.Sub(u.LastLoginAt) < activityStep {
		return
	}
	wrote, err := s.store.TouchUser(ctx, u.Login, now, now.Add(-activityStep))
	if err != nil {
		s.log.Warn("activity not recorded", "login", u.Login, "err", err)
		return
	}
	if !wrote {
		return // another request or process recorded it, and announced it
	}
	wasOnline := s.IsActive(u)
	u.LastLoginAt = now
	if !wasOnline {
		s.publish(events.UserUpdated, u.Login, "") // came online
	}
}

// Token opens a token session for u with no request at hand; prefer
// IssueToken, which records the client.
func (s *Service) Token(u *User) (string, error) { return s.IssueToken(context.Background(), u) }

// Now is the service's clock, for callers that show times relative to it.
func (s *Service) Now() time.Time { return s.now() }
