package avatars_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/store"
)

// The sweep runs once the server listens (issue 16), so on disk too it
// must spare what an upload in flight has written and not yet recorded:
// the image, its thumbnail, its temp file. Only files older than an
// upload's life (by mtime) are orphans.
func TestSweepOnDiskSparesYoungFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	avDir := filepath.Join(dir, "avatars")
	av, err := avatars.New(avDir, db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	young := "00000000000000000000000000000000.png"
	old := "fedcba9876543210fedcba9876543210.png"
	files := []string{young, avatars.ThumbName(young), ".upload-young", old, avatars.ThumbName(old), ".upload-old"}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(avDir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	for _, f := range files[3:] {
		if err := os.Chtimes(filepath.Join(avDir, f), long, long); err != nil {
			t.Fatal(err)
		}
	}
	if err := av.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(avDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := files[:3]
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("after sweep: %v, want %v", names, want)
	}
}
