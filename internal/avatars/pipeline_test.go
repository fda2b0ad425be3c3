package avatars

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"testing"
)

// quadrants is a w×h picture with four coloured quarters, so that crops and
// rotations can be checked by colour: red top-left, green top-right, blue
// bottom-left, white bottom-right.
func quadrants(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{255, 255, 255, 255}
			switch {
			case x < w/2 && y < h/2:
				c = color.NRGBA{255, 0, 0, 255}
			case y < h/2:
				c = color.NRGBA{0, 255, 0, 255}
			case x < w/2:
				c = color.NRGBA{0, 0, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encPNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIF inserts an APP1 Exif segment with an orientation tag, and a
// comment that must not survive, right after the JPEG's SOI.
func withEXIF(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	payload = append(payload, []byte("GPS secret location")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, jpg[2:]...)
}

func decodeOut(t *testing.T, r Result) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != Size || b.Dy() != Size {
		t.Fatalf("output %v, want %dx%d", b, Size, Size)
	}
	return img
}

// near tells whether the pixel at (x,y) is close to c.
func near(img image.Image, x, y int, c color.NRGBA) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 40 && int(b)-int(a>>8) < 40 }
	return d(r, c.R) && d(g, c.G) && d(b, c.B)
}

var (
	red   = color.NRGBA{255, 0, 0, 255}
	green = color.NRGBA{0, 255, 0, 255}
	blue  = color.NRGBA{0, 0, 255, 255}
)

func TestPNGIsCroppedResizedAndReencoded(t *testing.T) {
	src := append(encPNG(t, quadrants(600, 400)), []byte("<script>trailing bytes</script>")...)
	res, mime, err := Process(src)
	if err != nil || mime != "image/png" {
		t.Fatal(mime, err)
	}
	img := decodeOut(t, res)
	// Centre crop of 600×400 is x 100..500: still four quarters.
	if !near(img, 10, 10, red) || !near(img, 245, 10, green) || !near(img, 10, 245, blue) {
		t.Fatal("crop lost the quarters")
	}
	if bytes.Contains(res.Data, []byte("script")) {
		t.Fatal("trailing bytes survived")
	}
	if res.Ext != ".jpg" {
		t.Fatalf("opaque image kept as %s", res.Ext)
	}
}

func TestTransparencyKeepsPNG(t *testing.T) {
	img := quadrants(64, 64)
	img.Set(0, 0, color.NRGBA{0, 0, 0, 0})
	for i := 3; i < len(img.Pix); i += 8 {
		img.Pix[i] = 100
	}
	res, _, err := Process(encPNG(t, img))
	if err != nil || res.Ext != ".png" || res.MIME != "image/png" {
		t.Fatalf("%v %s", err, res.Ext)
	}
}

func TestJPEGOrientationIsApplied(t *testing.T) {
	// The large one goes through the box pre-shrink of camera pictures.
	for _, size := range []image.Point{{512, 512}, {2400, 1800}} {
		src := withEXIF(encJPEG(t, quadrants(size.X, size.Y)), 6) // rotate 90° clockwise to show
		res, mime, err := Process(src)
		if err != nil || mime != "image/jpeg" {
			t.Fatal(mime, err)
		}
		img := decodeOut(t, res)
		// After a clockwise turn, red (top-left) is top-right, blue top-left,
		// white (bottom-right) bottom-left.
		if !near(img, 245, 10, red) || !near(img, 10, 10, blue) || !near(img, 10, 245, color.NRGBA{255, 255, 255, 255}) {
			t.Fatalf("%v: orientation not applied", size)
		}
		if bytes.Contains(res.Data, []byte("Exif")) || bytes.Contains(res.Data, []byte("GPS secret")) {
			t.Fatal("metadata survived")
		}
	}
}

