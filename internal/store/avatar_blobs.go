package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/kmusers/kmusers/internal/avatars"
)

type avatarBlob struct {
	Name      string    `gorm:"column:name;primaryKey"`
	MIME      string    `gorm:"column:mime"`
	Data      []byte    `gorm:"column:data"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (avatarBlob) TableName() string { return "avatar_blobs" }

// PutAvatar keeps an image under name, made at at. A name is written once:
// writing it again keeps the first bytes.
func (s *Store) PutAvatar(ctx context.Context, name, mime string, data []byte, at time.Time) error {
	return s.w.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&avatarBlob{
		Name: name, MIME: mime, Data: data, CreatedAt: at.UTC()}).Error
}

// Avatar reads an image; ok false when there is none.
func (s *Store) Avatar(ctx context.Context, name string) (data []byte, mime string, ok bool, err error) {
	var b avatarBlob
	err = s.r.WithContext(ctx).Where("name = ?", name).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	return b.Data, b.MIME, true, nil
}

// DeleteAvatar forgets an image.
func (s *Store) DeleteAvatar(ctx context.Context, name string) error {
	return s.w.WithContext(ctx).Where("name = ?", name).Delete(&avatarBlob{}).Error
}

// AvatarImages lists the stored images, without their bytes.
func (s *Store) AvatarImages(ctx context.Context) ([]avatars.Stored, error) {
	var rows []avatars.Stored
	err := s.r.WithContext(ctx).Model(&avatarBlob{}).Select("name, created_at").Order("name").Scan(&rows).Error
	return rows, err
}
