// Package benchdata fills a database with many users for benchmarks.
package benchdata

import (
	"context"
	"fmt"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// Password is every seeded user's password.
const Password = "correct horse"

// Seed inserts n users user000000… in batches of 10,000: even ones are
// users, odd ones guests, one in ten private, last seen a second apart.
func Seed(ctx context.Context, db users.Store, n int) error {
	h, err := users.NewHasher(10)
	if err != nil {
		return err
	}
	hash, err := h.Hash(Password)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for start := 0; start < n; start += 10_000 {
		err := db.Update(ctx, func(tx users.Tx) error {
			for i := start; i < min(start+10_000, n); i++ {
				login := fmt.Sprintf("user%06d", i)
				u := &users.User{Login: login, Nickname: "Nick " + login, NicknameKey: "nick " + login, NicknameSkeleton: users.NicknameSkeleton("nick " + login), Type: 1 + i%2,
					Password: hash, TokenKey: users.NewTokenKey(), AvatarFile: users.BlankAvatar, FlagPublic: i%10 != 0,
					FlagParentsonly: true, LastLoginAt: now.Add(-time.Duration(i) * time.Second), CreatedAt: now}
				if err := tx.Insert(u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
