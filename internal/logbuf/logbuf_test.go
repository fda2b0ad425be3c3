package logbuf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a destination that counts its writes.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) snapshot() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

// TestNoLineLostOnClose: lines written by many goroutines are all there,
// whole and once, after Close, in far fewer writes than lines.
func TestNoLineLostOnClose(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	w := New(dst, time.Hour) // the timer never fires: Close must flush
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "writer=%d line=%d some access log text\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if text, _ := dst.snapshot(); strings.Count(text, "\n") != writers*lines {
		t.Fatalf("%d lines out after Close, want %d", strings.Count(text, "\n"), writers*lines)
	}
	fmt.Fprintf(w, "after close\n")
	text, writes := dst.snapshot()
	got := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(got) != writers*lines+1 || got[len(got)-1] != "after close" {
		t.Fatalf("%d lines, want %d; last %q", len(got), writers*lines+1, got[len(got)-1])
	}
	seen := map[string]bool{}
	for _, l := range got {
		if seen[l] {
			t.Fatalf("line twice: %q", l)
		}
		seen[l] = true
	}
	if writes > writers*lines/100 {
		t.Fatalf("%d writes for %d lines: not buffered", writes, writers*lines)
	}
}

// TestFlushedOnTimer: a quiet log still reaches its destination without a
// Close.
func TestFlushedOnTimer(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	w := New(dst, 10*time.Millisecond)
	defer w.Close()
	fmt.Fprintf(w, "one line\n")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if text, _ := dst.snapshot(); text == "one line\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the timer never flushed the line")
		}
		time.Sleep(time.Millisecond) // awaiting the timer: there is nothing else to wait on
	}
}

// TestDirectKeepsOrder: a direct line is out at once, after every buffered
// line written before it.
func TestDirectKeepsOrder(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	w := New(dst, time.Hour)
	defer w.Close()
	fmt.Fprintf(w, "access 1\naccess 2\n")
	fmt.Fprintf(w.Direct(), "listening\n")
	if text, _ := dst.snapshot(); text != "access 1\naccess 2\nlistening\n" {
		t.Fatalf("got %q", text)
	}
}
