package avatars

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"
)

// pngClaiming is a small valid PNG whose header claims w×h pixels.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	src := encPNG(t, quadrants(32, 32))
	binary.BigEndian.PutUint32(src[16:], w) // IHDR width
	binary.BigEndian.PutUint32(src[20:], h) // IHDR height
	binary.BigEndian.PutUint32(src[29:], crc32.ChecksumIEEE(src[12:29]))
	return src
}

// The 40-megapixel limit is exact and read from the header: at the limit
// the pipeline goes on to decode (and fails on the short body), one pixel
// row past it is refused before any decode.
func TestPixelLimitBoundary(t *testing.T) {
	cases := []struct {
		w, h    uint32
		refused bool
	}{
		{8000, 5000, false}, // exactly 40,000,000
		{8000, 5001, true},
		{6324, 6325, false}, // 39,999,300
		{6325, 6325, true},  // 40,005,625
		{1, 40_000_000, false},
		{1, 40_000_001, true}, // one pixel past
	}
	for _, c := range cases {
		_, _, err := Process(pngClaiming(t, c.w, c.h))
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("%d×%d: %v, want an invalid image either way", c.w, c.h, err)
		}
		if got := errors.Is(err, ErrTooManyPixels); got != c.refused {
			t.Errorf("%d×%d: refused from the header = %v, want %v", c.w, c.h, got, c.refused)
		}
	}
}