func TestGIFFirstFrame(t *testing.T) {
	frame := func(c color.Color) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, 40, 40), palette.Plan9)
		for i := range p.Pix {
			p.Pix[i] = uint8(p.Palette.Index(c))
		}
		return p
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{frame(red), frame(blue)}, Delay: []int{10, 10}})
	if err != nil {
		t.Fatal(err)
	}
	res, mime, err := Process(b.Bytes())
	if err != nil || mime != "image/gif" {
		t.Fatal(mime, err)
	}
	if img := decodeOut(t, res); !near(img, 128, 128, red) {
		t.Fatal("not the first frame")
	}
}

func TestWebP(t *testing.T) {
	src, err := os.ReadFile("testdata/quadrants.webp")
	if err != nil {
		t.Fatal(err)
	}
	res, mime, err := Process(src)
	if err != nil || mime != "image/webp" {
		t.Fatal(mime, err)
	}
	if img := decodeOut(t, res); !near(img, 10, 10, red) || !near(img, 245, 245, color.NRGBA{255, 255, 255, 255}) {
		t.Fatal("webp pixels wrong")
	}
}

func TestRefused(t *testing.T) {
	pngBytes := encPNG(t, quadrants(32, 32))
	huge := hugePNG(t)
	cases := map[string]struct {
		data []byte
		want error
	}{
		"svg with script":   {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ErrUnsupported},
		"html named png":    {[]byte(`<html><body onload=alert(1)>`), ErrUnsupported},
		"gif/js polyglot":   {[]byte("GIF89a=1;alert(document.cookie)//" + string(make([]byte, 20))), ErrInvalid},
		"truncated png":     {pngBytes[:len(pngBytes)/2], ErrInvalid},
		"50000x50000 png":   {huge, ErrInvalid},
		"empty":             {nil, ErrUnsupported},
		"over the byte cap": {make([]byte, MaxBytes+1), ErrTooLarge},
	}
	for name, c := range cases {
		if _, _, err := Process(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

func TestEXIFParserSurvivesGarbage(t *testing.T) {
	for _, b := range [][]byte{{0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, withEXIF([]byte{0xFF, 0xD8}, 9)} {
		if o := jpegOrientation(b); o != 1 {
			t.Errorf("orientation %d from garbage", o)
		}
	}
}

// FuzzProcess: any bytes are refused cleanly or become a 256×256 avatar.
func FuzzProcess(f *testing.F) {
	f.Add(encPNG(f, quadrants(8, 8)))
	f.Add(withEXIF(encJPEG(f, quadrants(8, 8)), 3))
	f.Add([]byte("GIF89a"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _, err := Process(b)
		if err != nil {
			return
		}
		img, _, err := image.Decode(bytes.NewReader(res.Data))
		if err != nil || img.Bounds().Dx() != Size || img.Bounds().Dy() != Size {
			t.Fatalf("accepted input made a bad avatar: %v", err)
		}
	})
}

// TestHugeDeclaredSizeIsRefusedBeforeDecoding: a PNG that declares
// 50,000×50,000 pixels is refused from its header, allocating next to
// nothing (a decode would need 10 GB).
func TestHugeDeclaredSizeIsRefusedBeforeDecoding(t *testing.T) {
	src := hugePNG(t)
	if cfg, err := png.DecodeConfig(bytes.NewReader(src)); err != nil || cfg.Width != 50000 {
		t.Fatalf("the test PNG is not a valid 50000-wide header: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := Process(src)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("accepted: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("allocated %d bytes to refuse it", grew)
	}
}

// hugePNG is a small valid PNG whose header declares 50,000×50,000 pixels,
// its checksum fixed so that only the size is wrong.
func hugePNG(t *testing.T) []byte {
	src := encPNG(t, quadrants(32, 32))
	binary.BigEndian.PutUint32(src[16:], 50000) // IHDR width
	binary.BigEndian.PutUint32(src[20:], 50000) // IHDR height
	binary.BigEndian.PutUint32(src[29:], crc32.ChecksumIEEE(src[12:29]))
	return src
}
