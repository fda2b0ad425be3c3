package online

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/mail"
	"github.com/kmusers/kmusers/internal/users"
)

// HostUsers is what the host routes need from the domain.
type HostUsers interface {
	Settings() users.Settings
	IsActive(u *users.User) bool
	Login(ctx context.Context, clientIP, username, password string, code *string) (*users.LoginResult, error)
	Authenticate(ctx context.Context, token string) (*users.User, error)
	Token(u *users.User) (string, error)
	Create(ctx context.Context, actor *users.User, in users.NewAccount) error
	HostedAccount(ctx context.Context, name string) (*users.User, error)
	Each(ctx context.Context, viewer *users.User, q users.ListQuery, fn func(*users.User) error) error
	EditHosted(ctx context.Context, me *users.User, p users.Patch) (*users.User, error)
	Delete(ctx context.Context, login string) (*users.User, error)
	RequestResetMail(ctx context.Context, name string) (*users.ResetMail, error)
}

// Uploads turns a picture into a pending avatar upload (the pipeline of
// /api/importfile).
type Uploads interface {
	Upload(ctx context.Context, owner, originalName string, data []byte) (avatars.Upload, error)
}

// Mailer queues a mail.
type Mailer interface {
	Enqueue(m mail.Message) bool
}

// Host serves this instance's accounts to apps elsewhere (KM Server's routes).
type Host struct {
	users     HostUsers
	uploads   Uploads
	mailer    Mailer
	publicURL string // where the reset links point
	log       *slog.Logger
	anime     HostAnime // nil: no anime lists (see WithAnime)
}

// NewHost makes the host routes. publicURL is this instance's address as
// people reach it (the reset links point there; never the request's Host).
func NewHost(u HostUsers, up Uploads, m Mailer, publicURL string, log *slog.Logger) *Host {
	return &Host{users: u, uploads: up, mailer: m, publicURL: strings.TrimRight(publicURL, "/"), log: log}
}

// Register adds the host routes.
func (h *Host) Register(e *echo.Echo) {
	on := h.enabled
	e.POST("/api/users", h.create, on)
	e.GET("/api/users", h.list, on)
	e.DELETE("/api/users", h.delete, on)
	e.GET("/api/users/:name", h.get, on)
	e.PATCH("/api/users/:name", h.edit, on)
	e.POST("/api/users/:name/resetpassword", h.resetPassword, on)
	e.POST("/api/auth/login", h.login, on)
	e.GET("/api/auth/check", h.check, on)
	e.GET("/api/myaccount", h.myAccount, on)
	e.POST("/api/myaccount/myanime", h.myAnime, on)
}

// hostError is the KM Server error shape.
type hostError struct {
	Code string `json:"code"`
	Msg  string `json:"message,omitempty"`
}

func fail(c echo.Context, status int, code, msg string) error {
	return c.JSON(status, hostError{Code: code, Msg: msg})
}

// enabled refuses everything while online accounts are off.
func (h *Host) enabled(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !h.users.Settings().OnlineAccountsEnabled {
			return fail(c, http.StatusForbidden, "ONLINE_ACCOUNTS_DISABLED", "this instance does not host online accounts")
		}
		return next(c)
	}
}

// readForm reads a JSON or a URL-encoded body (KM apps have sent both), at
// most MaxJSON bytes, into a map of raw JSON values.
func readForm(c echo.Context) (map[string]json.RawMessage, error) {
	r := c.Request()
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxJSON+1))
	if err != nil || len(b) > MaxJSON {
		return nil, errors.New("body too large")
	}
	out := map[string]json.RawMessage{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			out[k] = formValue(k, v[0])
		}
		return out, nil
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return out, nil
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// formValue turns a form string into the JSON value its field expects.
func formValue(key, v string) json.RawMessage {
	if strings.HasPrefix(key, "flag_") || key == "type" {
		if _, err := strconv.ParseBool(v); err == nil || key == "type" {
			return json.RawMessage(v)
		}
	}
	b, _ := json.Marshal(v)
	return b
}

// codeOf reads a security code sent as a string or a number.
func codeOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func str(m map[string]json.RawMessage, k string) string {
	var s string
	_ = json.Unmarshal(m[k], &s)
	return s
}

