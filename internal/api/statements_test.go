package api_test

import (
	"fmt"
	"net/http"
	"testing"
)

// Any logged-in guest chooses getUsers' from and size: 5,000 distinct pages
// must not leave 5,000 prepared statements behind (C memory that the Go heap
// never sees, kept for the connection's life).
func TestGetUsersPagesReuseStatements(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	guest := v.guest()
	page := func(i int) {
		v.do(guest, "getUsers", map[string]any{"from": i * 7, "size": 1 + i%100, "filter": fmt.Sprint(i % 10)}).
			want(t, http.StatusOK, "")
	}
	base := v.db.PreparedStatements() // the migrations' and the set-up's, a number that grows with each migration
	for i := range 500 {
		page(i)
	}
	first := v.db.PreparedStatements() - base
	for i := 500; i < 5000; i++ {
		page(i)
	}
	if n := v.db.PreparedStatements() - base; n != first || n > 64 {
		t.Fatalf("prepared statements: %d after 500 pages, %d after 5,000; want a small number that stops growing", first, n)
	}
}
