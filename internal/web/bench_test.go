package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/static"
)

// BenchmarkUsersPage renders /users (a search plus a page of 50) for an
// operator over 100,000 users, through the router without the network.
// It also reports what the page weighs with its CSS and JS, gzipped.
func BenchmarkUsersPage(b *testing.B) {
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
	if err := db.Settle(context.Background()); err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(s.srv.URL)
	cookies := op.client.Jar.Cookies(u)
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		s.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
		return rec
	}
	for _, path := range []string{"/users?q=user05&page=3", "/users?sort=last_seen&dir=desc&page=1000"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				get(path)
			}
		})
	}
	b.Run("weight", func(b *testing.B) {
		weight := 0
		for b.Loop() {
			weight = 0
			for _, path := range []string{"/users?q=user05", static.Files().URL("style.css"), static.Files().URL("app.js"), static.Files().URL("htmx-2.0.11.min.js")} {
				weight += gzipSize(get(path).Body.Bytes())
			}
		}
		b.ReportMetric(float64(weight)/1024, "list-page-KiB-gzip")
	})
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	io.Copy(zw, bytes.NewReader(b))
	zw.Close()
	return buf.Len()
}
