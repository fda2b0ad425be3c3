package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
)

// TestDatabaseFilesArePrivate: the database, its WAL and its SHM are 0600
// even in a world-readable data dir.
func TestDatabaseFilesArePrivate(t *testing.T) {
	t.Parallel()
	testkit.OnlySQLite(t, "files")
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "k.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveSettings(context.Background(), map[string]string{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", filepath.Base(p), st.Mode().Perm())
		}
	}
}
