// Package users is the user domain: accounts and their rules, security codes,
// passwords, tokens and activity. It knows nothing of HTTP or HTML.
package users

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/throttle"
)

// Options configure a Service.
type Options struct {
	Store        Store
	JWTSecret    []byte
	Log          *slog.Logger
	Now          func() time.Time // injectable clock for tests
	BcryptCost   int
	OnlineWindow time.Duration // how long after a request a user counts as online
	Avatars      AvatarFiles   // may be nil: no avatar files to remove
	Anime        AnimeLists    // may be nil: anime lists are not fetched
	TokenLife    time.Duration // a token ends this long after its last use (default 30 days)
	// AuditRetention is how long the audit trail is kept (default 90 days).
	AuditRetention time.Duration
	// SignupsPerHour and SignupBurst bound the accounts one address may
	// create without being an operator (default 5 an hour, 10 at once).
	SignupsPerHour, SignupBurst int
	Remote                      Remote   // may be nil: online servers are never contacted
	AvatarIO                    AvatarIO // may be nil: online avatars are not synced
	// Tool is a command-line tool over a data dir that a server may be
	// serving right now: no start-up clean-up (the server's temporary guests
	// stay), and no security codes drawn or logged (every code is refused).
	Tool   bool
	Events *events.Bus // may be nil: nobody listens to changes
	// Limiters makes the login and reset-mail limiters (nil: in memory; a
	// shared database gives shared ones, see SharedLimiter).
	Limiters Limiters
	// LoginSlots bounds the bcrypt compares of logins running at once, with
	// a short queue behind (0: no bound). The server passes one fewer than
	// the cores (DefaultLoginSlots).
	LoginSlots int
}

// Service carries out every user action of the API and the panel.
type Service struct {
	store          Store
	hasher         *Hasher
	tokens         *Tokens
	codes          *Codes
	log            *slog.Logger
	now            func() time.Time
	onlineWindow   time.Duration
	tokenLife      time.Duration
	auditRetention time.Duration
	ipLimit        Limiter
	loginLimit     Limiter
	deviceLimit    Limiter
	deviceKey      []byte           // signs device cookies
	signups        *throttle.Bucket // account creations per address
	resetLimit     Limiter          // reset mails per account
	bcrypt         *bcryptSlots     // local logins' compares (bcrypt_slots.go)

	avatars  AvatarFiles
	anime    AnimeLists
	remote   Remote
	avatarIO AvatarIO
	events   *events.Bus

	settingsMu sync.RWMutex
	settings   Settings
}

// Login throttling: soft, expiring limits on failures.
const (
	ipFailures    = 30
	loginFailures = 10
	failureWindow = 10 * time.Minute
	activityStep  = time.Minute // at most one activity write per user per minute
)

// New makes the service, draws the security codes and prepares the database:
// settings, the admin account, the guests, and no temporary guests left over.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OnlineWindow <= 0 {
		o.OnlineWindow = 15 * time.Minute
	}
	if o.TokenLife <= 0 {
		o.TokenLife = DefaultTokenLife
	}
	if o.AuditRetention <= 0 {
		o.AuditRetention = DefaultAuditRetention
	}
	if o.SignupsPerHour <= 0 {
		o.SignupsPerHour = 5
	}
	if o.SignupBurst <= 0 {
		o.SignupBurst = 10
	}
	if o.Limiters == nil {
		o.Limiters = memoryLimiters(o.Now)
	}
	h, err := NewHasher(o.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("users: hasher: %w", err)
	}
	s := &Service{
		store: o.Store, hasher: h, tokens: NewTokens(o.JWTSecret), log: o.Log, now: o.Now,
		onlineWindow: o.OnlineWindow, tokenLife: o.TokenLife, auditRetention: o.AuditRetention, avatars: o.Avatars,
		anime: o.Anime, remote: o.Remote, avatarIO: o.AvatarIO, events: o.Events,
		ipLimit:     o.Limiters("ip", ipFailures, failureWindow),
		loginLimit:  o.Limiters("login", loginFailures, failureWindow),
		deviceLimit: o.Limiters("device", loginFailures, failureWindow),
		deviceKey:   derive(o.JWTSecret, "kmusers device cookie"),
		signups:     throttle.NewBucket(o.SignupsPerHour, o.SignupBurst, o.Now),
		resetLimit:  o.Limiters("reset", resetMails, ResetLinkLife),
		bcrypt:      newBcryptSlots(o.LoginSlots),
	}
	if o.Tool {
		s.codes = noCodes(o.Log, o.Now)
	} else {
		s.codes = NewCodes(o.Log, o.Now)
	}
	if err := s.loadSettings(ctx); err != nil {
		return nil, err
	}
	if err := s.bootstrap(ctx, !o.Tool); err != nil {
		return nil, err
	}
	return s, nil
}

