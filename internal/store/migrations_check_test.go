package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
)

// A start on a current schema reads the applied versions and runs no step
// (issue 16): it opens even while another connection holds what a
// migration waits for, the write lock on SQLite, the migration lock on
// PostgreSQL.
func TestCurrentSchemaOpensWithoutMigrating(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testkit.DB(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := s.w.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	defer s.Close()
	hold := "BEGIN IMMEDIATE"
	if s.isPostgres() {
		hold = "SELECT pg_advisory_lock(" + sqlInt(pgMigrationLock) + ")"
	}
	if _, err := conn.ExecContext(ctx, hold); err != nil {
		t.Fatal(err)
	}
	// A migration step would wait: SQLite for its busy timeout (5 s) and
	// then fail, PostgreSQL until this deadline.
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	again, err := Open(octx, path)
	if err != nil {
		t.Fatalf("a start on a current schema waited for the migration locks: %v", err)
	}
	again.Close()
}

// A schema missing a step still gets it: here migration 250's index.
func TestStaleSchemaStillMigrates(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	s := openAt(t, path)
	if err := s.w.Exec("DROP INDEX idx_users_temporary").Error; err != nil {
		t.Fatal(err)
	}
	if err := s.w.Exec("DELETE FROM schema_migrations WHERE version = 250").Error; err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openAt(t, path)
	defer s.Close()
	var n int64
	if err := s.r.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = 250").Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("version 250 recorded %d times, %v", n, err)
	}
	if !s.w.Migrator().HasIndex("users", "idx_users_temporary") {
		t.Fatal("migration 250 not applied again")
	}
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sqlInt(n int64) string { return strconv.FormatInt(n, 10) }
