package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type avatarBlob struct {
	Name      string    `gorm:"column:name;primaryKey"`
	MIME      string    `gorm:"column:mime"`
	SHA256    string    `gorm:"column:sha256"`
	Data      []byte    `gorm:"column:data"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (avatarBlob) TableName() string { return "avatar_blobs" }

// PutAvatar keeps an image under name. A name is written once: writing it
// again keeps the first bytes.
func (s *Store) PutAvatar(ctx context.Context, name, mime string, data []byte) error {
	sum := sha256.Sum256(data)
	return s.w.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&avatarBlob{
		Name: name, MIME: mime, SHA256: hex.EncodeToString(sum[:]), Data: data, CreatedAt: time.Now().UTC()}).Error
}

// Avatar reads an image and its hash; ok false when there is none.
func (s *Store) Avatar(ctx context.Context, name string) (data []byte, mime, sum string, ok bool, err error) {
	var b avatarBlob
	err = s.r.WithContext(ctx).Where("name = ?", name).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", "", false, nil
	}
	if err != nil {
		return nil, "", "", false, err
	}
	return b.Data, b.MIME, b.SHA256, true, nil
}

// DeleteAvatar forgets an image.
func (s *Store) DeleteAvatar(ctx context.Context, name string) error {
	return s.w.WithContext(ctx).Where("name = ?", name).Delete(&avatarBlob{}).Error
}

// AvatarNames lists the names of the stored images.
func (s *Store) AvatarNames(ctx context.Context) ([]string, error) {
	var names []string
	err := s.r.WithContext(ctx).Model(&avatarBlob{}).Order("name").Pluck("name", &names).Error
	return names, err
}
