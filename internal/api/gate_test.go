package api_test

import (
	"fmt"
	"testing"
)

// The contract's command table, typed again from SPEC §4 so that the test
// does not read the implementation's table.
type contractRow struct {
	who      string // anyone, logged, member, operator
	openOnly bool
	args     map[string]any
	// what a caller who passes the gate gets with these args
	passStatus int
	passCode   string
}

var contract = map[string]contractRow{
	"getUsers":                   {"logged", true, map[string]any{}, 200, ""},
	"createUser":                 {"anyone", true, map[string]any{"login": "bad login!", "password": pw}, 400, "USER_LOGIN_INVALID"},
	"getUser":                    {"anyone", true, map[string]any{"username": "nobody"}, 404, "USER_VIEW_ERROR"},
	"deleteUser":                 {"operator", false, map[string]any{"username": "nobody"}, 404, "USER_NOT_EXISTS"},
	"editUser":                   {"operator", false, map[string]any{"login": "nobody", "bio": "x"}, 404, "USER_NOT_EXISTS"},
	"resetUserPassword":          {"anyone", false, map[string]any{"username": "nobody", "password": pw}, 403, "USER_RESETPASSWORD_WRONGSECURITYCODE"},
	"getMyAccount":               {"logged", false, nil, 200, ""},
	"deleteMyUser":               {"member", false, nil, 200, "USER_DELETED"},
	"deleteMyAccount":            {"member", false, nil, 200, "USER_DELETED"},
	"editMyAccount":              {"member", false, map[string]any{}, 200, "USER_EDITED"},
	"convertMyLocalUserToOnline": {"member", false, map[string]any{"instance": "kara.moe", "password": "wrong password"}, 400, "INVALID_DATA"},
	"convertMyOnlineUserToLocal": {"member", false, map[string]any{"password": "wrong password"}, 400, "INVALID_DATA"},
	"refreshAnimeList":           {"member", false, nil, 400, "INVALID_DATA"},
	"getAnimeList":               {"logged", false, map[string]any{}, 200, ""},
	"login":                      {"anyone", false, map[string]any{"username": "nobody", "password": "whatever1"}, 401, "LOG_ERROR"},
	"loginGuest":                 {"anyone", false, map[string]any{}, 200, ""},
	"checkAuth":                  {"logged", false, nil, 200, ""},
}

// expectGate is the gate of SPEC §4: token, then role, then frontend mode.
func expectGate(cmd string, row contractRow, role string, mode int) (int, string) {
	switch {
	case role == "anonymous" && row.who != "anyone":
		return 401, "NOT_LOGGED_IN"
	case role == "guest" && cmd == "editMyAccount":
		return 403, "GUESTS_CANNOT_EDIT"
	case role == "guest" && (row.who == "member" || row.who == "operator"):
		return 403, "NOT_GUEST"
	case role == "user" && row.who == "operator":
		return 403, "ADMIN_PLEASE"
	case row.openOnly && mode == 0 && role != "operator":
		return 503, "WEBAPPMODE_CLOSED_API_MESSAGE"
	}
	return row.passStatus, row.passCode
}

// TestGateMatrix runs every command as every role in every frontend mode,
// alternating the two token forms.
func TestGateMatrix(t *testing.T) {
	for mode := 0; mode <= 2; mode++ {
		t.Run(fmt.Sprintf("mode%d", mode), func(t *testing.T) {
			t.Parallel()
			v := newEnv(t)
			tokens := map[string]string{
				"anonymous": "", "guest": v.guest(), "user": v.user("alice"), "operator": v.operator("olga"),
			}
			v.setMode(mode)
			n := 0
			for cmd, row := range contract {
				for _, role := range []string{"anonymous", "guest", "user", "operator"} {
					tok := tokens[role]
					if (cmd == "deleteMyUser" || cmd == "deleteMyAccount") && (role == "user" || role == "operator") {
						tok = v.freshAccount(role, fmt.Sprintf("victim%d", n))
					}
					n++
					status, code := expectGate(cmd, row, role, mode)
					send := v.do
					if n%2 == 0 {
						send = v.doKM
					}
					r := send(tok, cmd, row.args)
					if r.Status != status || r.Code != code {
						t.Errorf("%s as %s in mode %d: got %d %q (%s), want %d %q", cmd, role, mode, r.Status, r.Code, r.Data, status, code)
					}
				}
			}
		})
	}
}

// freshAccount makes a throwaway account of a role, whatever the mode.
func (v *env) freshAccount(role, login string) string {
	v.t.Helper()
	mode := v.svc.Settings().FrontendMode
	v.setMode(2)
	defer v.setMode(mode)
	if role == "operator" {
		return v.operator(login)
	}
	return v.user(login)
}

// Closed mode: strangers cannot sign up; operators still work.
func TestClosedModeBlocksAnonymousSignupButNotOperators(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	op := v.operator("olga")
	v.setMode(0)
	v.do("", "createUser", map[string]any{"login": "bob", "password": pw}).want(t, 503, "WEBAPPMODE_CLOSED_API_MESSAGE")
	v.do(op, "createUser", map[string]any{"login": "bob", "password": pw}).want(t, 200, "USER_CREATED")
	v.do("", "login", map[string]any{"username": "bob", "password": pw}).want(t, 200, "")
}
