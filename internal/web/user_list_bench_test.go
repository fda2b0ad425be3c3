package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/store"
)

// BenchmarkUserListViews times the list's costly views over 100,000 users
// as an operator: a substring search (inside the login and the nickname,
// ignoring case and accents), the nickname sort (collation keys) and the
// last page (a page past the end clamps to it), through the whole router.
func BenchmarkUserListViews(b *testing.B) {
	s := newSite(b)
	op := s.operator()
	db, err := store.Open(context.Background(), s.dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := benchdata.Seed(context.Background(), db, 100_000); err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(s.srv.URL)
	cookies := op.client.Jar.Cookies(u)
	for _, path := range []string{
		"/users?q=R05000",                           // 10 matches, mid-login
		"/users?q=ser05&page=3",                     // 10,000 matches
		"/users?sort=nickname",                      // first page
		"/users?sort=nickname&dir=desc&page=1000",   // deep
		"/users?sort=nickname&page=99999",           // past the end: the last page
		"/users?sort=created&per_page=200&page=400", // big pages
		"/users.csv?q=ser05",                        // export of 10,000 rows
	} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				s.srv.Config.Handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