func (h *Host) create(c echo.Context) error {
	f, err := readForm(c)
	if err != nil {
		return fail(c, http.StatusBadRequest, "INVALID_DATA", "")
	}
	login := str(f, "login")
	if strings.Contains(login, "@") {
		return fail(c, http.StatusBadRequest, "USER_LOGIN_INVALID", "")
	}
	in := users.NewAccount{Login: login, Password: str(f, "password"), Nickname: str(f, "nickname")}
	if code := codeOf(f["securityCode"]); code != "" {
		in.Code = &code // a host that asks a code of new accounts
	}
	err = h.users.Create(c.Request().Context(), nil, in)
	if err != nil {
		return h.createError(c, err)
	}
	h.log.Info("online account created", "login", users.NormalizeLogin(login), "client_ip", c.RealIP())
	return c.JSON(http.StatusOK, map[string]string{"code": "USER_CREATED"})
}

// hostRule maps one domain error to the host's answer.
type hostRule struct {
	err    error
	status int
	code   string
}

// passwordRules are the answers of every route that sets a password.
var passwordRules = []hostRule{
	{users.ErrPasswordEmpty, http.StatusBadRequest, "USER_EMPTY_PASSWORD"},
	{users.ErrPasswordTooShort, http.StatusBadRequest, "PASSWORD_TOO_SHORT"},
	{users.ErrPasswordTooLong, http.StatusBadRequest, "PASSWORD_TOO_LONG"},
	{users.ErrPasswordTooWeak, http.StatusBadRequest, "PASSWORD_TOO_WEAK"},
	{users.ErrTooManyAttempts, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS"},
}

var createRules = append([]hostRule{
	{users.ErrLoginTaken, http.StatusConflict, "USER_ALREADY_EXISTS"},
	{users.ErrNicknameTaken, http.StatusConflict, "NICKNAME_ALREADY_IN_USE"},
	{users.ErrCreationDisabled, http.StatusForbidden, "USER_CREATION_DISABLED"},
	{users.ErrWrongCode, http.StatusForbidden, "USER_CREATION_WRONG_SECURITY_CODE"},
	{users.ErrCodeNeeded, http.StatusForbidden, "USER_CREATION_WRONG_SECURITY_CODE"},
	{users.ErrCodeLocked, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS"},
	{users.ErrLoginInvalid, http.StatusBadRequest, "USER_LOGIN_INVALID"},
}, passwordRules...)

var editRules = append([]hostRule{
	{users.ErrNicknameTaken, http.StatusConflict, "NICKNAME_ALREADY_IN_USE"},
	{users.ErrWrongPassword, http.StatusForbidden, "WRONG_PASSWORD"},
	{users.ErrPasswordEmpty, http.StatusBadRequest, "PASSWORD_TOO_SHORT"}, // an edit's empty password is a short one
	{users.ErrInvalidAvatar, http.StatusBadRequest, "INVALID_AVATAR"},
	{users.ErrNotFound, http.StatusNotFound, "USER_NOT_EXISTS"},
}, passwordRules...)

// mapped answers err by the first rule it matches; ok is false when none
// does.
func mapped(c echo.Context, err error, rules []hostRule) (handled error, ok bool) {
	for _, r := range rules {
		if errors.Is(err, r.err) {
			return fail(c, r.status, r.code, ""), true
		}
	}
	return nil, false
}

func (h *Host) createError(c echo.Context, err error) error {
	if res, ok := mapped(c, err, createRules); ok {
		return res
	}
	if fe, ok := users.AsFieldError(err); ok {
		return fail(c, http.StatusBadRequest, "INVALID_DATA", fe.Error())
	}
	return h.internal(c, "create", err)
}

func (h *Host) internal(c echo.Context, what string, err error) error {
	h.log.Error("online host failed", "what", what, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	return fail(c, http.StatusInternalServerError, "INTERNAL_ERROR", "")
}

// get is a public profile: no e-mail, never the hash; private is 404.
func (h *Host) get(c echo.Context) error {
	u, err := h.users.HostedAccount(c.Request().Context(), c.Param("name"))
	if errors.Is(err, users.ErrNotFound) || (err == nil && !u.FlagPublic) {
		return fail(c, http.StatusNotFound, "USER_NOT_EXISTS", "")
	}
	if err != nil {
		return h.internal(c, "get", err)
	}
	return c.JSON(http.StatusOK, wireOf(u, false, h.users.IsActive(u)))
}

// list searches the public hosted accounts.
func (h *Host) list(c echo.Context) error {
	size, _ := strconv.Atoi(c.QueryParam("size"))
	if size <= 0 || size > 100 {
		size = 20
	}
	from, _ := strconv.Atoi(c.QueryParam("from"))
	if from < 0 {
		from = 0
	}
	q := users.ListQuery{Filter: c.QueryParam("filter"), Kind: "local", PublicOnly: true, Offset: from, Limit: size}
	list := []wireUser{}
	err := h.users.Each(c.Request().Context(), nil, q, func(u *users.User) error {
		if users.Hostable(u) {
			w := wireOf(u, false, h.users.IsActive(u))
			list = append(list, w)
		}
		return nil
	})
	if err != nil {
		return h.internal(c, "list", err)
	}
	return c.JSON(http.StatusOK, list)
}

// owner is the hosted account of the request's token.
func (h *Host) owner(c echo.Context) (*users.User, error) {
	tok := strings.TrimSpace(c.Request().Header.Get("Authorization"))
	tok = strings.TrimSpace(strings.TrimPrefix(tok, "Bearer "))
	if tok == "" {
		return nil, fail(c, http.StatusUnauthorized, "NOT_LOGGED_IN", "")
	}
	u, err := h.users.Authenticate(c.Request().Context(), tok)
	if errors.Is(err, users.ErrInvalidToken) || (err == nil && !users.Hostable(u)) {
		return nil, fail(c, http.StatusUnauthorized, "INVALID_TOKEN", "")
	}
	if err != nil {
		return nil, h.internal(c, "auth", err)
	}
	return u, nil
}

func (h *Host) myAccount(c echo.Context) error {
	u, err := h.owner(c)
	if u == nil {
		return err
	}
	return c.JSON(http.StatusOK, wireOf(u, true, true))
}

func (h *Host) check(c echo.Context) error {
	u, err := h.owner(c)
	if u == nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"username": u.Login, "roles": rolesOf(u)})
}

func (h *Host) login(c echo.Context) error {
	f, err := readForm(c)
	if err != nil {
		return fail(c, http.StatusBadRequest, "INVALID_DATA", "")
	}
	name := str(f, "username")
	if strings.Contains(name, "@") {
		return fail(c, http.StatusUnauthorized, "LOG_ERROR", "")
	}
	res, err := h.users.Login(c.Request().Context(), c.RealIP(), name, str(f, "password"), nil)
	switch {
	case errors.Is(err, users.ErrBadCredentials):
		return fail(c, http.StatusUnauthorized, "LOG_ERROR", "")
	case errors.Is(err, users.ErrTooManyAttempts):
		return fail(c, http.StatusTooManyRequests, "TOO_MANY_ATTEMPTS", "")
	case err != nil:
		return h.internal(c, "login", err)
	case !users.Hostable(res.User):
		return fail(c, http.StatusUnauthorized, "LOG_ERROR", "")
	}
	return c.JSON(http.StatusOK, map[string]any{"token": res.Token, "username": res.User.Login, "roles": rolesOf(res.User)})
}

// edit changes the token owner's profile: JSON or URL-encoded fields, or a
// multipart body whose "avatarfile" goes through the avatar pipeline.
func (h *Host) edit(c echo.Context) error {
	u, err := h.owner(c)
	if u == nil {
		return err
	}
	if users.NormalizeLogin(c.Param("name")) != u.Login {
		return fail(c, http.StatusForbidden, "USER_EDIT_ERROR", "not your account")
	}
	var p users.Patch
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if p, err = h.multipartPatch(c, u); err != nil {
			return err
		}
	} else {
		f, err := readForm(c)
		if err != nil {
			return fail(c, http.StatusBadRequest, "INVALID_DATA", "")
		}
		b, _ := json.Marshal(f)
		if err := json.Unmarshal(b, &p); err != nil {
			return fail(c, http.StatusBadRequest, "INVALID_DATA", "")
		}
	}
	p.Uploader = u.Login
	out, err := h.users.EditHosted(c.Request().Context(), u, p)
	if err != nil {
		return h.editError(c, err)
	}
	reply := map[string]any{"user": wireOf(out, true, true)}
	if p.Password.Set {
		tok, err := h.users.Token(out)
		if err != nil {
			return h.internal(c, "edit", err)
		}
		reply["token"] = tok
	}
	return c.JSON(http.StatusOK, reply)
}

