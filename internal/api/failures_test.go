package api_test

import (
	"context"
	"errors"
	"image/color"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

var errDisk = errors.New("disk on fire: SELECT * FROM users")

// faulty is the real service with some actions failing as a broken disk
// would: every 500 of the contract must come out clean.
type faulty struct {
	api.Users
	as *users.User // when set, every token authenticates as this user
}

func (f faulty) Authenticate(ctx context.Context, tok string) (*users.User, error) {
	if f.as != nil {
		return f.as, nil
	}
	return f.Users.Authenticate(ctx, tok)
}
func (f faulty) AuthenticateSession(ctx context.Context, tok string) (*users.User, *users.Session, error) {
	if f.as != nil {
		return f.as, &users.Session{ID: "test"}, nil
	}
	return f.Users.AuthenticateSession(ctx, tok)
}
func (faulty) Each(context.Context, *users.User, users.ListQuery, func(*users.User) error) error {
	return errDisk
}
func (faulty) Count(context.Context, *users.User, users.ListQuery) (int64, error) { return 0, errDisk }
func (faulty) Create(context.Context, *users.User, users.NewAccount) error        { return errDisk }
func (faulty) Delete(context.Context, string) (*users.User, error)                { return nil, errDisk }
func (faulty) Edit(context.Context, string, users.Patch) (*users.User, error)     { return nil, errDisk }
func (faulty) ResetPassword(context.Context, string, string, *string) error       { return errDisk }

func TestEveryServerErrorIsClean(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	admin, err := v.svc.UserByLogin(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		as     *users.User
		cmd    string
		args   map[string]any
		status int
		code   string
	}{
		{nil, "getUsers", map[string]any{}, 500, "USER_LIST_ERROR"},
		{nil, "createUser", map[string]any{"login": "x", "password": pw}, 500, "USER_CREATE_ERROR"},
		{nil, "deleteUser", map[string]any{"username": "x"}, 500, "USER_DELETE_ERROR"},
		{nil, "editUser", map[string]any{"login": "x", "bio": "y"}, 500, "USER_EDIT_ERROR"},
		{nil, "resetUserPassword", map[string]any{"username": "x", "password": pw, "securityCode": "1"}, 500, "USER_RESETPASSWORD_ERROR"},
		{admin, "convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": pw}, 500, "ADMIN_CONVERT_ERROR"},
	}
	for _, c := range cases {
		lb := &testkit.Buffer{}
		log := lb.Logger()
		e := server.New(server.Deps{API: api.New(faulty{Users: v.svc, as: c.as}, log), DB: v.db, Log: log})
		w := &env{t: t, e: e}
		r := w.do(op, c.cmd, c.args)
		if r.Status != c.status || r.Code != c.code {
			t.Errorf("%s: %d %q, want %d %q", c.cmd, r.Status, r.Code, c.status, c.code)
		}
		if strings.Contains(string(r.Data), "disk") || strings.Contains(string(r.Data), "SELECT") {
			t.Errorf("%s: internals in the answer: %s", c.cmd, r.Data)
		}
		if c.status >= 500 && !strings.Contains(lb.String(), "request_id=") {
			t.Errorf("%s: 5xx not logged with a request id", c.cmd)
		}
	}
}

// TestOnlineAccountsWithoutTheirServer: an online account synced earlier
// (here written straight into the database) logs in offline, and every
// action that needs its server answers the contract's unreachable codes.
func TestOnlineAccountsWithoutTheirServer(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	h, _ := users.NewHasher(10)
	hash, _ := h.Hash(pw)
	now := time.Now().UTC()
	err := v.db.Update(context.Background(), func(tx users.Tx) error {
		return tx.Insert(&users.User{Login: "dan@kara.moe", Nickname: "dan", NicknameKey: "dan", Type: 1, Password: hash,
			TokenKey: "k", AvatarFile: "blank.png", FlagPublic: true, LastLoginAt: now, CreatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	dan := v.token("dan@kara.moe", pw)
	// The host fetches an online account's list: without it, the refresh
	// fails and says why.
	if r := v.do(dan, "refreshAnimeList", nil).want(t, 500, "REFRESH_ANIME_LIST_ERROR"); !strings.Contains(string(r.MsgRaw), "ONLINE_SERVER_UNREACHABLE") {
		t.Fatalf("data %s", r.MsgRaw)
	}
	v.do(dan, "convertMyOnlineUserToLocal", map[string]any{"password": pw}).want(t, 500, "USER_DELETE_ERROR_ONLINE")
	v.do(dan, "convertMyOnlineUserToLocal", map[string]any{"password": "wrong one!"}).want(t, 400, "INVALID_DATA")
	v.do(dan, "convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": pw}).want(t, 409, "USER_ALREADY_EXISTS_ONLINE")
	v.do(dan, "editMyAccount", map[string]any{"bio": "x"}).want(t, 504, "INSTANCE_NOT_RESPONDING")
	v.do("", "resetUserPassword", map[string]any{"username": "dan@kara.moe", "password": pw, "securityCode": v.opCode()}).
		want(t, 500, "USER_RESETPASSWORD_ONLINE_ERROR")
	op := v.operator("olga")
	v.do(op, "editUser", map[string]any{"login": "dan@kara.moe", "type": 0, "bio": "ignored"}).want(t, 200, "USER_EDITED")
	var p struct {
		Type int     `json:"type"`
		Bio  *string `json:"bio"`
	}
	v.do(op, "getUser", map[string]any{"username": "dan@kara.moe"}).want(t, 200, "").into(t, &p)
	if p.Type != 0 || p.Bio != nil {
		t.Fatalf("online user edit: type %d bio %v (only type and flag_tutorial_done apply)", p.Type, p.Bio)
	}
}

// brokenAuth fails every token check as a broken disk would.
type brokenAuth struct{ api.Users }

func (brokenAuth) Authenticate(context.Context, string) (*users.User, error) { return nil, errDisk }

// A database error while checking an upload's token is the server's fault:
// a clean 500, logged, not a 401 that tells the client its token is bad.
func TestUploadWithABrokenDatabaseIs500(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("bob")
	lb := &testkit.Buffer{}
	log := lb.Logger()
	w := &env{t: t, e: server.New(server.Deps{API: api.New(brokenAuth{v.svc}, log), DB: v.db, Log: log, Uploads: v.avatars,
		Avatars: v.avatars})}
	rec, _ := w.upload(tok, "/api/importfile", "a.png", testPNG(t, 8, 8, color.NRGBA{A: 255}))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "disk") {
		t.Fatalf("upload with a broken database: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(lb.String(), "request_id=") {
		t.Fatal("the 500 was not logged with a request id")
	}
}
