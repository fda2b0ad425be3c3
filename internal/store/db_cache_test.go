package store

import (
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
)

// The readers' page cache is bounded (issue 16: peak RSS), the writer's
// is SQLite's default.
func TestReaderCacheSize(t *testing.T) {
	t.Parallel()
	testkit.OnlySQLite(t, "SQLite's page cache")
	s := openTemp(t)
	var r, w int
	if err := s.r.Raw("PRAGMA cache_size").Scan(&r).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.w.Raw("PRAGMA cache_size").Scan(&w).Error; err != nil {
		t.Fatal(err)
	}
	if r != -readerCacheKiB || w != -2000 {
		t.Fatalf("cache_size: readers %d, writer %d; want %d and -2000", r, w, -readerCacheKiB)
	}
}
