package store

import (
	"context"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// BenchmarkSessionUser is the gate's read: from the cache, on the prepared
// statement (a miss), and through GORM as before issue 16.
func BenchmarkSessionUser(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/k.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("ann", "Ann")) }); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	if err := s.InsertSession(ctx, &users.Session{ID: "s1", Login: "ann", Kind: users.KindToken, CreatedAt: now,
		LastUsedAt: now, ExpiresAt: now.Add(time.Hour), IdleFor: 3600}); err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SessionUser(ctx, "s1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prepared", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.readSessionUser(ctx, "s1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gorm", func(b *testing.B) {
		for b.Loop() {
			var ss users.Session
			var u users.User
			dst := append([]any{&ss.ID, &ss.Login, &ss.Kind, &ss.CreatedAt, &ss.LastUsedAt, &ss.ExpiresAt, &ss.Deadline,
				&ss.IdleFor, &ss.ClientIP, &ss.UserAgent}, userTargets(&u)...)
			rows, err := s.r.WithContext(ctx).Raw(sessionUserSQL, "s1").Rows()
			if err != nil || !rows.Next() {
				b.Fatal(err)
			}
			if err := rows.Scan(dst...); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
	})
}
