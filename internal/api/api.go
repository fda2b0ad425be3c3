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
	ctx   context.Context
	echo  echo.Context
	user  *users.User // nil: anonymous
	token string      // the caller's token, when it was valid
	args  []byte
	// onlineToken is the caller's token on their online server, if sent.
	onlineToken string
}

// Command serves POST /api/command.
func (h *Handler) Command(c echo.Context) error {
	apiHeaders(c)
	b, e := readBody(c.Request())
	if e != nil {
		return writeFail(c, e)
	}
	req, e := decodeRequest(b, c.Request().Header)
	if e != nil {
		return writeFail(c, e)
	}
	cmd, ok := commands[req.Cmd]
	if !ok {
		return writeFail(c, apiErr(http.StatusNotFound, "UNKNOWN_COMMAND"))
	}
	who := users.Client{IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if dc, err := c.Cookie(users.DeviceCookie); err == nil {
		who.Device = dc.Value
	}
	ctx := users.WithClient(c.Request().Context(), who)
	cl := &call{ctx: ctx, echo: c, args: req.Args, onlineToken: req.OnlineToken}
	if e := h.gate(cl, req.Cmd, cmd, req.Token); e != nil {
		return writeFail(c, e)
	}
	res, err := cmd.run(h, cl)
	if err != nil {
		return writeFail(c, h.failure(c, req.Cmd, err, cmd.fail))
	}
	return writeOK(c, res)
}

// failure turns an error into the wire error; anything unexpected is the
// command's 500, logged with the request id and never shown.
func (h *Handler) failure(c echo.Context, cmd string, err error, fallback string) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Status < 500 {
			return e
		}
	} else {
		e = apiErr(http.StatusInternalServerError, fallback)
	}
	h.log.Error("command failed", "cmd", cmd, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	return e
}
