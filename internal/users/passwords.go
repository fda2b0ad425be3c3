package users

import (
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"
)

// Hasher hashes and checks passwords with bcrypt. Cost is at least 10.
type Hasher struct {
	cost     int
	dummy    []byte
	compares atomic.Int64
}

// NewHasher makes a hasher; the dummy hash lets a compare for an unknown
// login take as long as one for a real account.
func NewHasher(cost int) (*Hasher, error) {
	if cost < bcrypt.DefaultCost {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("kmusers dummy password"), cost)
	if err != nil {
		return nil, err
	}
	return &Hasher{cost: cost, dummy: dummy}, nil
}

// Hash returns the bcrypt hash of a validated password.
func (h *Hasher) Hash(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), h.cost)
	return string(b), err
}

// Check compares pw with hash; an empty hash still costs one compare.
func (h *Hasher) Check(hash, pw string) bool {
	h.compares.Add(1)
	if hash == "" || len(pw) > MaxPasswordLen {
		_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(pw[:min(len(pw), MaxPasswordLen)]))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// Compares counts the bcrypt compares made so far: a throttled try must
// not cost one (tests read it; it is cheap enough to keep).
func (h *Hasher) Compares() int64 { return h.compares.Load() }
