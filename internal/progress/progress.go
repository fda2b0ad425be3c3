// Package progress draws a progress bar on a terminal, for the command-line
// importers.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Bar redraws one line at most a hundred times; a Bar on a nil writer
// draws nothing.
type Bar struct {
	mu          sync.Mutex
	w           io.Writer
	label, unit string
	total, n    int
	lastPercent int
}

// New makes a bar of total steps: "label [####....]  40% 4/10 unit".
func New(w io.Writer, total int, label, unit string) *Bar {
	return &Bar{w: w, total: total, label: label, unit: unit, lastPercent: -1}
}

// Step counts one step done.
func (b *Bar) Step() {
	if b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	pc := b.n * 100 / max(1, b.total)
	if pc == b.lastPercent {
		return
	}
	b.lastPercent = pc
	const width = 30
	fill := pc * width / 100
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %d/%d %s",
		b.label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pc, b.n, b.total, b.unit)
}

// Done ends the bar's line.
func (b *Bar) Done() {
	if b.w != nil && b.total > 0 {
		fmt.Fprintln(b.w)
	}
}
