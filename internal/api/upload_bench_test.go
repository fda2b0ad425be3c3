package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/heappeak"
	"github.com/kmusers/kmusers/internal/store"
)

// BenchmarkUpload32x40MP sends 32 uploads of a 6324×6324 (40 MP) PNG at
// once through the avatar service; the pixel-weighted decode budget must
// keep the peak memory low whatever arrives. Reports the peak heap above
// idle and the peak RSS of the process during the run (reset through
// /proc/self/clear_refs).
func BenchmarkUpload32x40MP(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "k.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	av, err := avatars.New(filepath.Join(dir, "avatars"), db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	// A colour 40 MP PNG (decoded as 4 bytes a pixel), smooth enough to
	// stay under the 8 MiB upload limit.
	img := image.NewNRGBA(image.Rect(0, 0, 6324, 6324))
	for i := 0; i < len(img.Pix); i += 4 {
		p := i / 4
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(p/6324/25), uint8(p%6324/25), 90, 255
	}
	var src bytes.Buffer
	if err := png.Encode(&src, img); err != nil {
		b.Fatal(err)
	}
	if src.Len() > avatars.MaxBytes {
		b.Fatalf("test image is %d bytes", src.Len())
	}
	img = nil
	debug.FreeOSMemory() // the test image's pages go back before RSS is measured
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resetPeakRSS()
		stop := heappeak.Start()
		var wg sync.WaitGroup
		for u := range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := av.Upload(ctx, fmt.Sprintf("user%d-%d", i, u), "big.png", src.Bytes()); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(stop(), "peak-heap-MiB")
		b.ReportMetric(peakRSS(), "peak-RSS-MiB")
	}
}

// resetPeakRSS resets the kernel's high-water mark of this process's RSS.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM, in MiB (0 where /proc is not there).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
