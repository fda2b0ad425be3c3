package api_test

import (
	"encoding/json"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// TestSignupRatePerAddress: 100 anonymous accounts from one address meet
// 429 after the burst; another address and operators are not held back.
func TestSignupRatePerAddress(t *testing.T) {
	t.Parallel()
	v := newEnv(t, func(o *users.Options) { o.SignupBurst, o.SignupsPerHour = 10, 5 })
	create := func(addr, token string, i int) int {
		body, _ := json.Marshal(map[string]any{"cmd": "createUser", "body": map[string]any{"login": fmt.Sprintf("bot%d", i), "password": pw}})
		req := httptest.NewRequest(http.MethodPost, "/api/command", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		v.e.ServeHTTP(rec, req)
		return rec.Code
	}
	got := map[int]int{}
	for i := range 100 {
		got[create("203.0.113.5:1", "", i)]++
	}
	if got[200] != 10 || got[429] != 90 {
		t.Fatalf("100 sign-ups from one address: %v, want 10×200 then 429", got)
	}
	if st := create("203.0.113.6:1", "", 1000); st != 200 {
		t.Fatalf("another address: %d", st)
	}
	v.clock.Add(12*60*1e9 + 1) // 12 minutes: one more
	if st := create("203.0.113.5:1", "", 1001); st != 200 {
		t.Fatalf("after 12 minutes: %d", st)
	}
	op := v.operator("olga")
	for i := range 15 {
		if st := create("203.0.113.5:1", op, 2000+i); st != 200 {
			t.Fatalf("operator creating account %d: %d", i, st)
		}
	}
}

// TestUploadLimitsPerUser: a user's pending uploads are capped and their
// rate bounded: the 21st upload within the hour is 429.
func TestUploadLimitsPerUser(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	bob := v.user("bob")
	img := testPNG(t, 8, 8, color.NRGBA{1, 2, 3, 255})
	for i := range 20 {
		if rec, _ := v.upload(bob, "/api/importfile", "a.png", img); rec.Code != 200 {
			t.Fatalf("upload %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec, _ := v.upload(bob, "/api/importfile", "a.png", img)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("21st upload: %d, want 429", rec.Code)
	}
	// Another user is not held back by bob.
	if rec, _ := v.upload(v.user("ann"), "/api/importfile", "a.png", img); rec.Code != 200 {
		t.Fatalf("ann's upload: %d", rec.Code)
	}
	// An hour later the pending uploads expired and the rate refilled.
	v.clock.Add(61 * time.Minute)
	if rec, _ := v.upload(bob, "/api/importfile", "a.png", img); rec.Code != 200 {
		t.Fatalf("an hour later: %d", rec.Code)
	}
}
