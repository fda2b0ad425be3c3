package api_test

import (
	"strings"
	"testing"
)

// TestLookAlikeNicknamesCollide: names that look like another user's are
// the same name (PRECIS, no invisible characters, UTS #39 skeleton).
func TestLookAlikeNicknamesCollide(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	for i, nick := range []string{"Administrator", "Admіnistrator", "Ａdministrator", "ADMINISTRATOR", "Adrninistrator"} {
		v.do("", "createUser", map[string]any{"login": "imp" + string(rune('a'+i)), "password": pw, "nickname": nick}).
			want(t, 409, "NICKNAME_ALREADY_IN_USE")
	}
	// With an invisible character in it, a name is refused, and the answer
	// says it is taken when it is someone's name without them (the contract:
	// "`Admin` with a zero-width space" collides with `Admin`).
	for i, nick := range []string{"Administrator\u200b", "Admin\u200distrator", "\u202eAdministrator", "Admin\u00adistrator"} {
		v.do("", "createUser", map[string]any{"login": "inv" + string(rune('a'+i)), "password": pw, "nickname": nick}).
			want(t, 409, "NICKNAME_ALREADY_IN_USE")
	}
	for i, nick := range []string{"Nobody\u200b", "No\u200dbody", "\u202eNobody", "No\u00adbody"} {
		r := v.do("", "createUser", map[string]any{"login": "inv" + string(rune('a'+i)), "password": pw, "nickname": nick})
		if r.Status != 400 || !strings.Contains(string(r.MsgRaw), "nickname") {
			t.Errorf("%q: %d %s %s, want 400 naming the nickname", nick, r.Status, r.Code, r.MsgRaw)
		}
	}
	// Normalised, not refused: full-width letters and doubled spaces.
	v.do("", "createUser", map[string]any{"login": "wide", "password": pw, "nickname": "Ｗｉｄｅ  Ｏｎｅ"}).want(t, 200, "USER_CREATED")
	var p struct{ Nickname string }
	v.do(v.token("wide", pw), "getMyAccount", nil).want(t, 200, "").into(t, &p)
	if p.Nickname != "Wide One" {
		t.Fatalf("nickname stored as %q, want PRECIS-normalised \"Wide One\"", p.Nickname)
	}
	// An edit to a look-alike of someone else's name is refused too.
	tok := v.user("rita")
	v.do(tok, "editMyAccount", map[string]any{"nickname": "Wіde One"}).want(t, 409, "USER_EDIT_ERROR")
}

// TestWeakPasswordsRefused: common passwords and passwords made of the
// login or nickname get 400 PASSWORD_TOO_WEAK from every command that sets
// one; uncommon phrases pass.
func TestWeakPasswordsRefused(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	for _, w := range []string{"password", "12345678", "iloveyou1", "p4ssw0rd", "weakling", "weakling2024"} {
		v.do("", "createUser", map[string]any{"login": "weakling", "password": w}).want(t, 400, "PASSWORD_TOO_WEAK")
	}
	for _, ok := range []string{"ceciestuntest", "ilyenapas2", "trololo2020"} {
		login := "u" + ok[:5]
		v.do("", "createUser", map[string]any{"login": login, "password": ok}).want(t, 200, "USER_CREATED")
	}
	tok := v.user("pat")
	v.do(tok, "editMyAccount", map[string]any{"password": "qwertyuiop", "old_password": pw}).want(t, 400, "PASSWORD_TOO_WEAK")
	op := v.operator("olga")
	v.do(op, "editUser", map[string]any{"login": "pat", "password": "football"}).want(t, 400, "PASSWORD_TOO_WEAK")
	v.do("", "resetUserPassword", map[string]any{"username": "pat", "password": "pat12345", "securityCode": v.opCode()}).
		want(t, 400, "PASSWORD_TOO_WEAK")
	// The existing password keeps working.
	v.token("pat", pw)
}

// Greek capitals look like Latin ones, though their lower case does not:
// the skeleton is taken before lowering too.
func TestGreekCapitalLookAlikesCollide(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.do("", "createUser", map[string]any{"login": "ken", "password": pw, "nickname": "Ken Doe"}).want(t, 200, "USER_CREATED")
	v.do("", "createUser", map[string]any{"login": "zorro", "password": pw, "nickname": "Zorro Mask"}).want(t, 200, "USER_CREATED")
	for i, nick := range []string{"\u039aen Doe", "\u039a\u0395N DOE", "\u0396orro Mask"} {
		r := v.do("", "createUser", map[string]any{"login": "greek" + string(rune('a'+i)), "password": pw, "nickname": nick})
		if r.Status != 409 {
			t.Errorf("%q: %d %s, want 409: the name is taken", nick, r.Status, r.Code)
		}
	}
}
