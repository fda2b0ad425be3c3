package avatars

import (
	"context"
	"crypto/rand"
	_ "embed" // the default avatar ships inside the binary
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/kmusers/kmusers/internal/throttle"
	"github.com/kmusers/kmusers/internal/users"
)

// The default avatar's name and the life of a pending upload are the
// domain's: one definition, in package users.
const (
	blank      = users.BlankAvatar
	pendingFor = users.PendingUploadLife
)

// blankPNG is the default avatar.
//
//go:embed blank.png
var blankPNG []byte

// decodeBudget bounds the pixels being decoded at once, whatever arrives:
// one 40-megapixel image, or many small ones, at a time. A decode holds
// about 4 bytes a pixel, so the budget keeps decoding under ~200 MB.
const decodeBudget = MaxPixels + 8_000_000

// bigDecode is the size from which a finished decode is collected at once.
const bigDecode = 4_000_000

// Upload limits per user: a rate, and a cap on uploads waiting to be used.
const (
	uploadsPerHour = 60
	uploadBurst    = 20
	maxPending     = 20
)

// ErrTooManyUploads: the user uploads too fast or has too many pending.
var ErrTooManyUploads = errors.New("too many uploads")

// nameRe is every file name this package ever makes: random hex and our
// own extension. Anything else is not ours, on disk or in a request.
var nameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}\.(png|jpg)$`) })

// Upload is a processed image waiting to be used as an avatar.
type Upload struct {
	ID           string
	Owner        string
	OriginalName string
	MIME         string
	Size         int
	CreatedAt    time.Time
}

// Store is what the avatars need from the database.
type Store interface {
	InsertUpload(ctx context.Context, u Upload) error
	// PendingUploads counts owner's uploads made after since.
	PendingUploads(ctx context.Context, owner string, since time.Time) (int64, error)
	// DeleteUploadsBefore forgets expired uploads and returns their ids.
	DeleteUploadsBefore(ctx context.Context, before time.Time) ([]string, error)
	AvatarFilesInUse(ctx context.Context) (map[string]bool, error)
	ResetAvatars(ctx context.Context, files []string, to string) (int64, error)
}

// Service keeps avatar files in one directory, or their bytes in the
// database (InDatabase) when many processes share it.
type Service struct {
	dir   string
	db    Images // nil: files in dir
	store Store
	now   func() time.Time
	log   *slog.Logger
	sem   *semaphore.Weighted // pixels being decoded
	rate  *throttle.Bucket    // uploads per user
}

// New makes the avatar directory if needed.
func New(dir string, store Store, now func() time.Time, log *slog.Logger) (*Service, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("avatars: %w", err)
	}
	return &Service{dir: dir, store: store, now: now, log: log, sem: semaphore.NewWeighted(decodeBudget),
		rate: throttle.NewBucket(uploadsPerHour, uploadBurst, now)}, nil
}

// Upload processes an image and keeps it as a pending upload of owner.
func (s *Service) Upload(ctx context.Context, owner, originalName string, data []byte) (Upload, error) {
	n, err := s.store.PendingUploads(ctx, owner, s.now().UTC().Add(-pendingFor))
	if err != nil {
		return Upload{}, fmt.Errorf("avatars: count uploads: %w", err)
	}
	if n >= maxPending || !s.rate.Take(owner) {
		return Upload{}, ErrTooManyUploads
	}
	decoded := false
	res, _, err := process(data, func(pixels int64) (func(), error) {
		decoded = true
		if err := s.sem.Acquire(ctx, pixels); err != nil {
			return nil, err
		}
		return func() {
			if pixels >= bigDecode {
				// The bitmap is garbage now; collect it before the next
				// large decode starts, or the heap would hold both.
				runtime.GC()
			}
			s.sem.Release(pixels)
		}, nil
	})
	if err != nil {
		if !decoded {
			s.rate.Give(owner) // refused from its bytes' first look: it cost nothing
		}
		return Upload{}, err
	}
	name, err := s.write(ctx, res)
	if err != nil {
		return Upload{}, err
	}
	if s.db == nil { // in the database, thumbnails are made when asked (thumb.go)
		s.writeThumb(name, res.Data)
	}
	up := Upload{ID: name, Owner: owner, OriginalName: cleanName(originalName), MIME: res.MIME,
		Size: len(res.Data), CreatedAt: s.now().UTC()}
	if err := s.store.InsertUpload(ctx, up); err != nil {
		s.Remove(name)
		return Upload{}, fmt.Errorf("avatars: record upload: %w", err)
	}
	return up, nil
}

// write stores the bytes under a new random name: a temp file, synced,
// then renamed, so a crash never leaves a half file under a real name.
func (s *Service) write(ctx context.Context, res Result) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := hex.EncodeToString(b) + res.Ext
	if s.db != nil {
		if err := s.db.PutAvatar(ctx, name, res.MIME, res.Data, s.now()); err != nil {
			return "", fmt.Errorf("avatars: %w", err)
		}
		return name, nil
	}
	return name, s.writeFile(name, res.Data)
}

// writeFile writes data under name, never leaving half a file there.
func (s *Service) writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("avatars: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("avatars: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("avatars: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("avatars: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, name)); err != nil {
		return fmt.Errorf("avatars: %w", err)
	}
	return nil
}

// Remove deletes an avatar file; the blank avatar and foreign names are
// left alone. Callers remove only after the database no longer names it.
func (s *Service) Remove(name string) {
	if !nameRe().MatchString(name) {
		return
	}
	if s.db != nil {
		s.removeStored(name)
		return
	}
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("avatar file not removed", "file", name, "err", err)
	}
	s.removeThumb(name)
}

// Open returns the bytes and type of a served avatar, or ok false.
func (s *Service) Open(name string) (data []byte, mime string, ok bool) {
	if name == blank {
		return blankPNG, "image/png", true
	}
	if !nameRe().MatchString(name) {
		b, ok := s.openThumb(name)
		if !ok {
			return nil, "", false
		}
		if strings.HasSuffix(name, ".jpg") {
			return b, "image/jpeg", true
		}
		return b, "image/png", true
	}
	if s.db != nil {
		return s.openStored(name)
	}
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return nil, "", false
	}
	if strings.HasSuffix(name, ".jpg") {
		return b, "image/jpeg", true
	}
	return b, "image/png", true
}

// Sweep runs once a server listens: expired uploads go, files nobody names
// go (left by a crash between a write and its commit) once older than an
// upload's life, and users whose file is missing get the blank avatar. It
// is safe while uploads and edits run.
func (s *Service) Sweep(ctx context.Context) error {
	if err := s.Expire(ctx); err != nil {
		return err
	}
	inUse, err := s.store.AvatarFilesInUse(ctx)
	if err != nil {
		return fmt.Errorf("avatars: sweep: %w", err)
	}
	entries, err := s.entries(ctx)
	if err != nil {
		return fmt.Errorf("avatars: sweep: %w", err)
	}
	onDisk := map[string]bool{}
	orphanBefore := s.now().UTC().Add(-pendingFor)
	for _, e := range entries {
		name := e.Name
		switch {
		case strings.HasPrefix(name, ".upload-") && e.CreatedAt.Before(orphanBefore):
			_ = os.Remove(filepath.Join(s.dir, name))
		case nameRe().MatchString(name) && !inUse[name] && e.CreatedAt.Before(orphanBefore):
			s.Remove(name)
		case thumbOf(name) != "" && !inUse[thumbOf(name)] && e.CreatedAt.Before(orphanBefore):
			_ = os.Remove(filepath.Join(s.dir, name))
		default:
			onDisk[name] = true
		}
	}
	var missing []string
	for name := range inUse {
		if name != blank && name != "" && !onDisk[name] {
			missing = append(missing, name)
		}
	}
	n, err := s.store.ResetAvatars(ctx, missing, blank)
	if err != nil {
		return fmt.Errorf("avatars: sweep: %w", err)
	}
	if n > 0 {
		s.log.Warn("users pointed at missing avatar files; reset to the blank avatar", "count", n)
	}
	return nil
}

// Expire forgets uploads older than an hour and removes their files. It
// is safe while serving: it touches only files whose rows it deleted.
func (s *Service) Expire(ctx context.Context) error {
	ids, err := s.store.DeleteUploadsBefore(ctx, s.now().UTC().Add(-pendingFor))
	if err != nil {
		return fmt.Errorf("avatars: expire uploads: %w", err)
	}
	for _, id := range ids {
		s.Remove(id)
	}
	return nil
}

// cleanName keeps a short printable original name, for display only.
func cleanName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, `\`, "/"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
