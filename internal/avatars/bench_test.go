package avatars

import (
	"image"
	"image/color"
	"testing"

	"github.com/kmusers/kmusers/internal/heappeak"
)

// BenchmarkProcess12MP is a 4000×3000 camera-like JPEG (smooth gradients
// with fine detail) through the whole pipeline.
func BenchmarkProcess12MP(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x / 16), uint8(y / 12), uint8((x ^ y) & 0x3f), 255})
		}
	}
	src := withEXIF(encJPEG(b, img), 6)
	b.SetBytes(int64(len(src)))
	stop := heappeak.Start()
	for b.Loop() {
		if _, _, err := Process(src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(stop(), "peak-extra-MiB")
}
