package store

import (
	"context"
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
)

// TestSimultaneousStartsMigrateOnce: N processes starting at once on one
// empty PostgreSQL database all open it, and each step ran once.
func TestSimultaneousStartsMigrateOnce(t *testing.T) {
	t.Parallel()
	if testkit.Current() != testkit.Postgres {
		t.Skip("PostgreSQL's: one SQLite file has one process (datalock)")
	}
	dsn := testkit.EmptyDB(t, testkit.Postgres)
	const n = 6
	errs := make([]error, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			s, err := Open(context.Background(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	start.Done()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("start %d: %v", i, err)
		}
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows []struct{ Version, N int }
	if err := s.r.Raw("SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(migrations) {
		t.Fatalf("%d versions applied, want %d", len(rows), len(migrations))
	}
}
