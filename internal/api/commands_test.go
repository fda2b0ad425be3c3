package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

type sum struct {
	Login        string    `json:"login"`
	Type         int       `json:"type"`
	FlagOnline   bool      `json:"flag_online"`
	FlagLoggedIn bool      `json:"flag_logged_in"`
	FlagPublic   bool      `json:"flag_public"`
	LastLoginAt  time.Time `json:"last_login_at"`
}

func logins(list []sum) string {
	var out []string
	for _, s := range list {
		out = append(out, s.Login)
	}
	return strings.Join(out, ",")
}

func TestGetUsersFiltersPagesAndHidesPrivate(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	bob := v.user("bob")
	v.user("bea")
	v.user("carl")
	v.do(op, "editUser", map[string]any{"login": "carl", "flag_public": false}).want(t, 200, "USER_EDITED")

	var list []sum
	v.do(op, "getUsers", map[string]any{"filter": "B", "type": 1}).want(t, 200, "").into(t, &list)
	if logins(list) != "bea,bob" {
		t.Fatalf("filter: %s", logins(list))
	}
	v.do(op, "getUsers", map[string]any{"type": 1, "from": 1, "size": 2}).want(t, 200, "").into(t, &list)
	if logins(list) != "bob,carl" {
		t.Fatalf("page: %s", logins(list))
	}
	v.do(bob, "getUsers", map[string]any{"type": 1}).want(t, 200, "").into(t, &list)
	if logins(list) != "bea,bob" {
		t.Fatalf("a user sees private users: %s", logins(list))
	}
	v.do(op, "getUsers", map[string]any{"type": 2}).want(t, 200, "").into(t, &list)
	if len(list) < 40 {
		t.Fatalf("only %d guests", len(list))
	}
	// The nickname is searched too, case-insensitively.
	v.do(op, "editUser", map[string]any{"login": "bea", "nickname": "Zelda"}).want(t, 200, "USER_EDITED")
	v.do(op, "getUsers", map[string]any{"filter": "zEL"}).want(t, 200, "").into(t, &list)
	if logins(list) != "bea" {
		t.Fatalf("nickname search: %s", logins(list))
	}
	for _, bad := range []map[string]any{{"type": 3}, {"from": -1}, {"size": -5}, {"size": "ten"}, {"filter": 5}} {
		r := v.do(op, "getUsers", bad).want(t, 400, "INVALID_DATA")
		for k := range bad {
			if !strings.Contains(string(r.MsgRaw), k) {
				t.Errorf("error for %v does not name the field: %s", bad, r.MsgRaw)
			}
		}
	}
}

func TestGetUserVisibilityAndEmail(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	bob := v.user("bob")
	eve := v.user("eve")
	v.do(bob, "editMyAccount", map[string]any{"email": "bob@example.org", "bio": "hi"}).want(t, 200, "USER_EDITED")
	has := func(tok, name, key string) bool {
		var m map[string]json.RawMessage
		v.do(tok, "getUser", map[string]any{"username": name}).want(t, 200, "").into(t, &m)
		_, ok := m[key]
		if _, pw := m["password"]; pw {
			t.Fatal("password in a profile")
		}
		return ok
	}
	if has(eve, "bob", "email") || has("", "bob", "email") {
		t.Fatal("e-mail shown to a stranger")
	}
	if !has(bob, "bob", "email") || !has(op, "BOB", "email") {
		t.Fatal("e-mail hidden from its owner or an operator")
	}
	v.do(bob, "editMyAccount", map[string]any{"flag_public": false}).want(t, 200, "USER_EDITED")
	v.do(eve, "getUser", map[string]any{"username": "bob"}).want(t, 404, "USER_VIEW_ERROR")
	v.do("", "getUser", map[string]any{"username": "bob"}).want(t, 404, "USER_VIEW_ERROR")
	v.do(op, "getUser", map[string]any{"username": "bob"}).want(t, 200, "")
	v.do(bob, "getUser", map[string]any{"username": "bob"}).want(t, 200, "")
	v.do(eve, "getUser", map[string]any{}).want(t, 400, "INVALID_DATA")
}

