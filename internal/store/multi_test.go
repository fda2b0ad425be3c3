package store

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

// twoProcesses opens the same database twice, as two processes would.
func twoProcesses(t *testing.T) (a, b *Store) {
	t.Helper()
	path := testkit.DB(t)
	for _, s := range []**Store{&a, &b} {
		var err error
		if *s, err = Open(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { (*s).Close() })
	}
	return a, b
}

func TestSharedKeysFirstOfferWins(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]map[string]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			kv, err := s.SharedKeys(ctx, map[string]string{"jwt": string(rune('a' + i)), "cookie": string(rune('A' + i))})
			if err != nil {
				t.Error(err)
			}
			got[i] = kv
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i]["jwt"] != got[0]["jwt"] || got[i]["cookie"] != got[0]["cookie"] || got[i]["jwt"] == "" {
			t.Fatalf("start %d read %v, start 0 read %v", i, got[i], got[0])
		}
	}
	// A key added later (a new version's) joins the stored ones.
	kv, err := b.SharedKeys(ctx, map[string]string{"jwt": "zzz", "new": "n"})
	if err != nil || kv["jwt"] != got[0]["jwt"] || kv["new"] != "n" {
		t.Fatalf("later start read %v, %v", kv, err)
	}
}

func TestThrottleSharedAndAtomic(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ta, tb := a.Throttle("login", 10, time.Minute, clock.Now), b.Throttle("login", 10, time.Minute, clock.Now)

	// 40 concurrent tries over both processes: exactly 10 get through.
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := ta
			if i%2 == 1 {
				th = tb
			}
			took, err := th.Take(ctx, "bob")
			if err != nil {
				t.Error(err)
			}
			if took {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 10 {
		t.Fatalf("%d tries got through, want 10", ok.Load())
	}
	if allowed, err := ta.Allowed(ctx, "bob"); allowed || err != nil {
		t.Fatalf("Allowed after the budget = %v, %v", allowed, err)
	}
	// Another scope, another key: their own budgets.
	if took, _ := a.Throttle("ip", 10, time.Minute, clock.Now).Take(ctx, "bob"); !took {
		t.Fatal("the ip scope shares the login scope's count")
	}
	if took, _ := tb.Take(ctx, "alice"); !took {
		t.Fatal("alice shares bob's count")
	}
	// A refund on B gives one try back to A.
	if err := tb.Refund(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if took, _ := ta.Take(ctx, "bob"); !took {
		t.Fatal("the refund on B did not reach A")
	}
	if took, _ := ta.Take(ctx, "bob"); took {
		t.Fatal("one refund gave more than one try")
	}
	// The window ends: a fresh budget.
	clock.Add(time.Minute)
	if allowed, _ := tb.Allowed(ctx, "bob"); !allowed {
		t.Fatal("not allowed after the window")
	}
	for i := range 10 {
		if took, err := tb.Take(ctx, "bob"); !took || err != nil {
			t.Fatalf("try %d of the new window: %v, %v", i, took, err)
		}
	}
	if took, _ := ta.Take(ctx, "bob"); took {
		t.Fatal("the new window let 11 through")
	}
	// A success resets, everywhere.
	if err := ta.Reset(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if allowed, _ := tb.Allowed(ctx, "bob"); !allowed {
		t.Fatal("the reset on A did not reach B")
	}
	// The sweep forgets ended windows only.
	clock.Add(30 * time.Second)
	if took, _ := ta.Take(ctx, "carol"); !took {
		t.Fatal("carol")
	}
	if err := a.SweepThrottles(ctx, clock.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := a.r.Raw("SELECT name FROM throttles ORDER BY name").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "login:carol" {
		t.Fatalf("after the sweep: %v", names)
	}
}

func TestAvatarBlobs(t *testing.T) {
	t.Parallel()
	a, b := twoProcesses(t)
	ctx := context.Background()
	img := []byte("\x89PNG not really")
	if err := a.PutAvatar(ctx, "0123.png", "image/png", img, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Written once: a second write of the name keeps the first bytes.
	if err := b.PutAvatar(ctx, "0123.png", "image/jpeg", []byte("other"), time.Now()); err != nil {
		t.Fatal(err)
	}
	data, mime, ok, err := b.Avatar(ctx, "0123.png")
	if err != nil || !ok || !bytes.Equal(data, img) || mime != "image/png" {
		t.Fatalf("read %q %q %v %v", data, mime, ok, err)
	}
	list, err := b.AvatarImages(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "0123.png" || time.Since(list[0].CreatedAt) > time.Hour {
		t.Fatalf("images %+v %v", list, err)
	}
	if err := b.DeleteAvatar(ctx, "0123.png"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := a.Avatar(ctx, "0123.png"); ok || err != nil {
		t.Fatalf("after delete: %v %v", ok, err)
	}
}
