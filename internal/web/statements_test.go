package web_test

import (
	"fmt"
	"net/http"
	"testing"
)

// The list's page number comes from the URL: 5,000 distinct pages must not
// leave 5,000 prepared statements behind (C memory, kept for good).
func TestUserListPagesReuseStatements(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	page := func(i int) {
		sorts := []string{"login", "nickname", "last_seen", "type"}
		path := fmt.Sprintf("/users?page=%d&sort=%s&q=%d", 2+i, sorts[i%4], i%10)
		if p := op.get(path, true); p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
	}
	base := s.db.PreparedStatements() // the migrations' and the set-up's, a number that grows with each migration
	for i := range 500 {
		page(i)
	}
	first := s.db.PreparedStatements() - base
	for i := 500; i < 5000; i++ {
		page(i)
	}
	if n := s.db.PreparedStatements() - base; n != first || n > 64 {
		t.Fatalf("prepared statements: %d after 500 pages, %d after 5,000; want a small number that stops growing", first, n)
	}
}
