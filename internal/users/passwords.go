package users

import (
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"
)

// Hasher hashes and checks passwords with bcrypt. Cost is at least 10.
type Hasher struct {
	cost     int
	dummy    func() []byte
	compares atomic.Int64
}

// dummyHash is a bcrypt hash at the default cost of a password nobody types,
// fixed so that a start does not spend a hash on it (issue 16: cold start).
const dummyHash = "$2a$10$Df3/DimlgAQCbIQ5L98R/eN90uohDf.UQAtrdsURIxKHvJYQeN58m"

// NewHasher makes a hasher; the dummy hash lets a compare for an unknown
// login take as long as one for a real account. At another cost than the
// default it is made in the background and the first compare that needs it
// waits for it.
func NewHasher(cost int) (*Hasher, error) {
	if cost < bcrypt.DefaultCost {
		cost = bcrypt.DefaultCost
	}
	if cost > bcrypt.MaxCost {
		return nil, bcrypt.InvalidCostError(cost)
	}
	h := &Hasher{cost: cost}
	if cost == bcrypt.DefaultCost {
		h.dummy = func() []byte { return []byte(dummyHash) }
		return h, nil
	}
	h.dummy = sync.OnceValue(func() []byte {
		b, err := bcrypt.GenerateFromPassword([]byte("kmusers dummy password"), cost)
		if err != nil { // cannot happen: the cost was checked
			return []byte(dummyHash)
		}
		return b
	})
	go h.dummy()
	return h, nil
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
		_ = bcrypt.CompareHashAndPassword(h.dummy(), []byte(pw[:min(len(pw), MaxPasswordLen)]))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// Compares counts the bcrypt compares made so far: a throttled try must
// not cost one (tests read it; it is cheap enough to keep).
func (h *Hasher) Compares() int64 { return h.compares.Load() }
