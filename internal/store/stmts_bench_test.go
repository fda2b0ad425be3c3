package store

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/users"
)

// BenchmarkDistinctOffsetsRSS reads pages of 50 at 50,000 distinct offsets
// over 10,000 users (most past the end, which costs little but still made a
// new statement each before offsets were bound) and reports the process's
// anonymous memory after: the cached statements' C memory shows there, not in
// the Go heap.
func BenchmarkDistinctOffsetsRSS(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := benchdata.Seed(ctx, s, 10_000); err != nil {
		b.Fatal(err)
	}
	before := rssAnonKiB(b)
	offset := 0
	for b.Loop() {
		for range 50_000 {
			q := users.ListQuery{Sort: users.SortLogin, Offset: offset, Limit: 50}
			offset++
			if err := s.EachUser(ctx, q, func(*users.User) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	}
	after := rssAnonKiB(b)
	b.ReportMetric(float64(after)/1024, "RssAnon-MiB")
	b.ReportMetric(float64(after-before)/1024, "RssAnon-growth-MiB")
	b.ReportMetric(float64(s.PreparedStatements()), "statements")
}

// rssAnonKiB reads RssAnon from /proc/self/status (Linux).
func rssAnonKiB(b *testing.B) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	b.Fatal("no RssAnon in /proc/self/status")
	return 0
}
