// Package storetest runs a test package on every backend: SQLite, then
// PostgreSQL (testkit.RunBackends, with the store's migrations for the
// PostgreSQL template). Its tests open their stores on testkit.DB(t).
package storetest

import (
	"context"
	"os"
	"testing"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
)

// Main is a TestMain that runs the package's tests on both backends.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the package's tests on both backends and returns the exit code,
// for a TestMain with more to do.
func Run(m *testing.M) int { return testkit.RunBackends(m, Migrate) }

// Migrate migrates the empty database dsn.
func Migrate(dsn string) error {
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	return s.Close()
}

// Open opens a fresh store for t on the current backend, closed when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
