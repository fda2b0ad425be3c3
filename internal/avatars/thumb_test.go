package avatars_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
)

// TestThumbnails: an upload gets its 64 px thumbnail at once; an avatar
// stored before thumbnails existed gets one made on its first request;
// removing the avatar removes its thumbnail.
func TestThumbnails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := avatars.New(dir, db, time.Now, (&testkit.Buffer{}).Logger())
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var pic bytes.Buffer
	jpeg.Encode(&pic, img, nil)
	up, err := s.Upload(context.Background(), "bob", "me.jpg", pic.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	thumb := avatars.ThumbName(up.ID)
	b, mime, ok := s.Open(thumb)
	if !ok || mime != "image/jpeg" {
		t.Fatalf("thumbnail of a new upload: %v %s", ok, mime)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != avatars.ThumbSize || cfg.Height != avatars.ThumbSize {
		t.Fatalf("thumbnail is %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	full, _, _ := s.Open(up.ID)
	if len(b)*4 > len(full) {
		t.Fatalf("thumbnail %d bytes, avatar %d: not much smaller", len(b), len(full))
	}
	// An older avatar: no thumbnail file yet.
	if err := os.Remove(filepath.Join(dir, thumb)); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Open(thumb); !ok {
		t.Fatal("no thumbnail made for an older avatar")
	}
	if _, err := os.Stat(filepath.Join(dir, thumb)); err != nil {
		t.Fatalf("the lazily made thumbnail was not kept: %v", err)
	}
	s.Remove(up.ID)
	if _, err := os.Stat(filepath.Join(dir, thumb)); !os.IsNotExist(err) {
		t.Fatalf("thumbnail outlived its avatar: %v", err)
	}
	// The blank avatar has one too; foreign names have none.
	if b, _, ok := s.Open(avatars.ThumbName("")); !ok || len(b) == 0 {
		t.Fatal("no blank thumbnail")
	}
	for _, bad := range []string{"../x.64.png", "0123.64.png", up.ID + ".64.png"} {
		if _, _, ok := s.Open(bad); ok {
			t.Fatalf("served %q", bad)
		}
	}
}
