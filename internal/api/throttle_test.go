package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// login sends a login from addr with an optional device cookie and returns
// the status and the device cookie handed back.
func (v *env) loginFrom(addr, user, password, device string) (int, string) {
	v.t.Helper()
	body, _ := json.Marshal(map[string]any{"cmd": "login", "body": map[string]any{"username": user, "password": password}})
	req := httptest.NewRequest(http.MethodPost, "/api/command", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	if device != "" {
		req.AddCookie(&http.Cookie{Name: "kmusers_device", Value: device})
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kmusers_device" {
			return rec.Code, c.Value
		}
	}
	return rec.Code, ""
}

// TestConcurrentGuessesMeetTheBudget: 40 concurrent wrong passwords for one
// account, from 40 addresses: the budget of 10 lets exactly 10 be compared;
// the other 30 get 429 without a bcrypt compare.
func TestConcurrentGuessesMeetTheBudget(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	before := v.svc.PasswordCompares()
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[int]int{}
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _ := v.loginFrom(fmt.Sprintf("203.0.113.%d:1000", i+1), "bob", "wrong guess", "")
			mu.Lock()
			count[st]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if count[401] != 10 || count[429] != 30 {
		t.Fatalf("statuses %v, want 10×401 and 30×429", count)
	}
	if n := v.svc.PasswordCompares() - before; n != 10 {
		t.Fatalf("%d bcrypt compares for 40 tries, want 10 (a 429 costs none)", n)
	}
}

// TestEveryPasswordCheckIsThrottled: old_password of editMyAccount and the
// password of a conversion count with the login failures: guesses meet 429.
func TestEveryPasswordCheckIsThrottled(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	tok := v.user("pat")
	statuses := map[int]int{}
	for range 30 {
		r := v.do(tok, "editMyAccount", map[string]any{"password": "a new password", "old_password": "a wrong guess"})
		statuses[r.Status]++
	}
	if statuses[403] != 10 || statuses[429] != 20 {
		t.Fatalf("editMyAccount with wrong old_password: %v, want 10×403 then 429", statuses)
	}
	// The account is locked for password logins from strangers too.
	if st, _ := v.loginFrom("198.51.100.9:1", "pat", pw, ""); st != 429 {
		t.Fatalf("login after 10 wrong old_password: %d, want 429", st)
	}

	tok2 := v.user("quin")
	statuses = map[int]int{}
	for range 15 {
		r := v.do(tok2, "convertMyLocalUserToOnline", map[string]any{"instance": "kara.moe", "password": "a wrong guess"})
		statuses[r.Status]++
	}
	if statuses[429] != 5 {
		t.Fatalf("convertMyLocalUserToOnline with wrong passwords: %v, want 429 after 10", statuses)
	}
}

// TestDeviceCookieSurvivesStrangersLockout: a client that logged in before
// keeps logging in while strangers' failures lock the account for others.
func TestDeviceCookieSurvivesStrangersLockout(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("olga")
	st, device := v.loginFrom("192.0.2.1:1", "olga", pw, "")
	if st != 200 || device == "" {
		t.Fatalf("login: %d, device cookie %q", st, device)
	}
	for range 10 {
		v.loginFrom("198.51.100.66:1", "olga", "wrong guess", "")
	}
	if st, _ := v.loginFrom("198.51.100.66:1", "olga", pw, ""); st != 429 {
		t.Fatalf("stranger after 10 failures: %d, want 429", st)
	}
	if st, _ := v.loginFrom("192.0.2.77:1", "olga", pw, ""); st != 429 {
		t.Fatalf("a client without the device cookie: %d, want 429", st)
	}
	if st, _ := v.loginFrom("192.0.2.1:1", "olga", pw, device); st != 200 {
		t.Fatalf("the known device is locked out by strangers: %d", st)
	}
	// A device cookie of another account is worth nothing here.
	v.user("mal")
	_, malDevice := v.loginFrom("192.0.2.9:1", "mal", pw, "")
	if st, _ := v.loginFrom("192.0.2.9:1", "olga", pw, malDevice); st != 429 {
		t.Fatalf("another account's device cookie opened the lock: %d", st)
	}
	// A forged one neither.
	if st, _ := v.loginFrom("192.0.2.9:1", "olga", pw, device[:len(device)-2]+"xx"); st != 429 {
		t.Fatalf("a forged device cookie opened the lock: %d", st)
	}
}

// TestFailedLoginLogsNoUnknownName: a password typed into the login field
// must not land in the log.
func TestFailedLoginLogsNoUnknownName(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.user("bob")
	v.loginFrom("192.0.2.1:1", "MySecretPassw0rd", "x", "")
	v.loginFrom("192.0.2.1:1", "bob", "wrong one", "")
	if strings.Contains(strings.ToLower(v.log.String()), "mysecretpassw0rd") {
		t.Fatal("an unknown submitted name was logged")
	}
	if !strings.Contains(v.log.String(), "login=bob") {
		t.Fatal("a failed login of a real account is not logged with its name")
	}
}
