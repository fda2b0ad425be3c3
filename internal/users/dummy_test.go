package users

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashCostsAsMuchAsARealOne: the compare made for an unknown login
// runs at the hasher's cost, whether its dummy hash is the fixed one or one
// made at start.
func TestDummyHashCostsAsMuchAsARealOne(t *testing.T) {
	t.Parallel()
	for _, cost := range []int{bcrypt.DefaultCost, bcrypt.DefaultCost + 1} {
		h, err := NewHasher(cost)
		if err != nil {
			t.Fatal(err)
		}
		got, err := bcrypt.Cost(h.dummy())
		if err != nil || got != cost {
			t.Fatalf("dummy hash at cost %d (%v), want %d", got, err, cost)
		}
		if bcrypt.CompareHashAndPassword(h.dummy(), []byte("kmusers dummy password")) != nil {
			t.Fatal("the dummy hash is not a bcrypt hash of its password")
		}
	}
}
