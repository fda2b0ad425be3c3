package secrets_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/kmusers/kmusers/internal/secrets"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
)

// TestMain runs the tests on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) {
	os.Exit(testkit.RunBackends(m, func(dsn string) error {
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			s.Close()
		}
		return err
	}))
}

func TestSharedKeysAreTheFirstProcesss(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	var keys []*secrets.Secrets
	for range 2 { // two processes on one database
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s, err := secrets.Shared(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, s)
	}
	a, b := keys[0], keys[1]
	if len(a.JWT) != 64 || len(a.CookieHash) != 64 || len(a.CookieBlock) != 32 {
		t.Fatalf("key sizes %d %d %d", len(a.JWT), len(a.CookieHash), len(a.CookieBlock))
	}
	if !bytes.Equal(a.JWT, b.JWT) || !bytes.Equal(a.CookieHash, b.CookieHash) || !bytes.Equal(a.CookieBlock, b.CookieBlock) {
		t.Fatal("the second process got other keys")
	}
	if bytes.Equal(a.JWT, a.CookieHash[:64]) {
		t.Fatal("one key reused for two purposes")
	}
}

func TestFileKeysPersist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := secrets.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := secrets.Load(dir)
	if err != nil || !bytes.Equal(a.JWT, b.JWT) || !bytes.Equal(a.CookieBlock, b.CookieBlock) {
		t.Fatalf("second load: %v", err)
	}
}
