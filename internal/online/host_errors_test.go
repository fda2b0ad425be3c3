package online_test

import (
	"testing"
)

// The host answers a weak password as every command does: 400
// PASSWORD_TOO_WEAK, on a new account and on an edit, never a 500.
func TestHostRefusesWeakPasswords(t *testing.T) {
	t.Parallel()
	h := newInstance(t, nil)
	h.user(t, "ann")
	st, out := call(t, "POST", h.srv.URL+"/api/users", "", "application/json", js(map[string]string{"login": "bob", "password": "password"}))
	if st != 400 || out["code"] != "PASSWORD_TOO_WEAK" {
		t.Fatalf("create with a common password: %d %v", st, out)
	}
	tok := hostLogin(t, h, "ann", pw)
	st, out = call(t, "PATCH", h.srv.URL+"/api/users/ann", tok, "application/json", js(map[string]any{"password": "aaaaaaaa", "old_password": pw}))
	if st != 400 || out["code"] != "PASSWORD_TOO_WEAK" {
		t.Fatalf("edit to a repeated character: %d %v", st, out)
	}
}
