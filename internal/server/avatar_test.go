package server

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
)

// Two processes over one database, avatars kept in it: an upload made on A
// is served by B, with an ETag that answers 304 without reading the image.
func TestAvatarInDatabaseServedByAnotherProcessWithETag(t *testing.T) {
	t.Parallel()
	dbPath := testkit.DB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var svcs [2]*avatars.Service
	var dbs [2]*store.Store
	for i := range svcs {
		db, err := store.Open(context.Background(), dbPath)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		av, err := avatars.New(t.TempDir(), db, time.Now, log) // each its own dir: no shared disk
		if err != nil {
			t.Fatal(err)
		}
		svcs[i], dbs[i] = av.InDatabase(db), db
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	up, err := svcs[0].Upload(context.Background(), "alice", "me.png", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	e := New(Deps{DB: pinger{}, Log: log, Avatars: svcs[1]})
	get := func(inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/avatars/"+up.ID, nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, r)
		return rec
	}
	rec := get("")
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || rec.Body.Len() != up.Size || rec.Header().Get("Content-Type") != up.MIME || etag == "" ||
		rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("B served A's upload: %d, %d bytes (want %d), %v", rec.Code, rec.Body.Len(), up.Size, rec.Header())
	}
	if rec := get(`"other", W/` + etag); rec.Code != 304 || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
		t.Fatalf("If-None-Match: %d %v", rec.Code, rec.Header())
	}
	// The 304 reads nothing: with the image gone it is still answered,
	// while a request without the tag finds nothing.
	if err := dbs[0].DeleteAvatar(context.Background(), up.ID); err != nil {
		t.Fatal(err)
	}
	if rec := get(etag); rec.Code != 304 {
		t.Fatalf("304 after delete: %d", rec.Code)
	}
	if rec := get(""); rec.Code != 404 {
		t.Fatalf("a deleted image: %d", rec.Code)
	}
	if rec := get(`"*"`); rec.Code != 404 {
		t.Fatalf("another tag: %d", rec.Code)
	}
}
