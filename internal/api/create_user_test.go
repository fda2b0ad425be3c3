package api_test

import (
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

func TestCreateUserErrors(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	user := v.user("alice")
	args := func(kv ...any) map[string]any {
		m := map[string]any{"login": "newbie", "password": pw}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name, token string
		args        map[string]any
		status      int
		code        string
	}{
		{"admin role by a user without code", user, args("role", "admin", "securityCode", nil), 403, "UNAUTHORIZED"},
		{"admin role by a user", user, args("role", "admin"), 403, "UNAUTHORIZED"},
		{"admin role wrong code", "", args("role", "admin", "securityCode", "000000x"), 403, "UNAUTHORIZED"},
		{"guest role by a stranger", "", args("role", "guest", "password", ""), 403, "UNAUTHORIZED"},
		{"bad login", "", args("login", "a b"), 400, "USER_LOGIN_INVALID"},
		{"long local part", "", args("login", strings.Repeat("a", 65)), 400, "USER_LOGIN_INVALID"},
		{"empty password", "", args("password", ""), 400, "USER_EMPTY_PASSWORD"},
		{"guest with password", op, args("role", "guest"), 400, "GUEST_WITH_PASSWORD"},
		{"password over 72 bytes", "", args("password", strings.Repeat("é", 37)), 400, "PASSWORD_TOO_LONG"},
		{"short password", "", args("password", "1234567"), 411, "PASSWORD_TOO_SHORT"},
		{"login taken, any case", "", args("login", " ALICE "), 409, "USER_ALREADY_EXISTS"},
		{"signup with a nickname", "", args("login", "olga2", "nickname", "x"), 200, "USER_CREATED"},
		{"nickname taken", "", args("login", "carol", "nickname", "Alice"), 409, "NICKNAME_ALREADY_IN_USE"},
		{"plain signup", "", args("login", "ally"), 200, "USER_CREATED"},
		{"online admin", "", args("login", "admin@kara.moe"), 403, "USER_CREATE_ERROR"},
		{"online server down", "", args("login", "dan@kara.moe"), 504, "INSTANCE_NOT_RESPONDING"},
		{"online host not allowed", "", args("login", "dan@evil.example"), 403, "USER_CREATE_ERROR"},
		{"bad role", "", args("role", "god"), 400, "INVALID_DATA"},
		{"bad language", "", args("login", "lang", "language", "french"), 400, "INVALID_DATA"},
	}
	for _, c := range cases {
		r := v.do(c.token, "createUser", c.args)
		if r.Status != c.status || r.Code != c.code {
			t.Errorf("%s: got %d %q %s, want %d %q", c.name, r.Status, r.Code, r.Data, c.status, c.code)
		}
	}
	// A login equal to another user's nickname would impersonate them.
	v.do(op, "editUser", map[string]any{"login": "alice", "nickname": "Zed"}).want(t, 200, "USER_EDITED")
	v.do("", "createUser", args("login", "zed")).want(t, 409, "USER_ALREADY_EXISTS")
	r := v.do("", "createUser", args("login", "admin@kara.moe"))
	if !strings.Contains(string(r.MsgRaw), "Admin accounts are not allowed to be created online") {
		t.Errorf("online admin data: %s", r.MsgRaw)
	}
}

func TestCreateUserSettings(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.settings(func(s *users.Settings) { s.AllowUserCreation = false })
	v.do("", "createUser", map[string]any{"login": "bob", "password": pw}).want(t, 403, "USER_CREATION_DISABLED")
	v.do(op, "createUser", map[string]any{"login": "bob", "password": pw}).want(t, 200, "USER_CREATED")

	v.settings(func(s *users.Settings) { s.AllowUserCreation = true; s.RequireSecurityCode = true })
	v.do("", "createUser", map[string]any{"login": "carl", "password": pw}).want(t, 403, "USER_CREATION_WRONG_SECURITY_CODE")
	v.do("", "createUser", map[string]any{"login": "carl", "password": pw, "securityCode": "123"}).
		want(t, 403, "USER_CREATION_WRONG_SECURITY_CODE")
	code := v.code(testkit.AccountCode)
	v.do("", "createUser", map[string]any{"login": "carl", "password": pw, "securityCode": code}).want(t, 200, "USER_CREATED")
	// Single use: the spent code no longer works, the newly logged one does.
	v.do("", "createUser", map[string]any{"login": "dora", "password": pw, "securityCode": code}).
		want(t, 403, "USER_CREATION_WRONG_SECURITY_CODE")
	if next := v.code(testkit.AccountCode); next == code {
		t.Fatal("account code not rotated after use")
	}
	// The operator code works there too.
	v.do("", "createUser", map[string]any{"login": "dora", "password": pw, "securityCode": v.opCode()}).want(t, 200, "USER_CREATED")

	v.settings(func(s *users.Settings) { s.OnlineAccountsEnabled = false })
	r := v.do("", "createUser", map[string]any{"login": "eve@kara.moe", "password": pw, "securityCode": v.code(testkit.AccountCode)})
	r.want(t, 403, "USER_CREATE_ERROR")
	if !strings.Contains(string(r.MsgRaw), "Creating online accounts is not allowed on this instance") {
		t.Errorf("data: %s", r.MsgRaw)
	}
}

func TestOperatorCreatesEveryRole(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	for role, typ := range map[string]int{"user": 1, "admin": 0, "guest": 2} {
		args := map[string]any{"login": "r" + role, "password": pw, "role": role}
		if role == "guest" {
			delete(args, "password")
		}
		v.do(op, "createUser", args).want(t, 200, "USER_CREATED")
		var p struct{ Type int }
		v.do(op, "getUser", map[string]any{"username": "r" + role}).want(t, 200, "").into(t, &p)
		if p.Type != typ {
			t.Errorf("role %s made type %d", role, p.Type)
		}
	}
}
