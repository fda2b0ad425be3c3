package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// BenchmarkConcurrentEdits: 16 goroutines edit the bio of random users
// among 1,000 (read, save the changed column, as editUser does, then its
// audit row), each write its own transaction ("alone", as before group
// commit) or through the store's write path ("grouped", SQLite's group
// commit; PostgreSQL's advisory lock).
//
//	go test -run '^$' -bench ConcurrentEdits -benchmem ./internal/store/
func BenchmarkConcurrentEdits(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const n = 1000
	err = s.Update(ctx, func(tx users.Tx) error {
		for i := range n {
			l := fmt.Sprintf("user%04d", i)
			if err := tx.Insert(newUser(l, "Nick "+l)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	edit := func(write func(context.Context, func(*gorm.DB) error) error) error {
		login := fmt.Sprintf("user%04d", rand.N(n))
		bio := fmt.Sprint("bio ", rand.N(1_000_000))
		err := write(ctx, func(db *gorm.DB) error {
			tx := userTx{db: db, read: map[string]users.User{}}
			u, err := tx.UserByLogin(login)
			if err != nil {
				return err
			}
			u.Bio = &bio
			return tx.Save(u)
		})
		if err != nil {
			return err
		}
		return write(ctx, func(db *gorm.DB) error {
			return db.Create(&users.AuditEvent{At: time.Now().UTC(), Kind: "edited", Actor: "op", Target: login}).Error
		})
	}
	for _, c := range []struct {
		name  string
		write func(context.Context, func(*gorm.DB) error) error
	}{
		{"alone", func(ctx context.Context, fn func(*gorm.DB) error) error { return s.w.WithContext(ctx).Transaction(fn) }},
		{"grouped", s.write},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(8) // 16 goroutines on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := edit(c.write); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
