package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/heappeak"
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
		"/users",                // the default view: what an operator opens
		"/users?q=R05000",       // 10 matches, mid-login
		"/users?q=ser05&page=3", // 10,000 matches
		"/users?sort=nickname",  // first page
		"/users?sort=nickname&dir=desc&page=1000",   // deep
		"/users?sort=nickname&page=99999",           // past the end: the last page
		"/users?sort=created&per_page=200&page=400", // big pages
	} {
		b.Run(path, func(b *testing.B) {
			cpu0 := cpuTime()
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
			// CPU time per request: on a shared machine the wall time
			// also counts the time spent waiting for a core.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
	// The CSV of every user, into a writer that keeps nothing: the heap
	// it needs is the export's own, not the response's.
	b.Run("/users.csv?guests=all", func(b *testing.B) {
		var peak float64
		var rows int
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, "/users.csv?guests=all", nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			w := &discard{header: http.Header{}}
			stop := heappeak.Start()
			s.srv.Config.Handler.ServeHTTP(w, req)
			peak = max(peak, stop())
			if w.status != http.StatusOK {
				b.Fatalf("export: %d", w.status)
			}
			rows = w.lines
		}
		if rows < 100_000 {
			b.Fatalf("%d lines exported", rows)
		}
		b.ReportMetric(peak, "peak-heap-MiB")
		b.ReportMetric(float64(rows), "lines")
	})
}

// discard is a ResponseWriter that counts lines and keeps no byte.
type discard struct {
	header http.Header
	status int
	lines  int
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.lines += bytes.Count(b, []byte{'\n'})
	return len(b), nil
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
