package users_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/users"
)

// TestLoginStormBoundedByBcryptSlots: with one bcrypt slot, 10 logins at
// once each either succeed or are refused as busy (never counted as a
// failure), and only the logins that ran cost a compare. Ten, the
// account's budget of tries: each login holds a try until it is answered,
// so an eleventh at once is rightly refused as too many.
func TestLoginStormBoundedByBcryptSlots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logBuf bytes.Buffer
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"),
		Log: slog.New(slog.NewTextHandler(&logBuf, nil)), LoginSlots: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Create(ctx, users.System(), users.NewAccount{Login: "bob", Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	before := svc.PasswordCompares()
	const storm = 10 // one running, 8 queued, the rest busy
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, busy := 0, 0
	for range storm {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Login(ctx, "192.0.2.7", "bob", "a long password", nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, users.ErrBusy):
				busy++
			default:
				t.Errorf("login: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok+busy != storm || ok == 0 {
		t.Fatalf("%d ok, %d busy of %d", ok, busy, storm)
	}
	if got := svc.PasswordCompares() - before; got != int64(ok) {
		t.Fatalf("%d compares for %d logins that ran", got, ok)
	}
}