// multipartPatch reads the fields of a multipart edit; its avatarfile
// becomes a pending upload of the owner.
func (h *Host) multipartPatch(c echo.Context, u *users.User) (users.Patch, error) {
	var p users.Patch
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, MaxAvatar+MaxJSON)
	mr, err := r.MultipartReader()
	if err != nil {
		return p, fail(c, http.StatusBadRequest, "INVALID_DATA", "")
	}
	fields := map[string]json.RawMessage{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p, fail(c, http.StatusBadRequest, "INVALID_DATA", "")
		}
		if part.FormName() == "avatarfile" {
			data, err := io.ReadAll(io.LimitReader(part, MaxAvatar+1))
			if err != nil || len(data) > MaxAvatar {
				return p, fail(c, http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", "")
			}
			up, err := h.uploads.Upload(r.Context(), u.Login, part.FileName(), data)
			if err != nil {
				return p, h.avatarError(c, err)
			}
			p.Avatar = users.Some(up.ID)
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return p, fail(c, http.StatusBadRequest, "INVALID_DATA", "")
		}
		fields[part.FormName()] = formValue(part.FormName(), string(v))
	}
	avatar := p.Avatar
	b, _ := json.Marshal(fields)
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fail(c, http.StatusBadRequest, "INVALID_DATA", "")
	}
	p.Avatar = avatar
	return p, nil
}

