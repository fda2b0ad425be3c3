package api_test

import (
	"encoding/json"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// The differences a replay of KM's own user and auth tests found (issue 11).

// KM's first-run page creates role admin anonymously without a code, then
// logs in with the security code to be promoted.
func TestKMFirstRunAdminWithoutCode(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.do("", "createUser", map[string]any{"login": "boss", "password": pw, "role": "admin"}).want(t, 200, "USER_CREATED")
	var res struct{ Role string }
	v.do("", "login", map[string]any{"username": "boss", "password": pw}).want(t, 200, "").into(t, &res)
	if res.Role != "user" {
		t.Fatalf("role admin without a code made a %q", res.Role)
	}
	v.do("", "login", map[string]any{"username": "boss", "password": pw, "securityCode": v.opCode()}).want(t, 200, "").into(t, &res)
	if res.Role != "admin" {
		t.Fatalf("login with the code: role %q", res.Role)
	}
	// A wrong code stays UNAUTHORIZED and counts: ten of them lock the code.
	for i := 0; i < 10; i++ {
		v.do("", "createUser", map[string]any{"login": "boss2", "password": pw, "role": "admin", "securityCode": "abc"}).
			want(t, 403, "UNAUTHORIZED")
	}
	v.do("", "createUser", map[string]any{"login": "boss2", "password": pw, "role": "admin", "securityCode": v.opCode()}).
		want(t, 429, "TOO_MANY_ATTEMPTS")
}

// A sign-up that forgets the code is told so and spends no try of either
// budget: twenty of them leave the right codes working.
func TestSignupWithoutCodeSpendsNoTry(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	v.settings(func(s *users.Settings) { s.RequireSecurityCode = true })
	for i := 0; i < 20; i++ {
		r := v.do("", "createUser", map[string]any{"login": "carl", "password": pw, "securityCode": ""})
		r.want(t, 403, "USER_CREATION_WRONG_SECURITY_CODE")
		if string(r.MsgRaw) != `"SECURITY_CODE_NEEDED"` {
			t.Fatalf("no code: data %s", r.MsgRaw)
		}
		v.do("", "createUser", map[string]any{"login": "carl", "password": pw}).want(t, 403, "USER_CREATION_WRONG_SECURITY_CODE")
	}
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": v.opCode()}).
		want(t, 200, "USER_RESETPASSWORD_SUCCESS")
	v.do("", "createUser", map[string]any{"login": "carl", "password": pw, "securityCode": v.code(testkit.AccountCode)}).
		want(t, 200, "USER_CREATED")
}

// A reset without a code counts against the budget, whatever the login.
func TestResetWithoutCodeCounts(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	first := v.opCode()
	for i := 0; i < 10; i++ {
		v.do("", "resetUserPassword", map[string]any{"username": "nobody", "password": "x"}).
			want(t, 403, "USER_RESETPASSWORD_WRONGSECURITYCODE")
	}
	if v.opCode() == first {
		t.Fatal("ten missing codes did not spend the budget")
	}
	v.do("", "resetUserPassword", map[string]any{"username": "bob", "password": "new password", "securityCode": v.opCode()}).
		want(t, 429, "TOO_MANY_ATTEMPTS")
}

// KM's system panel sends small integers as strings.
func TestNumericStrings(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.user("bob")
	v.do(op, "editUser", map[string]any{"login": "bob", "type": "0"}).want(t, 200, "USER_EDITED")
	var p struct{ Type int }
	v.do(op, "getUser", map[string]any{"username": "bob"}).want(t, 200, "").into(t, &p)
	if p.Type != 0 {
		t.Fatalf(`type "0" made type %d`, p.Type)
	}
	var list []struct{ Login string }
	v.do(op, "getUsers", map[string]any{"type": "0", "from": "0", "size": "1"}).want(t, 200, "").into(t, &list)
	if len(list) != 1 || list[0].Login != "admin" {
		t.Fatalf("getUsers with strings: %+v", list)
	}
	v.do(op, "getAnimeList", map[string]any{"from": "0", "size": "10"}).want(t, 200, "")
	for _, c := range []struct {
		cmd   string
		args  map[string]any
		field string
		code  string // an edit's invalid value is its own USER_EDIT_ERROR
	}{
		{"editUser", map[string]any{"login": "bob", "type": "one"}, "type", "USER_EDIT_ERROR"},
		{"editUser", map[string]any{"login": "bob", "type": "1.5"}, "type", "USER_EDIT_ERROR"},
		{"editUser", map[string]any{"login": "bob", "type": true}, "type", "USER_EDIT_ERROR"},
		{"getUsers", map[string]any{"from": "x"}, "from", "INVALID_DATA"},
		{"getUsers", map[string]any{"size": " 1"}, "size", "INVALID_DATA"},
		{"getUsers", map[string]any{"type": "7"}, "type", "INVALID_DATA"},
	} {
		r := v.do(op, c.cmd, c.args)
		r.want(t, 400, c.code)
		var fields map[string]string
		if json.Unmarshal(r.MsgRaw, &fields) != nil || fields[c.field] == "" {
			t.Errorf("%s %v: data %s does not name %s", c.cmd, c.args, r.MsgRaw, c.field)
		}
	}
}

// An operator's createUser honours type as well as role, as numbers or
// numeric strings; anyone else's type is ignored.
func TestOperatorCreateUserHonoursType(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	for i, c := range []struct {
		typ  any
		want int
	}{{0, 0}, {"1", 1}, {2, 2}, {"0", 0}} {
		login := "t" + string(rune('a'+i))
		args := map[string]any{"login": login, "password": pw, "type": c.typ}
		if c.want == 2 {
			delete(args, "password")
		}
		v.do(op, "createUser", args).want(t, 200, "USER_CREATED")
		var p struct{ Type int }
		v.do(op, "getUser", map[string]any{"username": login}).want(t, 200, "").into(t, &p)
		if p.Type != c.want {
			t.Errorf("type %v made %d", c.typ, p.Type)
		}
	}
	v.do(op, "createUser", map[string]any{"login": "tz", "password": pw, "type": 5}).want(t, 400, "INVALID_DATA")
	v.do("", "createUser", map[string]any{"login": "sneaky", "password": pw, "type": "0"}).want(t, 200, "USER_CREATED")
	var res struct{ Role string }
	v.do("", "login", map[string]any{"username": "sneaky", "password": pw}).want(t, 200, "").into(t, &res)
	if res.Role != "user" {
		t.Fatalf("a stranger's type made a %q", res.Role)
	}
}

// editMyAccount answers message.data as an object, always.
func TestEditMyAccountDataIsAnObject(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	r := v.do(bob, "editMyAccount", map[string]any{"bio": "hi"}).want(t, 200, "USER_EDITED")
	if string(r.MsgRaw) != "{}" {
		t.Fatalf("data %s, want {}", r.MsgRaw)
	}
	r = v.do(bob, "editMyAccount", map[string]any{"password": "new password!", "old_password": pw}).want(t, 200, "USER_EDITED")
	var d struct{ Token string }
	if json.Unmarshal(r.MsgRaw, &d) != nil || d.Token == "" {
		t.Fatalf("data %s, want a token", r.MsgRaw)
	}
}

// Guests answered the statistics question (yes, as in KM): a returning guest
// is never asked what they cannot answer.
func TestGuestsSendStats(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	g := v.guest()
	var me struct {
		FlagSendstats *bool `json:"flag_sendstats"`
	}
	v.do(g, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if me.FlagSendstats == nil || !*me.FlagSendstats {
		t.Fatalf("guest flag_sendstats %v", me.FlagSendstats)
	}
	op := v.operator("olga")
	v.user("bob")
	v.do(op, "editUser", map[string]any{"login": "bob", "type": 2}).want(t, 200, "USER_EDITED")
	v.do(op, "getUser", map[string]any{"username": "bob"}).want(t, 200, "").into(t, &me)
	if me.FlagSendstats == nil || !*me.FlagSendstats {
		t.Fatalf("user turned guest: flag_sendstats %v", me.FlagSendstats)
	}
}

// An operator cannot store a password on a guest.
func TestOperatorCannotGiveAGuestAPassword(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.do(op, "editUser", map[string]any{"login": "mic_drop_marie", "password": "a fine password"}).want(t, 400, "GUEST_WITH_PASSWORD")
	v.user("bob")
	v.do(op, "editUser", map[string]any{"login": "bob", "type": 2, "password": "a fine password"}).want(t, 400, "GUEST_WITH_PASSWORD")
	v.do(op, "editUser", map[string]any{"login": "mic_drop_marie", "type": 1, "password": "a fine password"}).want(t, 200, "USER_EDITED")
}
