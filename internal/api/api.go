// Package api is the KM command endpoint: POST /api/command. It decodes a
// command, runs the gate once, calls the domain and writes KM's envelope.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
)

// Users is what the endpoint needs from the domain.
type Users interface {
	Authenticate(ctx context.Context, token string) (*users.User, error)
	AuthenticateSession(ctx context.Context, token string) (*users.User, *users.Session, error)
	Settings() users.Settings
	IsActive(u *users.User) bool
	Token(u *users.User) (string, error)
	Create(ctx context.Context, actor *users.User, in users.NewAccount) error
	Get(ctx context.Context, viewer *users.User, login string) (*users.User, error)
	Count(ctx context.Context, viewer *users.User, q users.ListQuery) (int64, error)
	Each(ctx context.Context, viewer *users.User, q users.ListQuery, fn func(*users.User) error) error
	Edit(ctx context.Context, target string, p users.Patch) (*users.User, error)
	EditMe(ctx context.Context, me *users.User, p users.Patch) (*users.User, error)
	Delete(ctx context.Context, login string) (*users.User, error)
	ResetPassword(ctx context.Context, login, password string, code *string) error
	Login(ctx context.Context, clientIP, username, password string, code *string) (*users.LoginResult, error)
	LoginGuest(ctx context.Context, name string) (*users.User, string, error)
	CheckPassword(u *users.User, password string) bool
	VerifyPassword(ctx context.Context, u *users.User, password string) error
	Refused(ctx context.Context, kind, what string)
	OnlineUsers
}

// OnlineUsers is what the commands of online accounts need from the domain.
type OnlineUsers interface {
	EditOnline(ctx context.Context, me *users.User, onlineToken string, p users.Patch) (*users.User, string, error)
	ConvertToOnline(ctx context.Context, me *users.User, instance, password string) (*users.Converted, error)
	ConvertToLocal(ctx context.Context, me *users.User, password string) (*users.Converted, error)
	OnlineResetPassword(ctx context.Context, login string) error
	OnlineAvailable(ctx context.Context, u *users.User, onlineToken string) bool
	RefreshOnlineAnimeList(ctx context.Context, me *users.User, onlineToken string) (*users.User, error)
}

// Handler serves the command endpoint.
type Handler struct {
	users Users
	log   *slog.Logger
	whole chan struct{} // slots for whole-list builds of getUsers
	anime AnimeLists    // nil: no anime list service (see WithAnime)
}

// New makes the endpoint.
func New(u Users, log *slog.Logger) *Handler {
	return &Handler{users: u, log: log, whole: make(chan struct{}, wholeListBuilds)}
}

// call is one command being served.
type call struct {
	ctx      context.Context
	echo     echo.Context // nil over socket.io: no HTTP headers nor cookies there
	user     *users.User  // nil: anonymous
	token    string       // the caller's token, when it was valid
	args     []byte
	clientIP string
	reqID    string
	// onlineToken is the caller's token on their online server, if sent.
	onlineToken string
}

// Command serves POST /api/command.
func (h *Handler) Command(c echo.Context) error {
	apiHeaders(c)
	b, e := readBody(c.Request())
	if e != nil {
		return writeEnvelope(c, e.Status, failEnvelope(e))
	}
	who := Caller{ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID), HTTP: c}
	if dc, err := c.Cookie(users.DeviceCookie); err == nil {
		who.Device = dc.Value
	}
	status, env := h.Dispatch(c.Request().Context(), b, c.Request().Header, who)
	return writeEnvelope(c, status, env)
}

// failure turns an error into the wire error; anything unexpected is the
// command's 500, logged with the request id and never shown.
func (h *Handler) failure(reqID, cmd string, err error, fallback string) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Status < 500 {
			return e
		}
	} else {
		e = apiErr(http.StatusInternalServerError, fallback)
	}
	h.log.Error("command failed", "cmd", cmd, "request_id", reqID, "err", err)
	return e
}