// bootstrap makes sure admin and the guests exist; a server start also
// removes the temporary guests of the last run. The sweeps of expired
// sessions and old audit rows wait until the server answers (the server's
// housekeeping): a session is checked against its expiry anyway.
func (s *Service) bootstrap(ctx context.Context, serverStart bool) error {
	if serverStart {
		n, err := s.store.DeleteTemporaryUsers(ctx)
		if err != nil {
			return fmt.Errorf("users: delete temporary guests: %w", err)
		}
		if n > 0 {
			s.log.Info("temporary guests removed", "count", n)
		}
	}
	if s.builtinsExist(ctx) {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error {
		if err := s.ensureUser(tx, AdminLogin, "Administrator", TypeOperator); err != nil {
			return err
		}
		for _, g := range guestNames {
			if err := s.ensureUser(tx, guestLogin(g), g, TypeGuest); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) ensureUser(tx Tx, login, nickname string, typ int) error {
	_, err := tx.UserByLogin(login)
	if err == nil {
		return nil
	}
	if err != ErrNotFound {
		return err
	}
	if owner, err := tx.NameOwner(NicknameKey(nickname), login); err != nil || owner != "" {
		nickname = login // someone took the name; the login is unique anyway
	}
	return tx.Insert(s.newUser(login, nickname, typ))
}

// derive makes a key for one purpose from the server secret.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// newUser fills the defaults of a new account.
func (s *Service) newUser(login, nickname string, typ int) *User {
	now := s.now().UTC()
	u := &User{
		Login: login, Nickname: nickname, NicknameKey: NicknameKey(nickname), NicknameSkeleton: NicknameSkeleton(nickname), Type: typ,
		TokenKey: NewTokenKey(), AvatarFile: BlankAvatar, FlagParentsonly: true, FlagPublic: true,
		LastLoginAt: time.Unix(0, 0).UTC(), CreatedAt: now, AnimeListIDs: IntList{},
	}
	if typ == TypeGuest {
		u.FlagSendstats = guestSendstats()
	}
	return u
}

// guestSendstats is a guest's statistics answer: yes, as in KM, since a
// guest cannot be asked (guests cannot edit).
func guestSendstats() *bool {
	yes := true
	return &yes
}

// BlankAvatar is the default avatar's file name.
const BlankAvatar = "blank.png"

// PendingUploadLife is how long an avatar upload can be claimed.
const PendingUploadLife = time.Hour

// removeAvatar deletes a file that the committed database no longer names.
func (s *Service) removeAvatar(name string) {
	if s.avatars != nil && name != "" && name != BlankAvatar {
		s.avatars.Remove(name)
	}
}

// IsActive tells whether u made a request within the online window.
func (s *Service) IsActive(u *User) bool { return u.LastLoginAt.After(s.OnlineSince()) }

// System is the actor of the command line: it acts as an operator.
func System() *User { return &User{Login: "(system)", Type: TypeOperator} }

// publish tells the live faces what changed, after the commit.
func (s *Service) publish(kind, login, newLogin string) {
	s.events.Publish(events.Event{Kind: kind, Login: login, NewLogin: newLogin})
}
