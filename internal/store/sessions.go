package store

import (
	"context"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// InsertSession adds a row to the session registry.
func (s *Store) InsertSession(ctx context.Context, row *users.Session) error {
	return s.w.WithContext(ctx).Create(row).Error
}

const sessionColumns = "s.id, s.login, s.kind, s.created_at, s.last_used_at, s.expires_at, s.deadline, s.idle_for, s.client_ip, s.user_agent"

var sessionUserSQL = "SELECT " + sessionColumns + ", " + prefixed("u.", userColumns) +
	" FROM sessions s JOIN users u ON u.login = s.login WHERE s.id = ?"

// TouchSession records a use and the new expiry, only when the stored use
// is older than before (at most one write a minute per session).
func (s *Store) TouchSession(ctx context.Context, id string, at, expires, before time.Time) error {
	return s.w.WithContext(ctx).Model(&users.Session{}).
		Where("id = ? AND last_used_at < ?", id, before).
		Updates(map[string]any{"last_used_at": at, "expires_at": expires}).Error
}

// SessionsOf lists a user's sessions, most recently used first.
func (s *Store) SessionsOf(ctx context.Context, login string) ([]users.Session, error) {
	var out []users.Session
	err := s.r.WithContext(ctx).Where("login = ?", login).Order("last_used_at DESC, id").Find(&out).Error
	return out, err
}

// DeleteSession ends one session of login; false when there was none.
func (s *Store) DeleteSession(ctx context.Context, login, id string) (bool, error) {
	res := s.w.WithContext(ctx).Where("id = ? AND login = ?", id, login).Delete(&users.Session{})
	return res.RowsAffected > 0, res.Error
}

// SweepSessions deletes expired sessions and those of gone users.
func (s *Store) SweepSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.w.WithContext(ctx).Where("expires_at <= ? OR login NOT IN (SELECT login FROM users)", now).
		Delete(&users.Session{})
	return res.RowsAffected, res.Error
}

// EndSessions deletes the sessions of login but keep, in the transaction
// that saves the account.
func (t userTx) EndSessions(login, keep string) error {
	return t.db.Where("login = ? AND id <> ?", login, keep).Delete(&users.Session{}).Error
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
