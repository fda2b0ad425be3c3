package api_test

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignupCannotSetTypeOrTemporary(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.do("", "createUser", map[string]any{"login": "mallory", "password": pw, "type": 0, "flag_temporary": true}).
		want(t, 200, "USER_CREATED")
	tok := v.token("mallory", pw)
	var me struct {
		Type          int  `json:"type"`
		FlagTemporary bool `json:"flag_temporary"`
	}
	v.do(tok, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if me.Type != 1 || me.FlagTemporary {
		t.Fatalf("signup set type %d, temporary %v", me.Type, me.FlagTemporary)
	}
	v.do(tok, "deleteUser", map[string]any{"username": "alice"}).want(t, 403, "ADMIN_PLEASE")
}

func TestNoSelfPromotionThroughEditMyAccount(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("mallory")
	v.do(tok, "editMyAccount", map[string]any{"type": 0}).want(t, 403, "USER_CANNOT_CHANGE_TYPE")
	v.do(tok, "editMyAccount", map[string]any{"login": "admin"}).want(t, 400, "USER_EDIT_ERROR")
	var c struct{ Role string }
	v.do(tok, "checkAuth", nil).want(t, 200, "").into(t, &c)
	if c.Role != "user" {
		t.Fatalf("role %q", c.Role)
	}
	v.do(tok, "editMyAccount", map[string]any{"type": 1, "bio": "same type is fine"}).want(t, 200, "USER_EDITED")
}

func TestSpentOperatorCodeCannotBeReused(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	code := v.opCode()
	// A taken name is answered first: the right code is not spent on it.
	v.do("", "createUser", map[string]any{"login": "mic_drop_marie", "password": pw, "role": "admin", "securityCode": code}).
		want(t, 409, "USER_ALREADY_EXISTS")
	v.do("", "createUser", map[string]any{"login": "op1", "password": pw, "role": "admin", "securityCode": code}).
		want(t, 200, "USER_CREATED")
	v.do("", "createUser", map[string]any{"login": "op2", "password": pw, "role": "admin", "securityCode": code}).
		want(t, 403, "UNAUTHORIZED")
	v.user("bob")
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": code}).
		want(t, 403, "USER_RESETPASSWORD_WRONGSECURITYCODE")
	// The fresh code is logged and works once, as a number too.
	n, _ := strconv.Atoi(v.opCode())
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": n}).
		want(t, 200, "USER_RESETPASSWORD_SUCCESS")
}

// TestCodeBruteForceBudgetIsGlobal: ten wrong tries from ten different
// clients spend the budget; the code rotates and every client gets 429 for
// 60 seconds, even with the right (new) code.
func TestCodeBruteForceBudgetIsGlobal(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	first := v.opCode()
	wrong := "000000"
	if wrong == first {
		wrong = "000001"
	}
	for i := 0; i < 10; i++ {
		body := fmt.Sprintf(`{"cmd":"resetUserPassword","body":{"username":"bob","password":"new password","securityCode":%q}}`, wrong)
		v.raw("", body, fmt.Sprintf("10.0.0.%d:5000", i+1)).want(t, 403, "USER_RESETPASSWORD_WRONGSECURITYCODE")
	}
	second := v.opCode()
	if second == first {
		t.Fatal("code not rotated after the budget was spent")
	}
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": second}).
		want(t, 429, "TOO_MANY_ATTEMPTS")
	v.do("", "createUser", map[string]any{"login": "op", "password": pw, "role": "admin", "securityCode": second}).
		want(t, 429, "TOO_MANY_ATTEMPTS")
	v.clock.Add(61 * time.Second)
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": second}).
		want(t, 200, "USER_RESETPASSWORD_SUCCESS")
}

func TestTokensDie(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	alive := func(tok string) bool { return v.do(tok, "checkAuth", nil).Status == 200 }

	t.Run("password change", func(t *testing.T) {
		tok := v.user("pat")
		other := v.token("pat", pw)
		var res struct {
			Message struct{ Data struct{ Token string } }
		}
		v.do(tok, "editMyAccount", map[string]any{"password": "brand new pw", "old_password": pw}).
			want(t, 200, "USER_EDITED").into(t, &res)
		if alive(other) {
			t.Fatal("another token survives a password change")
		}
		if !alive(tok) || res.Message.Data.Token != tok {
			t.Fatal("the token that changed the password was ended or not handed back")
		}
	})
	t.Run("reset", func(t *testing.T) {
		tok := v.user("rita")
		v.do("", "resetUserPassword", map[string]any{"username": "rita", "password": "reset password", "securityCode": v.opCode()}).
			want(t, 200, "USER_RESETPASSWORD_SUCCESS")
		if alive(tok) {
			t.Fatal("token survives a reset")
		}
		v.token("rita", "reset password")
	})
	t.Run("operator sets password", func(t *testing.T) {
		tok := v.user("opal")
		v.do(op, "editUser", map[string]any{"login": "opal", "password": "set by operator"}).want(t, 200, "USER_EDITED")
		if alive(tok) {
			t.Fatal("token survives a password set by an operator")
		}
	})
	t.Run("rename", func(t *testing.T) {
		tok := v.user("remy")
		v.do(op, "editUser", map[string]any{"old_login": "remy", "login": "remy2", "nickname": "Remy Two"}).want(t, 200, "USER_EDITED")
		if alive(tok) {
			t.Fatal("token survives a rename")
		}
		v.token("remy2", pw)
		v.user("remy") // the old name is free again; the old token must not open it
		if alive(tok) {
			t.Fatal("old token opens the new account of the same name")
		}
	})
	t.Run("deletion", func(t *testing.T) {
		tok := v.user("dave")
		v.do(op, "deleteUser", map[string]any{"username": "dave"}).want(t, 200, "USER_DELETED")
		v.do(tok, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
		v.user("dave")
		v.do(tok, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
	})
	t.Run("demotion", func(t *testing.T) {
		tok := v.operator("demi")
		v.do(tok, "getUsers", map[string]any{}).want(t, 200, "")
		v.do(op, "editUser", map[string]any{"login": "demi", "type": 1}).want(t, 200, "USER_EDITED")
		if r := v.do(tok, "deleteUser", map[string]any{"username": "olga"}); r.Status == 200 {
			t.Fatal("demoted operator still deletes users")
		}
		tok = v.token("demi", pw)
		v.do(tok, "deleteUser", map[string]any{"username": "olga"}).want(t, 403, "ADMIN_PLEASE")
	})
	t.Run("forged", func(t *testing.T) {
		v.do("a.b.c", "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
		tok := v.user("fred")
		v.do(tok[:len(tok)-2]+"xx", "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
		v.do(`eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6Im9sZ2EiLCJyb2xlIjoiYWRtaW4ifQ.`, "checkAuth", nil).want(t, 401, "INVALID_TOKEN")
	})
}

func TestAdminIsProtectedInAnyCase(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	for _, name := range []string{"admin", "Admin", "ADMIN", " admin "} {
		v.do(op, "deleteUser", map[string]any{"username": name}).want(t, 406, "USER_DELETE_ADMIN_DAMEDESU")
		v.do(op, "editUser", map[string]any{"login": name, "type": 1}).want(t, 403, "USER_EDIT_ERROR")
		v.do(op, "editUser", map[string]any{"old_login": name, "login": "root"}).want(t, 403, "USER_EDIT_ERROR")
		v.do(op, "editUser", map[string]any{"login": name, "password": "let me in please"}).want(t, 403, "USER_EDIT_ERROR")
		v.do("", "login", map[string]any{"username": name, "password": "anything goes"}).want(t, 401, "LOG_ERROR")
		v.do("", "createUser", map[string]any{"login": name, "password": pw}).want(t, 409, "USER_ALREADY_EXISTS")
		v.do("", "createUser", map[string]any{"login": strings.TrimSpace(name) + "@kara.moe", "password": pw}).want(t, 403, "USER_CREATE_ERROR")
	}
	v.do(op, "editUser", map[string]any{"login": "ADMIN", "bio": "still editable"}).want(t, 200, "USER_EDITED")
}

func TestUnknownLoginAndWrongPasswordLookTheSame(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	a := v.do("", "login", map[string]any{"username": "bob", "password": "wrong password"}).want(t, 401, "LOG_ERROR")
	b := v.do("", "login", map[string]any{"username": "nobody", "password": "wrong password"}).want(t, 401, "LOG_ERROR")
	if string(a.Data) != string(b.Data) {
		t.Fatalf("answers differ: %s vs %s", a.Data, b.Data)
	}
	g := v.do("", "login", map[string]any{"username": "mic_drop_marie", "password": ""}).want(t, 401, "LOG_ERROR")
	if string(g.Data) != string(a.Data) {
		t.Fatal("guest password login answers differently")
	}
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	bad := `{"cmd":"login","body":{"username":"bob","password":"wrong password"}}`
	for i := 0; i < 10; i++ {
		v.raw("", bad, fmt.Sprintf("10.1.0.%d:1", i)).want(t, 401, "LOG_ERROR")
	}
	// Per account: even the right password waits, from any address.
	good := fmt.Sprintf(`{"cmd":"login","body":{"username":"bob","password":%q}}`, pw)
	v.raw("", good, "10.9.9.9:1").want(t, 429, "TOO_MANY_ATTEMPTS")
	v.clock.Add(11 * time.Minute) // soft: it expires
	v.raw("", good, "10.9.9.9:1").want(t, 200, "")

	// Per address: one client spraying many accounts is stopped too.
	for i := 0; i < 30; i++ {
		body := fmt.Sprintf(`{"cmd":"login","body":{"username":"user%d","password":"wrong password"}}`, i)
		v.raw("", body, "10.2.0.1:1").want(t, 401, "LOG_ERROR")
	}
	v.raw("", good, "10.2.0.1:1").want(t, 429, "TOO_MANY_ATTEMPTS")
	v.raw("", good, "10.2.0.2:1").want(t, 200, "")
	// A forged X-Forwarded-For does not give a fresh address: no proxy is
	// configured, so the TCP peer counts.
	req := httptest.NewRequest("POST", "/api/command", strings.NewReader(good))
	req.RemoteAddr = "10.2.0.1:1"
	req.Header.Set("X-Forwarded-For", "192.0.2.77")
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	decodeReply(t, rec.Code, rec.Body).want(t, 429, "TOO_MANY_ATTEMPTS")
}

func TestPromotionAtLogin(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	var res struct{ Role, Token string }
	v.do("", "login", map[string]any{"username": "bob", "password": pw, "securityCode": "999999x"}).want(t, 200, "").into(t, &res)
	if res.Role != "user" {
		t.Fatalf("wrong code promoted: %s", res.Role)
	}
	v.do("", "login", map[string]any{"username": "bob", "password": pw, "securityCode": v.opCode()}).want(t, 200, "").into(t, &res)
	if res.Role != "admin" {
		t.Fatalf("right code did not promote: %s", res.Role)
	}
	v.do(res.Token, "deleteUser", map[string]any{"username": "nobody"}).want(t, 404, "USER_NOT_EXISTS")
	// An operator's login does not spend the code.
	code := v.opCode()
	v.do("", "login", map[string]any{"username": "bob", "password": pw, "securityCode": code}).want(t, 200, "")
	v.user("carl")
	v.do("", "login", map[string]any{"username": "carl", "password": pw, "securityCode": code}).want(t, 200, "").into(t, &res)
	if res.Role != "admin" {
		t.Fatal("the code was spent by an operator's login")
	}
}
