package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
)

// TestNameOwnerUsesIndexes: finding who owns a name must not read every
// user (it runs for each sign-up, rename and imported account).
func TestNameOwnerUsesIndexes(t *testing.T) {
	t.Parallel()
	testkit.OnlySQLite(t, "SQLite's query plan")
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var plan []struct {
		ID, Parent, Notused int
		Detail              string
	}
	err = s.r.Raw("EXPLAIN QUERY PLAN SELECT login FROM users WHERE "+nameOwnerWhere+" LIMIT 1", "x", "x", "x", "y").
		Scan(&plan).Error
	if err != nil || len(plan) == 0 {
		t.Fatalf("plan: %v %v", plan, err)
	}
	var details []string
	for _, p := range plan {
		details = append(details, p.Detail)
		if strings.HasPrefix(p.Detail, "SCAN users") {
			t.Errorf("NameOwner reads the whole users table")
		}
	}
	if !strings.Contains(strings.Join(details, "\n"), "idx_users_nickname_skeleton") {
		t.Errorf("NameOwner does not use the skeleton index:\n%s", strings.Join(details, "\n"))
	}
}
