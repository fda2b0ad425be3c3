// Package logbuf buffers a log's writes: the access log writes one line per
// request, and a write system call per line was a measurable part of a
// cheap request (issue 16). Lines are flushed when the buffer fills, on a
// timer, and by Close, so none is lost on a clean shutdown.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Size is the buffer: about 250 access lines.
const Size = 64 << 10

// Writer is a goroutine-safe buffered writer that flushes itself every
// interval.
type Writer struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// New buffers w, flushing at least every interval.
func New(w io.Writer, interval time.Duration) *Writer {
	b := &Writer{buf: bufio.NewWriterSize(w, Size), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

// Write buffers p; after Close it writes through.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if err == nil && b.closed {
		err = b.buf.Flush()
	}
	return n, err
}

// Flush writes out what is buffered.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

// Direct is a writer to the same destination that does not wait: it writes
// what is buffered, then p, at once, so the order of lines is kept.
func (b *Writer) Direct() io.Writer { return direct{b} }

type direct struct{ b *Writer }

func (d direct) Write(p []byte) (int, error) {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	n, err := d.b.buf.Write(p)
	if err != nil {
		return n, err
	}
	return n, d.b.buf.Flush()
}

// Close stops the timer and flushes; later writes go straight through, so
// a line logged during the last moments of a shutdown is not lost either.
func (b *Writer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	return b.Flush()
}

func (b *Writer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}
