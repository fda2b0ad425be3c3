package throttle

import (
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
