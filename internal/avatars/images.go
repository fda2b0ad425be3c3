package avatars

import (
	"context"
	"fmt"
	"os"
	"time"
)

// Images keeps avatar bytes in a database, for processes that share no
// disk (store.Store). A name is written once: its bytes never change.
type Images interface {
	PutAvatar(ctx context.Context, name, mime string, data []byte, at time.Time) error
	Avatar(ctx context.Context, name string) (data []byte, mime string, ok bool, err error)
	DeleteAvatar(ctx context.Context, name string) error
	AvatarImages(ctx context.Context) ([]Stored, error)
}

// Stored is one kept image, file or row.
type Stored struct {
	Name      string
	CreatedAt time.Time
}

// readTimeout bounds one read of an image from the database.
const readTimeout = 10 * time.Second

// InDatabase keeps the images in db instead of the directory: every
// process over the database serves every avatar and pending upload.
func (s *Service) InDatabase(db Images) *Service {
	s.db = db
	return s
}

func (s *Service) openStored(name string) ([]byte, string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	data, mime, ok, err := s.db.Avatar(ctx, name)
	if err != nil {
		s.log.Warn("avatar not read", "file", name, "err", err)
	}
	return data, mime, ok && err == nil
}

func (s *Service) removeStored(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	if err := s.db.DeleteAvatar(ctx, name); err != nil {
		s.log.Warn("avatar not removed", "file", name, "err", err)
	}
}

// entries lists the kept images. Uploads may be between writing an image
// and recording it (other processes in the database; this one on disk,
// whose sweep runs while it serves), so an image nobody names is an orphan
// only once older than an upload's life: a file's age is its mtime.
func (s *Service) entries(ctx context.Context) ([]Stored, error) {
	if s.db != nil {
		return s.db.AvatarImages(ctx)
	}
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	out := make([]Stored, len(des))
	for i, e := range des {
		out[i] = Stored{Name: e.Name()} // gone meanwhile: the zero time, old enough
		if fi, err := e.Info(); err == nil {
			out[i].CreatedAt = fi.ModTime()
		}
	}
	return out, nil
}

// ETag is the entity tag of an avatar: its name, since a name's bytes
// never change.
func ETag(name string) string { return fmt.Sprintf("%q", name) }
