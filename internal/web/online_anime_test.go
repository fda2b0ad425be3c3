package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPanelRefreshesAnOnlineAccountsList: the panel's button asks the
// account's host with the session's online token and stores its answer; a
// host that refuses keeps the list and says so.
func TestPanelRefreshesAnOnlineAccountsList(t *testing.T) {
	var failing atomic.Bool
	var seen atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"token":"host-token","username":"ann","roles":{"user":true}}`)
	})
	mux.HandleFunc("GET /api/myaccount", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"login":"ann","nickname":"Annie"}`)
	})
	mux.HandleFunc("POST /api/myaccount/myanime", func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization"))
		if failing.Load() {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"code":"PROVIDER_ERROR"}`)
			return
		}
		fmt.Fprint(w, `{"anime_list_ids":[30,1]}`)
	})
	host := httptest.NewServer(mux)
	t.Cleanup(host.Close)
	app := onlineSite(t, map[string]string{"host.test": host.URL})
	app.operator()

	b := app.browser()
	if p := b.post("/login", url.Values{"username": {"ann"}, "server": {"host.test"}, "password": {pw}}); p.status != http.StatusSeeOther {
		t.Fatalf("online login: %d", p.status)
	}
	if p := b.post("/account/refresh-anime-list", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("refresh: %d", p.status)
	}
	p := b.get("/account", false)
	if !strings.Contains(p.doc.Find(`[data-testid=flash]`).Text(), "up to date: 2 anime") || seen.Load() != "host-token" {
		t.Fatalf("after refresh: %q (token %v)", p.doc.Find(`[data-testid=flash]`).Text(), seen.Load())
	}
	failing.Store(true)
	b.post("/account/refresh-anime-list", url.Values{})
	p = b.get("/account", false)
	if !strings.Contains(p.doc.Find(`[data-testid=flash]`).Text(), "previous list is kept") {
		t.Fatalf("failed refresh: %q", p.doc.Find(`[data-testid=flash]`).Text())
	}
	if u, err := app.svc.UserByLogin(context.Background(), "ann@host.test"); err != nil || !slices.Equal(u.AnimeListIDs, []int{1, 30}) {
		t.Fatalf("stored %v %v", u, err)
	}
}
