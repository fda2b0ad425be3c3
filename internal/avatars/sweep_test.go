package avatars_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
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
	"github.com/kmusers/kmusers/internal/users"
)

func TestSweepAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	clock := func() time.Time { return now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	avDir := filepath.Join(dir, "avatars")
	av, err := avatars.New(avDir, db, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	png.Encode(&pic, image.NewNRGBA(image.Rect(0, 0, 10, 10)))
	used, _ := av.Upload(ctx, "bob", "u.png", pic.Bytes())
	pending, _ := av.Upload(ctx, "bob", "p.png", pic.Bytes())
	old, _ := av.Upload(ctx, "bob", "o.png", pic.Bytes())
	ghost := "0123456789abcdef0123456789abcdef.jpg" // a user points at it; the file is gone
	orphan := "fedcba9876543210fedcba9876543210.jpg"
	os.WriteFile(filepath.Join(avDir, orphan), []byte("left by a crash"), 0o600)
	os.WriteFile(filepath.Join(avDir, ".upload-123"), []byte("half"), 0o600)
	err = db.Update(ctx, func(tx users.Tx) error {
		for login, file := range map[string]string{"bob": used.ID, "eve": ghost} {
			u := &users.User{Login: login, Nickname: login, NicknameKey: login, Type: 1, TokenKey: "k",
				AvatarFile: file, LastLoginAt: now, CreatedAt: now}
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return tx.ClaimUpload(used.ID, "bob", now.Add(-time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	// The "old" upload is made to look two hours old.
	now = now.Add(2 * time.Hour)
	pendingAgain, _ := av.Upload(ctx, "bob", "p2.png", pic.Bytes())
	if err := av.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(avDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	// Each kept avatar keeps its thumbnail; the others' went with them.
	want := []string{used.ID, pendingAgain.ID, avatars.ThumbName(used.ID), avatars.ThumbName(pendingAgain.ID)}
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("after sweep: %v, want %v (expired %s %s)", names, want, pending.ID, old.ID)
	}
	eve, err := db.UserByLogin(ctx, "eve")
	if err != nil || eve.AvatarFile != users.BlankAvatar {
		t.Fatalf("missing file not reset: %+v %v", eve, err)
	}
}
