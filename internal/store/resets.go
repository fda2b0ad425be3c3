package store

import (
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// passwordReset is a mailed reset link: the token's hash, never the token.
type passwordReset struct {
	Login     string    `gorm:"column:login;primaryKey"`
	TokenHash string    `gorm:"column:token_hash"`
	ExpiresAt time.Time `gorm:"column:expires_at"`
}

func (passwordReset) TableName() string { return "password_resets" }

// PutReset replaces login's reset link.
func (t userTx) PutReset(login, hash string, expires time.Time) error {
	if err := t.db.Where("login = ?", login).Delete(&passwordReset{}).Error; err != nil {
		return err
	}
	return t.db.Create(&passwordReset{Login: login, TokenHash: hash, ExpiresAt: expires.UTC()}).Error
}

// TakeReset deletes the link of that hash and returns whose it was.
func (t userTx) TakeReset(hash string) (string, time.Time, error) {
	var r passwordReset
	err := t.db.Where("token_hash = ?", hash).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", time.Time{}, users.ErrNotFound
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if err := t.db.Where("login = ?", r.Login).Delete(&passwordReset{}).Error; err != nil {
		return "", time.Time{}, err
	}
	return r.Login, r.ExpiresAt, nil
}
