package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoadNoLostUpdates: 50 writers and 10 readers over a real socket.
// Each of 10 accounts is edited by 5 writers at once, each writer owning
// one field; afterwards every field holds its writer's last acknowledged
// value (no lost update), no request got a 5xx, and nothing logged
// SQLITE_BUSY. KMUSERS_LOAD sets the duration (the proof is 60s;
// the suite runs 3 s).
func TestLoadNoLostUpdates(t *testing.T) {
	t.Parallel()
	d := 3 * time.Second
	if v := os.Getenv("KMUSERS_LOAD"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	v := newEnv(t)
	srv := httptest.NewServer(v.e)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	call := func(tok, cmd string, args any) (int, []byte) {
		body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": args})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/command", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes()
	}
	fields := []string{"bio", "url", "email", "nickname", "main_series_lang"}
	langs := []string{"eng", "fre", "jpn", "ger", "spa"}
	value := func(acct, field string, n int) string {
		switch field {
		case "url":
			return fmt.Sprintf("https://example.com/%s/%d", acct, n)
		case "email":
			return fmt.Sprintf("%s.%d@example.com", acct, n)
		case "nickname":
			return fmt.Sprintf("%s nick %d", acct, n)
		case "main_series_lang":
			return langs[n%len(langs)]
		}
		return fmt.Sprintf("%s bio %d", acct, n)
	}
	type writer struct {
		acct, field, tok string
		last             string
	}
	var writers []*writer
	for a := range 10 {
		acct := fmt.Sprintf("load%d", a)
		v.do("", "createUser", map[string]any{"login": acct, "password": pw}).want(t, 200, "USER_CREATED")
		for _, f := range fields {
			writers = append(writers, &writer{acct: acct, field: f, tok: v.token(acct, pw)})
		}
	}
	reader := v.token("load0", pw)
	var fivexx, requests atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(stop); n++ {
				val := value(w.acct, w.field, n)
				st, body := call(w.tok, "editMyAccount", map[string]any{w.field: val})
				requests.Add(1)
				switch {
				case st >= 500:
					fivexx.Add(1)
				case st == 200:
					w.last = val
				default:
					t.Errorf("%s %s: %d %s", w.acct, w.field, st, body)
					return
				}
			}
		}()
	}
	for r := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(stop); n++ {
				var st int
				if n%2 == 0 {
					st, _ = call(reader, "getUsers", map[string]any{"from": (r * 7) % 50, "size": 50})
				} else {
					st, _ = call(reader, "getUser", map[string]any{"username": fmt.Sprintf("load%d", (n+r)%10)})
				}
				requests.Add(1)
				if st >= 500 {
					fivexx.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if fivexx.Load() != 0 {
		t.Errorf("%d of %d requests got a 5xx", fivexx.Load(), requests.Load())
	}
	if l := v.log.String(); strings.Contains(l, "SQLITE_BUSY") || strings.Contains(l, "database is locked") {
		t.Error("SQLITE_BUSY in the log")
	}
	lost := 0
	for _, w := range writers {
		_, body := call(w.tok, "getMyAccount", nil)
		var env struct{ Data map[string]any }
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(env.Data[w.field]); w.last != "" && got != w.last {
			lost++
			t.Errorf("%s.%s = %q, last acknowledged %q", w.acct, w.field, got, w.last)
		}
	}
	t.Logf("%v: %d requests, %d 5xx, %d lost updates", d, requests.Load(), fivexx.Load(), lost)
}
