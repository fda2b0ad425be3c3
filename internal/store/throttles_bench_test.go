package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

// BenchmarkThrottleLogin is what the shared limiters add to one successful
// login: a take of the address's and of the account's budget, then the
// address's try given back and the account's count reset (4 statements).
func BenchmarkThrottleLogin(b *testing.B) {
	s, err := Open(context.Background(), testkit.DB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ip := s.Throttle("ip", 30, 10*time.Minute, time.Now)
	login := s.Throttle("login", 10, 10*time.Minute, time.Now)
	i := 0
	for b.Loop() {
		i++
		who := fmt.Sprintf("user%06d", i%1000)
		if ok, err := ip.Take(ctx, "10.0.0.1"); !ok || err != nil {
			b.Fatal(ok, err)
		}
		if ok, err := login.Take(ctx, who); !ok || err != nil {
			b.Fatal(ok, err)
		}
		if err := ip.Refund(ctx, "10.0.0.1"); err != nil {
			b.Fatal(err)
		}
		if err := login.Reset(ctx, who); err != nil {
			b.Fatal(err)
		}
	}
}
