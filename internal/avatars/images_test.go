package avatars_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// In the database, the sweep of one process must not take the image that
// another process has just written and not yet recorded as an upload.
func TestSweepInDatabaseSparesYoungImages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	clock := func() time.Time { return now }
	av, err := avatars.New(filepath.Join(dir, "avatars"), db, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	av.InDatabase(db)
	var pic bytes.Buffer
	png.Encode(&pic, image.NewNRGBA(image.Rect(0, 0, 10, 10)))
	used, err := av.Upload(ctx, "bob", "u.png", pic.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, mime, ok := av.Open(used.ID); !ok || mime != "image/png" {
		t.Fatalf("open from the database: %v %q", ok, mime)
	}
	oldOrphan := "fedcba9876543210fedcba9876543210.png"
	youngOrphan := "00000000000000000000000000000000.png" // another process is between writing and recording it
	ghost := "0123456789abcdef0123456789abcdef.jpg"
	db.PutAvatar(ctx, oldOrphan, "image/png", []byte("x"), now)
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
	now = now.Add(2 * time.Hour)
	db.PutAvatar(ctx, youngOrphan, "image/png", []byte("y"), now)
	pending, _ := av.Upload(ctx, "bob", "p.png", pic.Bytes())
	if err := av.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := db.AvatarImages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	want := []string{used.ID, pending.ID, youngOrphan}
	sort.Strings(want)
	if len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("after sweep: %v, want %v", names, want)
	}
	eve, err := db.UserByLogin(ctx, "eve")
	if err != nil || eve.AvatarFile != users.BlankAvatar {
		t.Fatalf("missing image not reset: %+v %v", eve, err)
	}
	av.Remove(used.ID)
	if _, _, ok := av.Open(used.ID); ok {
		t.Fatal("removed image still served")
	}
}
