package users

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Types of account, as on the wire.
const (
	TypeOperator = 0
	TypeUser     = 1
	TypeGuest    = 2
)

// AdminLogin is the system operator account: it exists from the first start
// and can never log in with a password, be renamed, demoted or deleted.
const AdminLogin = "admin"

// User is one account. Column tags are plain strings so that the domain does
// not import the storage library; the store package owns the queries.
type User struct {
	Login                   string         `gorm:"column:login;primaryKey"`
	Nickname                string         `gorm:"column:nickname"`
	NicknameKey             string         `gorm:"column:nickname_key"`
	Type                    int            `gorm:"column:type"`
	Password                string         `gorm:"column:password"`
	TokenKey                string         `gorm:"column:token_key"`
	SessionKey              string         `gorm:"column:session_key"`
	AvatarFile              string         `gorm:"column:avatar_file"`
	Bio                     *string        `gorm:"column:bio"`
	URL                     *string        `gorm:"column:url"`
	Email                   *string        `gorm:"column:email"`
	Location                *string        `gorm:"column:location"`
	Language                *string        `gorm:"column:language"`
	MainSeriesLang          *string        `gorm:"column:main_series_lang"`
	FallbackSeriesLang      *string        `gorm:"column:fallback_series_lang"`
	FlagTutorialDone        bool           `gorm:"column:flag_tutorial_done"`
	FlagSendstats           *bool          `gorm:"column:flag_sendstats"`
	FlagParentsonly         bool           `gorm:"column:flag_parentsonly"`
	FlagPublic              bool           `gorm:"column:flag_public"`
	FlagDisplayfavorites    bool           `gorm:"column:flag_displayfavorites"`
	FlagTemporary           bool           `gorm:"column:flag_temporary"`
	SocialNetworks          SocialNetworks `gorm:"column:social_networks"`
	Banner                  *string        `gorm:"column:banner"`
	AnimeListToFetch        *string        `gorm:"column:anime_list_to_fetch"`
	AnimeListIDs            IntList        `gorm:"column:anime_list_ids"`
	AnimeListLastModifiedAt *time.Time     `gorm:"column:anime_list_last_modified_at"`
	LastLoginAt             time.Time      `gorm:"column:last_login_at"`
	CreatedAt               time.Time      `gorm:"column:created_at"`
	NicknameSkeleton        string         `gorm:"column:nickname_skeleton"` // see NicknameSkeleton
}

// TableName names the table for the store.
func (User) TableName() string { return "users" }

// IsOnline tells an account hosted by another server (name@host).
func (u *User) IsOnline() bool { return strings.Contains(u.Login, "@") }

// Role is the wire name of the account type.
func (u *User) Role() string { return RoleName(u.Type) }

// RoleName maps a type to admin, user or guest.
func RoleName(t int) string {
	switch t {
	case TypeOperator:
		return "admin"
	case TypeGuest:
		return "guest"
	default:
		return "user"
	}
}

// SocialNetworks are the user's handles, one string per network.
type SocialNetworks struct {
	Discord     string `json:"discord"`
	Twitch      string `json:"twitch"`
	Instagram   string `json:"instagram"`
	Mastodon    string `json:"mastodon"`
	Bluesky     string `json:"bluesky"`
	Gitlab      string `json:"gitlab"`
	Anilist     string `json:"anilist"`
	Myanimelist string `json:"myanimelist"`
	Kitsu       string `json:"kitsu"`
}

// Value stores the object as JSON text, which every SQL dialect holds.
func (s SocialNetworks) Value() (driver.Value, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// Scan reads the JSON text back.
func (s *SocialNetworks) Scan(src any) error { return scanJSON(src, s) }

// IntList is a list of ids stored as JSON text.
type IntList []int

// Value stores the list as JSON text.
func (l IntList) Value() (driver.Value, error) {
	if l == nil {
		l = IntList{}
	}
	b, err := json.Marshal([]int(l))
	return string(b), err
}

// Scan reads the JSON text back.
func (l *IntList) Scan(src any) error { return scanJSON(src, l) }

func scanJSON(src, dst any) error {
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
		return json.Unmarshal([]byte(v), dst)
	case []byte:
		if len(v) == 0 {
			return nil
		}
		return json.Unmarshal(v, dst)
	default:
		return errors.New("users: unsupported JSON column type")
	}
}
