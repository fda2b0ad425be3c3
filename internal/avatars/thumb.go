package avatars

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/image/draw"
)

// ThumbSize is the side of the thumbnail the user list shows (32 CSS
// pixels on a 2× screen): a page of 50 weighs tens of KB, not the MB of
// the 256 px avatars.
const ThumbSize = 64

// thumbRe names thumbnails: the avatar's name with ".64" before the
// extension.
var thumbRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{32})\.64\.(png|jpg)$`) })

// ThumbName is the thumbnail of the avatar file name.
func ThumbName(name string) string {
	if name == "" {
		name = blank
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + ".64" + ext
}

// thumbOf is the avatar a thumbnail name belongs to, or "".
func thumbOf(name string) string {
	if m := thumbRe().FindStringSubmatch(name); m != nil {
		return m[1] + "." + m[2]
	}
	return ""
}

// thumbnail scales a processed avatar down. Its input is our own 256 px
// output, never an upload, so it needs none of the pipeline's guards.
func thumbnail(data []byte) ([]byte, error) {
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	dst := image.NewNRGBA(image.Rect(0, 0, ThumbSize, ThumbSize))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	if format == "jpeg" {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst)
	}
	return buf.Bytes(), err
}

var blankThumb = sync.OnceValue(func() []byte {
	b, err := thumbnail(blankPNG)
	if err != nil {
		return blankPNG
	}
	return b
})

// writeThumb makes the thumbnail of a stored avatar; a failure only means
// that Open makes it later.
func (s *Service) writeThumb(name string, data []byte) []byte {
	b, err := thumbnail(data)
	if err != nil {
		s.log.Warn("avatar thumbnail not made", "file", name, "err", err)
		return nil
	}
	if err := s.writeFile(ThumbName(name), b); err != nil {
		s.log.Warn("avatar thumbnail not saved", "file", name, "err", err)
	}
	return b
}

// openThumb serves a thumbnail, making it from its avatar the first time
// (avatars stored before thumbnails existed).
func (s *Service) openThumb(name string) ([]byte, bool) {
	if name == ThumbName(blank) {
		return blankThumb(), true
	}
	orig := thumbOf(name)
	if orig == "" {
		return nil, false
	}
	if s.db != nil {
		// Avatars in the database (several processes): made from the
		// stored avatar on each request, which browsers then keep for a
		// year (immutable names). Not kept: one table row per image.
		data, _, ok := s.openStored(orig)
		if !ok {
			return nil, false
		}
		b, err := thumbnail(data)
		return b, err == nil
	}
	if b, err := os.ReadFile(filepath.Join(s.dir, name)); err == nil {
		return b, true
	}
	data, err := os.ReadFile(filepath.Join(s.dir, orig))
	if err != nil {
		return nil, false
	}
	b := s.writeThumb(orig, data)
	return b, b != nil
}

// removeThumb deletes the thumbnail of an avatar file.
func (s *Service) removeThumb(name string) {
	err := os.Remove(filepath.Join(s.dir, ThumbName(name)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("avatar thumbnail not removed", "file", name, "err", err)
	}
}
