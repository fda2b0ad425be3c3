package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/kmusers/kmusers/internal/events"
)

// Kinds of session in the registry.
const (
	KindToken = "token" // an API token (its JWT id)
	KindPanel = "panel" // a panel browser session (its cookie's id)
)

// Session is one row of the session registry: every API token and every
// panel session. A session is valid while it has a row, its ExpiresAt is in
// the future and, when set, its Deadline too.
type Session struct {
	ID         string     `gorm:"column:id;primaryKey"`
	Login      string     `gorm:"column:login"`
	Kind       string     `gorm:"column:kind"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	LastUsedAt time.Time  `gorm:"column:last_used_at"`
	ExpiresAt  time.Time  `gorm:"column:expires_at"` // slides at each use
	Deadline   *time.Time `gorm:"column:deadline"`   // absolute end, nil: none
	IdleFor    int64      `gorm:"column:idle_for"`   // seconds the expiry slides by
	ClientIP   string     `gorm:"column:client_ip"`
	UserAgent  string     `gorm:"column:user_agent"`
}

// TableName names the table for the store.
func (Session) TableName() string { return "sessions" }

// Handle names a session on pages and in forms without showing its id,
// which is a credential.
func (s *Session) Handle() string {
	h := sha256.Sum256([]byte("kmusers session handle\x00" + s.ID))
	return hex.EncodeToString(h[:9])
}

// SessionStore is the registry's storage.
type SessionStore interface {
	InsertSession(ctx context.Context, s *Session) error
	// SessionUser reads a session and its user together (one query: the
	// gate runs it on every request).
	SessionUser(ctx context.Context, id string) (*Session, *User, error)
	// TouchSession records a use, only when the stored use is older than before.
	TouchSession(ctx context.Context, id string, at, expires, before time.Time) error
	SessionsOf(ctx context.Context, login string) ([]Session, error)
	DeleteSession(ctx context.Context, login, id string) (bool, error)
	// SweepSessions deletes expired sessions and sessions of gone users.
	SweepSessions(ctx context.Context, now time.Time) (int64, error)
}

// Client is who sends the request being served: the faces put it in the
// context, the domain reads it to record and keep sessions.
type Client struct {
	IP        string
	UserAgent string
	Session   string // the registry id of the session making the request
	Device    string // the device cookie sent, if any
	Actor     string // the login of the authenticated caller, for the audit trail
}

type clientKey struct{}

// WithClient returns ctx carrying c.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFrom returns the client of the request, or a zero one.
func ClientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

// Session lifetimes.
const (
	DefaultTokenLife = 30 * 24 * time.Hour // tokens slide by this after each use
	PanelIdle        = 2 * time.Hour
	PanelShort       = 24 * time.Hour      // a browser session without "remember me"
	PanelRemember    = 30 * 24 * time.Hour // with it
	maxUserAgent     = 256
)

func newSessionID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// openSession writes a registry row for u.
func (s *Service) openSession(ctx context.Context, u *User, kind string, idle time.Duration, deadline *time.Time) (*Session, error) {
	now := s.now().UTC()
	cl := ClientFrom(ctx)
	ua := cl.UserAgent
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	row := &Session{
		ID: newSessionID(), Login: u.Login, Kind: kind, CreatedAt: now, LastUsedAt: now,
		ExpiresAt: slide(now, idle, deadline), Deadline: deadline, IdleFor: int64(idle / time.Second),
		ClientIP: cl.IP, UserAgent: ua,
	}
	if err := s.store.InsertSession(ctx, row); err != nil {
		return nil, fmt.Errorf("users: open session of %s: %w", u.Login, err)
	}
	return row, nil
}

func slide(now time.Time, idle time.Duration, deadline *time.Time) time.Time {
	t := now.Add(idle)
	if deadline != nil && deadline.Before(t) {
		t = *deadline
	}
	return t
}

// IssueToken opens a token session for u and signs its JWT.
func (s *Service) IssueToken(ctx context.Context, u *User) (string, error) {
	row, err := s.openSession(ctx, u, KindToken, s.tokenLife, nil)
	if err != nil {
		return "", err
	}
	return s.tokens.Sign(u, row.ID, s.now())
}

// StartPanelSession opens a panel session for u; remember makes it last 30
// days instead of one.
func (s *Service) StartPanelSession(ctx context.Context, u *User, remember bool) (*Session, error) {
	life := PanelShort
	if remember {
		life = PanelRemember
	}
	deadline := s.now().UTC().Add(life)
	return s.openSession(ctx, u, KindPanel, PanelIdle, &deadline)
}

// resume checks a registry row for kind and returns its user as stored now,
// recording the use at most once a minute. verify, when given, checks the
// credential against the user before anything is recorded.
func (s *Service) resume(ctx context.Context, id, kind string, verify func(*User) bool) (*Session, *User, error) {
	if id == "" {
		return nil, nil, ErrInvalidToken
	}
	row, u, err := s.store.SessionUser(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrInvalidToken
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.now().UTC()
	if row.Kind != kind || !now.Before(row.ExpiresAt) || (verify != nil && !verify(u)) {
		return nil, nil, ErrInvalidToken
	}
	if now.Sub(row.LastUsedAt) >= activityStep {
		exp := slide(now, time.Duration(row.IdleFor)*time.Second, row.Deadline)
		if err := s.store.TouchSession(ctx, id, now, exp, now.Add(-activityStep)); err != nil {
			s.log.Warn("session use not recorded", "login", u.Login, "err", err)
		} else {
			row.LastUsedAt, row.ExpiresAt = now, exp
		}
	}
	s.Touch(ctx, u)
	return row, u, nil
}

// ResumePanelSession checks a panel session id from a cookie.
func (s *Service) ResumePanelSession(ctx context.Context, id string) (*Session, *User, error) {
	return s.resume(ctx, id, KindPanel, nil)
}

// Sessions lists the sessions of login, newest use first: the owner's own,
// or any user's for an operator.
func (s *Service) Sessions(ctx context.Context, actor *User, login string) ([]Session, error) {
	login = NormalizeLogin(login)
	if actor == nil || (actor.Login != login && actor.Type != TypeOperator) {
		return nil, ErrUnauthorized
	}
	list, err := s.store.SessionsOf(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("users: sessions of %s: %w", login, err)
	}
	return list, nil
}

// EndSession ends one session of login, named by its id or its handle:
// the owner's own, or any user's for an operator.
func (s *Service) EndSession(ctx context.Context, actor *User, login, idOrHandle string) error {
	login = NormalizeLogin(login)
	if actor == nil || (actor.Login != login && actor.Type != TypeOperator) {
		return ErrUnauthorized
	}
	id := idOrHandle
	if len(idOrHandle) == 18 { // a handle: find its session among the user's
		list, err := s.store.SessionsOf(ctx, login)
		if err != nil {
			return fmt.Errorf("users: end session of %s: %w", login, err)
		}
		for i := range list {
			if list[i].Handle() == idOrHandle {
				id = list[i].ID
			}
		}
	}
	ok, err := s.store.DeleteSession(ctx, login, id)
	if err != nil {
		return fmt.Errorf("users: end session of %s: %w", login, err)
	}
	if !ok {
		return ErrNotFound
	}
	s.audit(ctx, actor.Login, login, AuditSessionEnded, "session", (&Session{ID: id}).Handle())
	s.publish(events.SessionsChanged, login, "")
	return nil
}

// EndSessions logs login out everywhere: every panel session and API token.
func (s *Service) EndSessions(ctx context.Context, login string) error {
	login = NormalizeLogin(login)
	err := s.store.Update(ctx, func(tx Tx) error { return tx.EndSessions(login, "") })
	if err != nil {
		return fmt.Errorf("users: end sessions of %s: %w", login, err)
	}
	s.audit(ctx, "", login, AuditSessionEnded, "session", "all")
	s.publish(events.SessionsChanged, login, "")
	return nil
}

// SweepSessions forgets expired sessions and sessions of gone users.
func (s *Service) SweepSessions(ctx context.Context) error {
	n, err := s.store.SweepSessions(ctx, s.now().UTC())
	if err != nil {
		return fmt.Errorf("users: sweep sessions: %w", err)
	}
	if n > 0 {
		s.log.Info("expired sessions removed", "count", n)
	}
	return nil
}

// revokeOnChange is the one place where a change to an account ends its
// sessions: a new password or a demotion ends every other session (the one
// making the change stays), a rename or a deletion ends them all. It runs
// inside the transaction that saves the account.
func revokeOnChange(ctx context.Context, tx Tx, before, after *User) error {
	keep := ClientFrom(ctx).Session
	switch {
	case after == nil || after.Login != before.Login:
		keep = ""
	case after.Password != before.Password || after.Type > before.Type:
	default:
		return nil
	}
	return tx.EndSessions(before.Login, keep)
}
