package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// stmtBound is how many statements the list queries may add: one per SQL
// shape (sorts × directions × filters), never one per input value; well
// under the cache's own cap, so that the cap is not what passes the test.
const stmtBound = 64

// Every page of every list, whatever its offset, size, search or sort, must
// reuse a bounded set of prepared statements: each new SQL text would stay
// in C memory for as long as its connection lives.
func TestStatementsBoundedWhateverTheInput(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx users.Tx) error {
		for i := range 2*anchorStep + 100 { // deep pages start from anchors (page_anchors.go)
			if err := tx.Insert(newUser(fmt.Sprintf("u%04d", i), fmt.Sprintf("Nick %04d", i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sorts := []string{users.SortLogin, users.SortNickname, users.SortLastSeen, users.SortType}
	typ := users.TypeUser
	// The migrations' and the inserts' statements are cached too (one per
	// step, a fixed number that grows with each new migration): the bound
	// is on what the lists add.
	base := s.PreparedStatements()
	var first int
	for i := range 5000 {
		if i == 1000 {
			first = s.PreparedStatements() - base // every shape has been seen by now, deep pages (page_anchors.go) too
		}
		q := users.ListQuery{Sort: sorts[i%len(sorts)], Desc: i%3 == 0, Offset: i * 13 % 5000, Limit: 1 + i%97,
			Filter: fmt.Sprintf("u%d", i%50), PublicOnly: i%2 == 0}
		if i%5 == 0 {
			q.Type = &typ
		}
		if err := s.EachUser(ctx, q, func(*users.User) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CountUsers(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	n := s.PreparedStatements() - base
	if n > stmtBound || n != first {
		t.Fatalf("%d prepared statements cached after 1,000 distinct pages, %d after 5,000; want at most %d, not growing",
			first, n, stmtBound)
	}
}
