// Package avatars turns uploaded pictures into safe 256×256 avatars, keeps
// their files, and knows which uploads are pending.
package avatars

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits of the pipeline.
const (
	MaxBytes  = 8 << 20    // upload cap
	MaxPixels = 40_000_000 // checked from the header, before any decode
	Size      = 256        // avatars are Size×Size
)

// Errors of the pipeline.
var (
	ErrUnsupported = errors.New("unsupported image type")
	ErrInvalid     = errors.New("invalid image")
	ErrTooLarge    = errors.New("image too large")
	// ErrTooManyPixels is an ErrInvalid found from the header alone.
	ErrTooManyPixels = fmt.Errorf("%w: over %d pixels", ErrInvalid, MaxPixels)
)

// Result is a re-encoded avatar.
type Result struct {
	Data []byte
	Ext  string // ".png" or ".jpg"
	MIME string
}

type format struct {
	mime   string
	config func(*bytes.Reader) (image.Config, error)
	decode func(*bytes.Reader) (image.Image, error)
}

var (
	formatPNG  = format{"image/png", func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }}
	formatJPEG = format{"image/jpeg", func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }}
	formatGIF  = format{"image/gif", func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }} // first frame
	formatWebP = format{"image/webp", func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) }}
)

// sniff tells the format from the first bytes only: the client's file name
// and Content-Type are never asked. SVG and everything else is refused.
func sniff(b []byte) (format, string, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG, "png", true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG, "jpeg", true
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return formatGIF, "gif", true
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return formatWebP, "webp", true
	}
	return format{}, "", false
}

// Process checks, decodes, orients, crops, resizes and re-encodes an image.
// Only pixels survive: metadata, trailing bytes and polyglot payloads are
// gone because the output is encoded anew from the decoded pixels.
func Process(b []byte) (Result, string, error) {
	return process(b, nil)
}

// Pixels reads the image's size from its header, without decoding: what a
// decode of it will cost in memory. 0 when it is not an image we take.
func Pixels(b []byte) int64 {
	f, _, ok := sniff(b)
	if !ok || len(b) > MaxBytes {
		return 0
	}
	cfg, err := f.config(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0
	}
	return int64(cfg.Width) * int64(cfg.Height)
}

// process is Process with a hook run between the header check and the
// decode: the service takes its share of the decode budget there.
func process(b []byte, beforeDecode func(pixels int64) (func(), error)) (Result, string, error) {
	if len(b) > MaxBytes {
		return Result{}, "", ErrTooLarge
	}
	f, kind, ok := sniff(b)
	if !ok {
		return Result{}, "", ErrUnsupported
	}
	cfg, err := f.config(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Result{}, f.mime, ErrInvalid
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Result{}, f.mime, ErrTooManyPixels
	}
	if beforeDecode != nil {
		release, err := beforeDecode(int64(cfg.Width) * int64(cfg.Height))
		if err != nil {
			return Result{}, f.mime, err
		}
		defer release()
	}
	img, err := f.decode(bytes.NewReader(b))
	if err != nil {
		return Result{}, f.mime, ErrInvalid
	}
	// The centred square of a rotated image is the rotated centred square,
	// so orientation is applied to the small result: 256×256, not 12 MP.
	small := resize(cropSquare(img))
	if kind == "jpeg" {
		small = orient(small, jpegOrientation(b))
	}
	out, err := encode(small)
	return out, f.mime, err
}

// cropSquare keeps the centred square of the image.
func cropSquare(img image.Image) (image.Image, image.Rectangle) {
	r := img.Bounds()
	side := min(r.Dx(), r.Dy())
	x := r.Min.X + (r.Dx()-side)/2
	y := r.Min.Y + (r.Dy()-side)/2
	return img, image.Rect(x, y, x+side, y+side)
}

// resize scales the square to Size×Size with Catmull-Rom, a sharp filter
// that does not ring much on faces and drawings.
func resize(img image.Image, src image.Rectangle) *image.NRGBA {
	if y, ok := img.(*image.YCbCr); ok && src.Dx() >= 4*Size {
		k := src.Dx() / (2 * Size)
		img = shrinkYCbCr(y, src, k)
		src = img.Bounds()
	}
	dst := image.NewNRGBA(image.Rect(0, 0, Size, Size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

// encode writes JPEG (quality 90) for opaque avatars, small for photos,
// and PNG when there is transparency to keep.
func encode(img *image.NRGBA) (Result, error) {
	var buf bytes.Buffer
	if opaque(img) {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			return Result{}, err
		}
		return Result{Data: buf.Bytes(), Ext: ".jpg", MIME: "image/jpeg"}, nil
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return Result{}, err
	}
	return Result{Data: buf.Bytes(), Ext: ".png", MIME: "image/png"}, nil
}

func opaque(img *image.NRGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xFF {
			return false
		}
	}
	return true
}

// orient applies an EXIF orientation (1 to 8) to a square image.
func orient(img *image.NRGBA, o int) *image.NRGBA {
	if o <= 1 || o > 8 {
		return img
	}
	n := img.Bounds().Dx()
	dst := image.NewNRGBA(img.Bounds())
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := orientPoint(o, x, y, n, n)
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], img.Pix[img.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// orientPoint maps a source pixel to its place for EXIF orientation o.
func orientPoint(o, x, y, w, h int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return h - 1 - y, x
	case 7:
		return h - 1 - y, w - 1 - x
	case 8:
		return y, w - 1 - x
	}
	return x, y
}
