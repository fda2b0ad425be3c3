package users_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// BenchmarkLoginLimiters is one successful API login on PostgreSQL with the
// limiters in memory (one process) and in the database (N processes): the
// bcrypt compare is most of it either way.
func BenchmarkLoginLimiters(b *testing.B) {
	for _, shared := range []bool{false, true} {
		name := map[bool]string{false: "memory", true: "shared"}[shared]
		b.Run(name, func(b *testing.B) {
			db, err := store.Open(context.Background(), testkit.DBOn(b, testkit.Postgres))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			o := users.Options{Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"), Log: log, BcryptCost: 10}
			if shared {
				o.Limiters = func(scope string, max int, window time.Duration) users.Limiter {
					return users.SharedLimiter(db.Throttle(scope, max, window, time.Now), log)
				}
			}
			svc, err := users.New(context.Background(), o)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "ben", Password: "correct horse battery"}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := svc.Login(ctx, "10.0.0.1", "ben", "correct horse battery", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
