package avatars_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/store"
)

// TestSweepBeforeSparesNewFiles: the sweep the server runs after listening
// removes the leftovers of the last run but not a file an upload of this run
// may be writing or about to claim.
func TestSweepBeforeSparesNewFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	avDir := filepath.Join(dir, "avatars")
	av, err := avatars.New(avDir, db, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	files := map[string]time.Time{ // name: when it was written
		"00000000000000000000000000000001.jpg": start.Add(-time.Hour),  // an orphan of the last run
		".upload-1":                            start.Add(-time.Hour),  // a half write of the last run
		"00000000000000000000000000000002.jpg": start.Add(time.Second), // this run's upload, not yet recorded
		".upload-2":                            start.Add(time.Second), // this run's upload, being written
	}
	for name, at := range files {
		p := filepath.Join(avDir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := av.SweepBefore(ctx, start); err != nil {
		t.Fatal(err)
	}
	for name, at := range files {
		_, err := os.Stat(filepath.Join(avDir, name))
		if kept := err == nil; kept != at.After(start) {
			t.Errorf("%s written %s the start: kept %v", name, map[bool]string{true: "after", false: "before"}[at.After(start)], kept)
		}
	}
}
