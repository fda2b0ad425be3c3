package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
)

type upload struct {
	ID           string    `gorm:"column:id;primaryKey"`
	Owner        string    `gorm:"column:owner"`
	OriginalName string    `gorm:"column:original_name"`
	MIME         string    `gorm:"column:mime"`
	Size         int       `gorm:"column:size"`
	CreatedAt    time.Time `gorm:"column:created_at"`
}

func (upload) TableName() string { return "avatar_uploads" }

// InsertUpload records a pending upload.
func (s *Store) InsertUpload(ctx context.Context, u avatars.Upload) error {
	return s.w.WithContext(ctx).Create(&upload{ID: u.ID, Owner: u.Owner, OriginalName: u.OriginalName,
		MIME: u.MIME, Size: u.Size, CreatedAt: u.CreatedAt}).Error
}

// DeleteUploadsBefore forgets expired uploads and returns their ids.
func (s *Store) DeleteUploadsBefore(ctx context.Context, before time.Time) ([]string, error) {
	var ids []string
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&upload{}).Where("created_at < ?", before).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		// The same condition, not "id IN (ids…)": a list of n ids is a new
		// statement text for each n (see stmts.go). The writer's transaction
		// holds the lock, so the rows are the ones just read.
		return tx.Where("created_at < ?", before).Delete(&upload{}).Error
	})
	return ids, err
}

// AvatarFilesInUse names every file a user or a pending upload points at.
func (s *Store) AvatarFilesInUse(ctx context.Context) (map[string]bool, error) {
	db := s.r.WithContext(ctx)
	var files, ids []string
	if err := db.Model(&users.User{}).Distinct("avatar_file").Pluck("avatar_file", &files).Error; err != nil {
		return nil, err
	}
	if err := db.Model(&upload{}).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(files)+len(ids))
	for _, f := range append(files, ids...) {
		in[f] = true
	}
	return in, nil
}

// ResetAvatars points users of the given files to another, and forgets
// uploads of those files.
func (s *Store) ResetAvatars(ctx context.Context, files []string, to string) (int64, error) {
	if len(files) == 0 {
		return 0, nil
	}
	var n int64
	// One statement per file rather than "IN (files…)", whose text would
	// change with the number of files (see stmts.go).
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, f := range files {
			res := tx.Model(&users.User{}).Where("avatar_file = ?", f).Update("avatar_file", to)
			if res.Error != nil {
				return res.Error
			}
			n += res.RowsAffected
			if err := tx.Where("id = ?", f).Delete(&upload{}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// ClaimUpload spends a pending upload of owner made after since.
func (t userTx) ClaimUpload(id, owner string, since time.Time) error {
	res := t.db.Where("id = ? AND owner = ? AND created_at >= ?", id, owner, since).Delete(&upload{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return users.ErrInvalidAvatar
	}
	return nil
}

// PendingUploads counts owner's uploads made after since.
func (s *Store) PendingUploads(ctx context.Context, owner string, since time.Time) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&upload{}).Where("owner = ? AND created_at >= ?", owner, since).Count(&n).Error
	return n, err
}
