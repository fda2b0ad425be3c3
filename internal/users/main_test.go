package users_test

import (
	"testing"

	"github.com/kmusers/kmusers/internal/store/storetest"
)

// TestMain runs every test of the package on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) { storetest.Main(m) }
