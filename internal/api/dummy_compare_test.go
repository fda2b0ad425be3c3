package api_test

import (
	"net/http"
	"testing"
)

// Every refused login costs one bcrypt compare, whether the account exists
// or not: an unknown name, admin and a guest meet the dummy hash, so the
// answer's time tells nothing about which accounts exist.
func TestEveryRefusedLoginCostsOneCompare(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	var g struct{ Username string }
	v.do("", "loginGuest", map[string]any{}).want(t, http.StatusOK, "").into(t, &g)
	for _, name := range []string{"bob", "nobody-here", "admin", g.Username} {
		before := v.svc.PasswordCompares()
		v.do("", "login", map[string]any{"username": name, "password": "not the password"}).
			want(t, http.StatusUnauthorized, "LOG_ERROR")
		if n := v.svc.PasswordCompares() - before; n != 1 {
			t.Errorf("login as %q: %d bcrypt compares, want exactly 1", name, n)
		}
	}
}
