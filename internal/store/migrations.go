package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// migration is one schema step. Steps are never edited once released: a
// change is a new step, and each step declares the tables as they were then.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

var migrations = []migration{
	{1, "users and settings", migrateV1},
	{2, "pending avatar uploads", migrateV2},
	{3, "per-user panel session key", migrateV3},
	{100, "song catalogue and anime provider ids", migrateV100},
	{110, "password reset links", migrateV110},
	{120, "guests send statistics", migrateV120},
	{130, "session registry", migrateV130},
	{131, "nickname confusable skeleton", migrateV131},
	{132, "audit trail", migrateV132},
	{200, "logins unique whatever their case", migrateV200},
	{210, "shared server keys", migrateV210},
	{211, "shared login throttles", migrateV211},
	{212, "avatar images in the database", migrateV212},
	{230, "user search suffixes, nickname sort keys, created index", migrateV230},
	{250, "index of temporary guests", migrateV250},
}

type schemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// migrate applies the pending steps; on PostgreSQL under an advisory lock,
// each step followed by the dialect's byteOrder (postgres.go).
func (s *Store) migrate(ctx context.Context) error {
	if s.migrationsApplied(ctx) {
		return nil
	}
	return s.migrationSession(ctx, runMigrations)
}

func runMigrations(db *gorm.DB) error {
	if err := db.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	for _, m := range migrations {
		err := db.Transaction(func(tx *gorm.DB) error {
			var n int64
			if err := tx.Model(&schemaMigration{}).Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := m.up(tx); err != nil {
				return err
			}
			if err := byteOrder(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("store: migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// userV1 is the users table of migration 1. Every sort of the list has an
// index ending in the primary key, so pages are read in index order.
type userV1 struct {
	Login                   string  `gorm:"primaryKey"`
	Nickname                string  `gorm:"not null"`
	NicknameKey             string  `gorm:"not null;uniqueIndex:idx_users_nickname_key"`
	Type                    int     `gorm:"not null"`
	Password                string  `gorm:"not null;default:''"`
	TokenKey                string  `gorm:"not null"`
	AvatarFile              string  `gorm:"not null;default:''"`
	Bio                     *string //
	URL                     *string `gorm:"column:url"`
	Email                   *string //
	Location                *string //
	Language                *string //
	MainSeriesLang          *string //
	FallbackSeriesLang      *string //
	FlagTutorialDone        bool    `gorm:"not null;default:false"`
	FlagSendstats           *bool   //
	FlagParentsonly         bool    `gorm:"not null;default:true"`
	FlagPublic              bool    `gorm:"not null;default:true"`
	FlagDisplayfavorites    bool    `gorm:"not null;default:false"`
	FlagTemporary           bool    `gorm:"not null;default:false"`
	SocialNetworks          string  `gorm:"not null;default:'{}'"`
	Banner                  *string //
	AnimeListToFetch        *string //
	AnimeListIDs            string  `gorm:"column:anime_list_ids;not null;default:'[]'"`
	AnimeListLastModifiedAt *time.Time
	LastLoginAt             time.Time `gorm:"not null"`
	CreatedAt               time.Time `gorm:"not null"`
}

func (userV1) TableName() string { return "users" }

type settingV1 struct {
	Key   string `gorm:"primaryKey"`
	Value string `gorm:"not null"`
}

func (settingV1) TableName() string { return "settings" }

func migrateV1(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.CreateTable(&userV1{}, &settingV1{}); err != nil {
		return err
	}
	// One index per sort of the list; the login after the sort key makes the
	// order total, so a page is read straight from the index.
	for _, sql := range []string{
		"CREATE INDEX idx_users_type_login ON users (type, login)",
		"CREATE INDEX idx_users_last_login_at_login ON users (last_login_at, login)",
		// Non-operators list public users only: their pages come from here.
		"CREATE INDEX idx_users_public_login ON users (flag_public, login)",
	} {
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	return nil
}

// uploadV2 is a processed image waiting for the edit that uses it.
type uploadV2 struct {
	ID           string    `gorm:"primaryKey"`
	Owner        string    `gorm:"not null;index"`
	OriginalName string    `gorm:"not null"`
	MIME         string    `gorm:"column:mime;not null"`
	Size         int       `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null;index"`
}

func (uploadV2) TableName() string { return "avatar_uploads" }

func migrateV2(tx *gorm.DB) error { return tx.Migrator().CreateTable(&uploadV2{}) }

// userV3 adds the key that panel sessions carry: rotating it logs the user
// out of every browser without touching their API tokens.
type userV3 struct {
	SessionKey string `gorm:"not null;default:''"`
}

func (userV3) TableName() string { return "users" }

func migrateV3(tx *gorm.DB) error { return tx.Migrator().AddColumn(&userV3{}, "SessionKey") }

// migrateV110 keeps the mailed password reset links: one per account, the
// token's hash only. The row follows its account's renames and deletion.
func migrateV110(tx *gorm.DB) error {
	return tx.Exec(ddl(tx, `CREATE TABLE password_resets (
		login TEXT PRIMARY KEY REFERENCES users(login) ON UPDATE CASCADE ON DELETE CASCADE,
		token_hash TEXT NOT NULL UNIQUE,
		expires_at TIMESTAMP NOT NULL)`)).Error
}

// migrateV120: guests answer yes to the statistics question, as in KM (a
// guest cannot be asked: guests cannot edit).
func migrateV120(tx *gorm.DB) error {
	return tx.Exec("UPDATE users SET flag_sendstats = ? WHERE type = ? AND flag_sendstats IS NULL", true, 2).Error
}

// sessionV130 is one API token or panel session of the registry.
type sessionV130 struct {
	ID         string    `gorm:"primaryKey"`
	Login      string    `gorm:"not null;index:idx_sessions_login"`
	Kind       string    `gorm:"not null"`
	CreatedAt  time.Time `gorm:"not null"`
	LastUsedAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index:idx_sessions_expires_at"`
	Deadline   *time.Time
	IdleFor    int64  `gorm:"not null"`
	ClientIP   string `gorm:"column:client_ip;not null;default:''"`
	UserAgent  string `gorm:"not null;default:''"`
}

func (sessionV130) TableName() string { return "sessions" }

func migrateV130(tx *gorm.DB) error { return tx.Migrator().CreateTable(&sessionV130{}) }

// userV131 adds the nickname's confusable skeleton, unique when set.
type userV131 struct {
	NicknameSkeleton string `gorm:"not null;default:''"`
}

func (userV131) TableName() string { return "users" }

// migrateV131 backfills the skeletons. Names that already collide keep
// working: the later one gets its login appended, so the index holds.
func migrateV131(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&userV131{}, "NicknameSkeleton"); err != nil {
		return err
	}
	var rows []struct{ Login, Nickname string }
	if err := tx.Table("users").Select("login, nickname").Order("created_at, login").Find(&rows).Error; err != nil {
		return err
	}
	// A separator no nickname has: NUL on SQLite, which PostgreSQL's text
	// cannot hold, so there U+0001 (nicknames have no control characters).
	sep := "\x00"
	if tx.Dialector.Name() == "postgres" {
		sep = "\x01"
	}
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		sk := users.NicknameSkeleton(r.Nickname)
		if seen[sk] {
			sk += sep + r.Login
		}
		seen[sk] = true
		if err := tx.Table("users").Where("login = ?", r.Login).Update("nickname_skeleton", sk).Error; err != nil {
			return err
		}
	}
	return tx.Exec("CREATE UNIQUE INDEX idx_users_nickname_skeleton ON users (nickname_skeleton) WHERE nickname_skeleton <> ''").Error
}

// auditV132 is one event of the audit trail.
type auditV132 struct {
	ID       int64     `gorm:"primaryKey;autoIncrement"`
	At       time.Time `gorm:"not null;index:idx_audit_at"`
	Kind     string    `gorm:"not null;index:idx_audit_kind"`
	Actor    string    `gorm:"not null;default:'';index:idx_audit_actor"`
	Target   string    `gorm:"not null;default:'';index:idx_audit_target"`
	ClientIP string    `gorm:"column:client_ip;not null;default:''"`
	Detail   string    `gorm:"not null;default:''"`
}

func (auditV132) TableName() string { return "audit_events" }

func migrateV132(tx *gorm.DB) error { return tx.Migrator().CreateTable(&auditV132{}) }

// migrateV250 indexes the temporary guests, which a server start deletes:
// without it the start read all 100,000 rows to find none (issue 16). The
// index is partial, so it holds only them.
func migrateV250(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_users_temporary ON users (login) WHERE flag_temporary").Error
}
