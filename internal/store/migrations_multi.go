package store

import (
	"time"

	"gorm.io/gorm"
)

// The tables that let N processes over one database behave as one
// (docs/MULTI.md): keys, login throttles, avatar images.

// serverKeyV210 is one server key (hex), made by the first process that
// needed it and read by every other.
type serverKeyV210 struct {
	Name  string `gorm:"primaryKey"`
	Value string `gorm:"not null"`
}

func (serverKeyV210) TableName() string { return "server_keys" }

func migrateV210(tx *gorm.DB) error { return tx.Migrator().CreateTable(&serverKeyV210{}) }

// throttleV211 counts the tries of one key (scope and key) in a window
// that started at SinceMS (Unix milliseconds: one integer comparison on
// every dialect).
type throttleV211 struct {
	Name    string `gorm:"primaryKey"`
	Tries   int    `gorm:"not null"`
	SinceMS int64  `gorm:"column:since_ms;not null;index:idx_throttles_since"`
}

func (throttleV211) TableName() string { return "throttles" }

func migrateV211(tx *gorm.DB) error { return tx.Migrator().CreateTable(&throttleV211{}) }

// avatarBlobV212 is one avatar image (or pending upload) kept in the
// database, for processes that share no disk. A name is written once and
// never changes its bytes, so it is its own ETag.
type avatarBlobV212 struct {
	Name      string    `gorm:"primaryKey"`
	MIME      string    `gorm:"column:mime;not null"`
	Data      []byte    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (avatarBlobV212) TableName() string { return "avatar_blobs" }

func migrateV212(tx *gorm.DB) error { return tx.Migrator().CreateTable(&avatarBlobV212{}) }
