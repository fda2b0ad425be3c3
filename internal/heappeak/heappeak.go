// Package heappeak measures the peak heap of a piece of work, for
// benchmarks that have a memory goal.
package heappeak

import (
	"runtime"
	"time"
)

// Start collects garbage, notes the idle heap and samples HeapAlloc every
// millisecond; the returned func stops and gives the peak above idle, in MiB.
// Sampling stops the world briefly, so time figures taken alongside are a
// little pessimistic.
func Start() (stop func() float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	idle := ms.HeapAlloc
	done := make(chan struct{})
	res := make(chan uint64)
	go func() {
		peak := idle
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				res <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(<-res-idle) / (1 << 20)
	}
}