func (h *Host) avatarError(c echo.Context, err error) error {
	switch {
	case errors.Is(err, avatars.ErrTooLarge):
		return fail(c, http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", "")
	case errors.Is(err, avatars.ErrUnsupported):
		return fail(c, http.StatusBadRequest, "UNSUPPORTED_IMAGE", "")
	case errors.Is(err, avatars.ErrInvalid):
		return fail(c, http.StatusBadRequest, "INVALID_IMAGE", "")
	}
	return h.internal(c, "avatar", err)
}

func (h *Host) editError(c echo.Context, err error) error {
	if fe, ok := users.AsFieldError(err); ok {
		return fail(c, http.StatusBadRequest, "USER_EDIT_ERROR", fe.Error())
	}
	if res, ok := mapped(c, err, editRules); ok {
		return res
	}
	return h.internal(c, "edit", err)
}

func (h *Host) delete(c echo.Context) error {
	u, err := h.owner(c)
	if u == nil {
		return err
	}
	if _, err := h.users.Delete(c.Request().Context(), u.Login); err != nil {
		if errors.Is(err, users.ErrAdminProtected) {
			return fail(c, http.StatusForbidden, "USER_DELETE_ADMIN_DAMEDESU", "")
		}
		return h.internal(c, "delete", err)
	}
	h.log.Info("online account deleted by its owner", "login", u.Login)
	return c.JSON(http.StatusOK, map[string]string{"code": "USER_DELETED"})
}

// resetPassword mails a reset link when the account exists and has an
// address. The answer is the same either way, and the mail leaves from
// the queue, so neither the answer nor its time tells.
func (h *Host) resetPassword(c echo.Context) error {
	rm, err := h.users.RequestResetMail(c.Request().Context(), c.Param("name"))
	if err != nil {
		return h.internal(c, "reset", err)
	}
	if rm != nil && h.mailer != nil {
		h.mailer.Enqueue(h.resetMessage(rm))
	}
	return c.JSON(http.StatusOK, map[string]string{"code": "USER_RESETPASSWORD_ONLINE"})
}

// resetHTML is parsed on first use: at init it would cost every start.
var resetHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("reset").Parse(`<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hello {{.Login}},</p>
<p>Someone (hopefully you) asked to reset the password of your account <b>{{.Login}}</b> on <b>{{.Instance}}</b>.</p>
<p><a href="{{.Link}}">Choose a new password</a></p>
<p>The link works once, for two hours. If you did not ask for it, ignore this mail: your password stays as it is.</p>
<p>— {{.Instance}}</p>
</body></html>`))
})

// resetMessage is the reset mail: a text part and an HTML part, naming
// this instance.
func (h *Host) resetMessage(rm *users.ResetMail) mail.Message {
	instance := h.publicURL
	if u, err := url.Parse(h.publicURL); err == nil && u.Host != "" {
		instance = u.Host
	}
	link := h.publicURL + "/reset/" + rm.Token
	text := "Hello " + rm.Login + ",\n\n" +
		"Someone (hopefully you) asked to reset the password of your account " + rm.Login + " on " + instance + ".\n\n" +
		"Choose a new password here:\n" + link + "\n\n" +
		"The link works once, for two hours. If you did not ask for it, ignore this mail: your password stays as it is.\n\n" +
		"-- " + instance + "\n"
	var html strings.Builder
	_ = resetHTML().Execute(&html, map[string]string{"Login": rm.Login, "Instance": instance, "Link": link})
	return mail.Message{To: rm.Email, Subject: "Your password on " + instance, Text: text, HTML: html.String()}
}

// Avatars adapts the avatar service to the domain's AvatarIO.
type Avatars struct {
	Service *avatars.Service
}

// UploadAvatar implements users.AvatarIO.
func (a Avatars) UploadAvatar(ctx context.Context, owner string, data []byte) (string, error) {
	up, err := a.Service.Upload(ctx, owner, "avatar", data)
	return up.ID, err
}

// AvatarBytes implements users.AvatarIO.
func (a Avatars) AvatarBytes(name string) ([]byte, bool) {
	data, _, ok := a.Service.Open(name)
	return data, ok
}