func TestEditUserErrors(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.user("bob")
	v.user("carl")
	cases := []struct {
		args   map[string]any
		status int
		code   string
		data   string
	}{
		{map[string]any{"login": "nobody", "bio": "x"}, 404, "USER_NOT_EXISTS", ""},
		{map[string]any{"login": "bob", "nickname": "CARL"}, 409, "USER_EDIT_ERROR", "NICKNAME_ALREADY_IN_USE"},
		{map[string]any{"old_login": "bob", "login": "Carl"}, 409, "USER_EDIT_ERROR", "USER_ALREADY_EXISTS"},
		{map[string]any{"login": "bob", "password": "short"}, 400, "PASSWORD_TOO_SHORT", ""},
		{map[string]any{"login": "bob", "main_series_lang": "xx"}, 400, "USER_EDIT_ERROR", "main_series_lang"},
		{map[string]any{"login": "bob", "location": "ZZ"}, 400, "USER_EDIT_ERROR", "location"},
		{map[string]any{"login": "bob", "url": "javascript:alert(1)"}, 400, "USER_EDIT_ERROR", "url"},
		{map[string]any{"login": "bob", "nickname": "  "}, 400, "USER_EDIT_ERROR", "nickname"},
		{map[string]any{"login": "bob", "nickname": "a\u0007b"}, 400, "USER_EDIT_ERROR", "nickname"},
		{map[string]any{"login": "bob", "type": 7}, 400, "USER_EDIT_ERROR", "type"},
		{map[string]any{"login": "bob", "avatar": "../../etc/passwd"}, 400, "USER_EDIT_ERROR", "INVALID_AVATAR"},
		{map[string]any{"login": "bob", "avatar": map[string]any{"path": "/etc/passwd"}}, 400, "USER_EDIT_ERROR", "INVALID_AVATAR"},
		{map[string]any{"login": "bob", "avatar": 12}, 400, "USER_EDIT_ERROR", "INVALID_AVATAR"},
		{map[string]any{"old_login": "bob", "login": "bob@kara.moe"}, 400, "USER_EDIT_ERROR", "login"},
		{map[string]any{"login": "admin", "type": 1}, 403, "USER_EDIT_ERROR", "ADMIN_IS_PROTECTED"},
		{map[string]any{"login": "bob", "flag_public": "yes"}, 400, "USER_EDIT_ERROR", "flag_public"}, // a wrong type is an invalid value
	}
	for _, c := range cases {
		r := v.do(op, "editUser", c.args)
		if r.Status != c.status || r.Code != c.code || !strings.Contains(string(r.MsgRaw), c.data) {
			t.Errorf("%v: got %d %q %s, want %d %q %q", c.args, r.Status, r.Code, r.MsgRaw, c.status, c.code, c.data)
		}
	}
	// Nothing of the refused edits was written.
	var p struct {
		Nickname string  `json:"nickname"`
		Location *string `json:"location"`
	}
	v.do(op, "getUser", map[string]any{"username": "bob"}).want(t, 200, "").into(t, &p)
	if p.Nickname != "bob" || p.Location != nil {
		t.Fatalf("a refused edit changed the profile: %+v", p)
	}
}

