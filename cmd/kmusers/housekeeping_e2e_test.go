package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/users"
)

// The avatar sweep left the path to the first answer (issue 16): it runs
// once the server listens, and still does its work.
func TestAvatarSweepRunsOnceListening(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(data, "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	ghost := "0123456789abcdef0123456789abcdef.jpg" // eve points at it; the file is gone
	now := time.Now()
	err = db.Update(ctx, func(tx users.Tx) error {
		return tx.Insert(&users.User{Login: "eve", Nickname: "eve", NicknameKey: "eve", Type: users.TypeUser,
			TokenKey: "k", AvatarFile: ghost, LastLoginAt: now, CreatedAt: now})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	avDir := filepath.Join(data, "avatars")
	orphan := filepath.Join(avDir, "fedcba9876543210fedcba9876543210.png") // left by a crash, long ago
	if err := os.MkdirAll(avDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := now.Add(-2 * time.Hour)
	if err := os.Chtimes(orphan, long, long); err != nil {
		t.Fatal(err)
	}

	p := start(t, data, "--log-level", "debug")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.logText(), "avatars swept") {
		if time.Now().After(deadline) {
			t.Fatalf("no sweep after listening:\n%s", p.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	log := p.logText()
	if strings.Index(log, "listening") > strings.Index(log, "avatars swept") {
		t.Errorf("the sweep ran before listening:\n%s", log)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan avatar file kept: %v", err)
	}
	p.stop(t)
	db, err = store.Open(ctx, filepath.Join(data, "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if eve, err := db.UserByLogin(ctx, "eve"); err != nil || eve.AvatarFile != users.BlankAvatar {
		t.Errorf("missing avatar not reset: %+v %v", eve, err)
	}
}
