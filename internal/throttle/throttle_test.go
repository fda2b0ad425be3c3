package throttle

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterBlocksThenExpires(t *testing.T) {
	now := time.Unix(1000, 0)
	l := New(3, time.Minute, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if !l.Allowed("a") {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Fail("a")
	}
	if l.Allowed("a") {
		t.Fatal("allowed after 3 failures")
	}
	if !l.Allowed("b") {
		t.Fatal("other key blocked")
	}
	now = now.Add(time.Minute)
	if !l.Allowed("a") {
		t.Fatal("still blocked after the window")
	}
	l.Fail("a")
	l.Reset("a")
	if !l.Allowed("a") {
		t.Fatal("reset did not forget")
	}
}

// TestTakeIsAtomic: of many concurrent tries, exactly max get through.
func TestTakeIsAtomic(t *testing.T) {
	l := New(10, time.Minute, time.Now)
	var wg sync.WaitGroup
	var passed atomic.Int32
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Take("bob") {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 10 {
		t.Fatalf("%d of 40 concurrent tries passed a budget of 10", passed.Load())
	}
	l.Refund("bob")
	if !l.Take("bob") || l.Take("bob") {
		t.Fatal("a refund gives back exactly one try")
	}
}

func TestBucketBurstThenRate(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewBucket(5, 10, func() time.Time { return now })
	for i := range 10 {
		if !b.Take("ip") {
			t.Fatalf("burst try %d refused", i)
		}
	}
	if b.Take("ip") {
		t.Fatal("11th try at once allowed")
	}
	if !b.Take("other") {
		t.Fatal("keys share a bucket")
	}
	now = now.Add(12 * time.Minute) // 5 an hour: one every 12 minutes
	if !b.Take("ip") || b.Take("ip") {
		t.Fatal("rate not one per 12 minutes")
	}
}

// TestBucketGive: a given-back try can be taken again, never beyond the burst.
func TestBucketGive(t *testing.T) {
	now := time.Unix(0, 0)
	b := NewBucket(1, 2, func() time.Time { return now })
	takes := func(n int) []bool {
		var got []bool
		for range n {
			got = append(got, b.Take("k"))
		}
		return got
	}
	if got := takes(3); !slices.Equal(got, []bool{true, true, false}) {
		t.Fatalf("burst of 2: %v", got)
	}
	b.Give("k")
	if got := takes(2); !slices.Equal(got, []bool{true, false}) {
		t.Fatalf("one try given back: %v", got)
	}
	b.Give("k")
	b.Give("k")
	b.Give("k")
	if got := takes(3); !slices.Equal(got, []bool{true, true, false}) {
		t.Fatalf("given back beyond the burst: %v", got)
	}
	b.Give("unknown") // nothing to give back to: no entry made
}
