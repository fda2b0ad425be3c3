package avatars

import (
	"image"
	"image/color"
)

// shrinkYCbCr averages k×k blocks of a YCbCr region (a box filter), giving
// an image k times smaller. A camera picture is shrunk this way to about
// twice the avatar size before the Catmull-Rom pass: the box filter reads
// each source sample once, where a kernel that wide would convert every
// sample from YCbCr dozens of times.
func shrinkYCbCr(src *image.YCbCr, r image.Rectangle, k int) *image.NRGBA {
	w, h := r.Dx()/k, r.Dy()/k
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	for oy := 0; oy < h; oy++ {
		for ox := 0; ox < w; ox++ {
			var ys, cbs, crs uint32
			x0, y0 := r.Min.X+ox*k, r.Min.Y+oy*k
			for y := y0; y < y0+k; y++ {
				yi := src.YOffset(x0, y)
				for x := x0; x < x0+k; x++ {
					ci := src.COffset(x, y)
					ys += uint32(src.Y[yi])
					cbs += uint32(src.Cb[ci])
					crs += uint32(src.Cr[ci])
					yi++
				}
			}
			c := color.YCbCr{Y: uint8(ys / n), Cb: uint8(cbs / n), Cr: uint8(crs / n)}
			rr, gg, bb := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			i := dst.PixOffset(ox, oy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = rr, gg, bb, 0xFF
		}
	}
	return dst
}
