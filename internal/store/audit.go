package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// InsertAudit appends one event to the trail.
func (s *Store) InsertAudit(ctx context.Context, e *users.AuditEvent) error {
	return s.writeStatement(ctx, func(db *gorm.DB) error { return db.Create(e).Error })
}

// ListAudit reads a page of the trail, newest first, with the count of the
// whole selection. Every value is bound, never spliced into the SQL.
func (s *Store) ListAudit(ctx context.Context, q users.AuditQuery) ([]users.AuditEvent, int64, error) {
	db := s.r.WithContext(ctx).Model(&users.AuditEvent{})
	if q.User != "" {
		db = db.Where("actor = ? OR target = ?", q.User, q.User)
	}
	if q.Kind != "" {
		db = db.Where("kind = ?", q.Kind)
	}
	var n int64
	if err := db.Count(&n).Error; err != nil {
		return nil, 0, err
	}
	var out []users.AuditEvent
	err := db.Order("id DESC").Offset(q.Offset).Limit(max(q.Limit, 1)).Find(&out).Error
	return out, n, err
}

// DeleteAuditBefore forgets events older than before.
func (s *Store) DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	res := s.w.WithContext(ctx).Where("at < ?", before).Delete(&users.AuditEvent{})
	return res.RowsAffected, res.Error
}