func TestEditMyAccountFieldsAndPassword(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	edit := map[string]any{
		"nickname": "Bobby", "bio": "sings", "url": "https://bob.example", "email": "b@example.org",
		"location": "fr", "language": "fr", "main_series_lang": "fre", "fallback_series_lang": "qro",
		"flag_sendstats": true, "flag_parentsonly": false, "flag_displayfavorites": true, "flag_tutorial_done": true,
		"social_networks": map[string]any{"discord": "bob#1", "twitch": "bobtv"}, "anime_list_to_fetch": "anilist",
	}
	v.do(bob, "editMyAccount", edit).want(t, 200, "USER_EDITED")
	var me map[string]any
	v.do(bob, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	for k, want := range map[string]any{"nickname": "Bobby", "location": "FR", "main_series_lang": "fre",
		"fallback_series_lang": "qro", "flag_sendstats": true, "flag_parentsonly": false, "email": "b@example.org"} {
		if me[k] != want {
			t.Errorf("%s = %v, want %v", k, me[k], want)
		}
	}
	if me["social_networks"].(map[string]any)["discord"] != "bob#1" {
		t.Errorf("social networks: %v", me["social_networks"])
	}
	// null clears a nullable field; absent leaves it.
	v.do(bob, "editMyAccount", map[string]any{"main_series_lang": nil}).want(t, 200, "USER_EDITED")
	v.do(bob, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if me["main_series_lang"] != nil || me["fallback_series_lang"] != "qro" {
		t.Errorf("null/absent: %v %v", me["main_series_lang"], me["fallback_series_lang"])
	}
	v.do(bob, "editMyAccount", map[string]any{"password": "new password!"}).want(t, 403, "USER_EDIT_ERROR")
	v.do(bob, "editMyAccount", map[string]any{"password": "new password!", "old_password": "nope nope"}).
		want(t, 403, "USER_EDIT_ERROR")
	v.do(bob, "editMyAccount", map[string]any{"password": "short", "old_password": pw}).want(t, 400, "PASSWORD_TOO_SHORT")
	v.do(bob, "editMyAccount", map[string]any{"password": "new password!", "old_password": pw}).want(t, 200, "USER_EDITED")
	v.token("bob", "new password!")
	v.do("", "login", map[string]any{"username": "bob", "password": pw}).want(t, 401, "LOG_ERROR")
}

func TestDeleteAndResetErrors(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.do(op, "deleteUser", map[string]any{"username": "ghost"}).want(t, 404, "USER_NOT_EXISTS")
	// The code comes first: a wrong or missing one is 403 whatever the login
	// and the password, so nobody learns which accounts exist.
	for _, args := range []map[string]any{
		{"username": "ghost", "password": pw, "securityCode": "1"},
		{"username": "olga", "password": pw, "securityCode": "1"},
		{"username": "olga", "password": "short"},
		{"username": "ghost", "password": "short", "securityCode": nil},
	} {
		v.do("", "resetUserPassword", args).want(t, 403, "USER_RESETPASSWORD_WRONGSECURITYCODE")
	}
	// Then the account, then the password; neither spends the right code.
	v.user("rita")
	code := v.opCode()
	v.do("", "resetUserPassword", map[string]any{"username": "ghost", "password": pw, "securityCode": code}).
		want(t, 404, "USER_NOT_EXISTS")
	v.do("", "resetUserPassword", map[string]any{"username": "rita", "password": "short", "securityCode": code}).
		want(t, 400, "PASSWORD_TOO_SHORT")
	v.do("", "resetUserPassword", map[string]any{"username": "rita", "password": "a new password", "securityCode": code}).
		want(t, 200, "USER_RESETPASSWORD_SUCCESS")
	bob := v.user("bob")
	v.do(bob, "deleteMyAccount", nil).want(t, 200, "USER_DELETED")
	v.do(op, "getUser", map[string]any{"username": "bob"}).want(t, 404, "USER_VIEW_ERROR")
}

func TestLoginGuest(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		var r struct{ Username, Role string }
		v.do("", "loginGuest", nil).want(t, 200, "").into(t, &r)
		if r.Role != "guest" || seen[r.Username] {
			t.Fatalf("guest %q role %q (already given: %v)", r.Username, r.Role, seen[r.Username])
		}
		seen[r.Username] = true
	}
	v.do("", "loginGuest", map[string]any{"name": "Temp Tom"}).want(t, 403, "GUESTS_NOT_ALLOWED")
	v.settings(func(s *users.Settings) { s.AllowTemporaryGuests = true })
	var tmp struct{ Username, Token string }
	v.do("", "loginGuest", map[string]any{"name": "Temp Tom"}).want(t, 200, "").into(t, &tmp)
	v.do("", "loginGuest", map[string]any{"name": "temp tom"}).want(t, 409, "USER_ALREADY_EXISTS")
	var me struct {
		FlagTemporary bool `json:"flag_temporary"`
	}
	v.do(tmp.Token, "getMyAccount", nil).want(t, 200, "").into(t, &me)
	if !me.FlagTemporary {
		t.Fatal("temporary guest not flagged")
	}
	v.do(tmp.Token, "editMyAccount", map[string]any{"bio": "x"}).want(t, 403, "GUESTS_CANNOT_EDIT")
	var al struct {
		Infos   struct{ Count int }
		Content []any
	}
	v.do(tmp.Token, "getAnimeList", map[string]any{}).want(t, 200, "").into(t, &al)
	if al.Content == nil || al.Infos.Count != 0 {
		t.Fatalf("anime list: %s", v.do(tmp.Token, "getAnimeList", nil).Data)
	}
	// Every shared guest busy: none left.
	for i := 0; i < 60; i++ {
		if r := v.do("", "loginGuest", nil); r.Status != 200 {
			r.want(t, 500, "NO_MORE_GUESTS_AVAILABLE")
			break
		}
		if i == 59 {
			t.Fatal("guests never ran out")
		}
	}
	v.settings(func(s *users.Settings) { s.AllowGuestLogin = false })
	v.do("", "loginGuest", nil).want(t, 403, "GUESTS_NOT_ALLOWED")
}

func TestActivityMakesUsersOnline(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	bob := v.user("bob")
	online := func() sum {
		var list []sum
		v.do(op, "getUsers", map[string]any{"filter": "bob"}).want(t, 200, "").into(t, &list)
		return list[0]
	}
	if s := online(); !s.FlagOnline || !s.FlagLoggedIn {
		t.Fatalf("just logged in, not online: %+v", s)
	}
	first := online().LastLoginAt
	v.clock.Add(30 * time.Second)
	v.do(bob, "checkAuth", nil).want(t, 200, "")
	if got := online().LastLoginAt; !got.Equal(first) {
		t.Fatal("activity written twice within a minute")
	}
	v.clock.Add(16 * time.Minute)
	if s := online(); s.FlagOnline {
		t.Fatal("still online after the window")
	}
	v.do(bob, "checkAuth", nil).want(t, 200, "")
	if s := online(); !s.FlagOnline || !s.LastLoginAt.After(first) {
		t.Fatalf("request did not count as activity: %+v", s)
	}
}

func TestOnlineCommandsAnswerUnreachable(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	v.do(bob, "convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": pw}).
		want(t, 504, "INSTANCE_NOT_RESPONDING")
	v.do("", "login", map[string]any{"username": "bob@kara.moe", "password": pw}).want(t, 504, "INSTANCE_NOT_RESPONDING")
	op := v.operator("olga")
	v.do(op, "convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": pw}).
		want(t, 504, "INSTANCE_NOT_RESPONDING")
}
