// Package web is the panel: server-rendered pages over the users domain,
// cookie sessions and CSRF. Handlers hold no business rules: they decode
// forms, call the domain and render.
package web

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/users"
)

// Users is what the panel needs from the domain.
type Users interface {
	UserByLogin(ctx context.Context, login string) (*users.User, error)
	Settings() users.Settings
	SaveSettings(ctx context.Context, s users.Settings) error
	IsActive(u *users.User) bool
	Touch(ctx context.Context, u *users.User)
	Now() time.Time
	HasHumanOperator(ctx context.Context) (bool, error)
	Create(ctx context.Context, actor *users.User, in users.NewAccount) error
	Get(ctx context.Context, viewer *users.User, login string) (*users.User, error)
	List(ctx context.Context, viewer *users.User, q users.ListQuery) ([]users.User, error)
	Each(ctx context.Context, viewer *users.User, q users.ListQuery, fn func(*users.User) error) error
	Count(ctx context.Context, viewer *users.User, q users.ListQuery) (int64, error)
	Edit(ctx context.Context, target string, p users.Patch) (*users.User, error)
	EditMe(ctx context.Context, me *users.User, p users.Patch) (*users.User, error)
	Delete(ctx context.Context, login string) (*users.User, error)
	DeleteTemporary(ctx context.Context, login string) (*users.User, error)
	LeavesNoOperator(ctx context.Context, viewer *users.User, losing []string) (bool, error)
	ResetPassword(ctx context.Context, login, password string, code *string) error
	PanelLogin(ctx context.Context, clientIP, username, password string, code *string, remember bool) (*users.LoginResult, error)
	PanelLoginGuest(ctx context.Context) (*users.User, *users.Session, error)
	ResumePanelSession(ctx context.Context, id string) (*users.Session, *users.User, error)
	StartPanelSession(ctx context.Context, u *users.User, remember bool) (*users.Session, error)
	Sessions(ctx context.Context, actor *users.User, login string) ([]users.Session, error)
	EndSession(ctx context.Context, actor *users.User, login, id string) error
	CheckPassword(u *users.User, password string) bool
	VerifyPassword(ctx context.Context, u *users.User, password string) error
	Refused(ctx context.Context, kind, what string)
	Audit(ctx context.Context, viewer *users.User, q users.AuditQuery) ([]users.AuditEvent, int64, error)
	OnlineSince() time.Time
	Online(ctx context.Context, viewer *users.User) (int64, time.Duration, error)
	EndSessions(ctx context.Context, login string) error
	OnlineUsers
}

// Uploads turns a picture into a pending avatar upload.
type Uploads interface {
	Upload(ctx context.Context, owner, originalName string, data []byte) (avatars.Upload, error)
}

// Handler serves the panel.
type Handler struct {
	users   Users
	uploads Uploads
	store   *sessions.CookieStore
	log     *slog.Logger
	anime   AnimeLists // nil: no anime lists (see WithAnime)
	// setupDone caches "a human operator exists": once true, it stays true.
	setupDone atomic.Bool
	// proxies may say that the request came over HTTPS (X-Forwarded-Proto).
	proxies []*net.IPNet

	bus      *events.Bus // nil: pages are not live
	liveStop chan struct{}
	liveOnce sync.Once
}

// TrustProxies names the proxies whose X-Forwarded-Proto is believed.
func (h *Handler) TrustProxies(nets []*net.IPNet) { h.proxies = nets }

// New makes the panel with the cookie keys from the data dir.
func New(u Users, up Uploads, hashKey, blockKey []byte, log *slog.Logger) *Handler {
	store := sessions.NewCookieStore(hashKey, blockKey)
	store.MaxAge(0)
	return &Handler{users: u, uploads: up, store: store, log: log}
}
