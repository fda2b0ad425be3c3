package confusable

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

// TestSameAsUpstream: every character, and strings mixing characters with
// prototypes, decomposable letters and combining marks, have upstream's
// skeleton (a stale or wrong table.go fails here).
func TestSameAsUpstream(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if s := string(r); Skeleton(s) != confusables.Skeleton(s) {
			t.Fatalf("%U: %+q, upstream %+q", r, Skeleton(s), confusables.Skeleton(s))
		}
	}
	pool := []rune("aAmrnlI1|0Oоаеρκ𝐀ｍé\u0301\u0308\u0323ǅǄﬁ\u05ad\u0619ÅẠ한글\u3000 ")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]rune, 1+rng.IntN(8))
		for i := range b {
			b[i] = pool[rng.IntN(len(pool))]
		}
		if s := string(b); Skeleton(s) != confusables.Skeleton(s) {
			t.Fatalf("%+q: %+q, upstream %+q", s, Skeleton(s), confusables.Skeleton(s))
		}
	}
}

func TestLookalikesShareASkeleton(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"paypal", "раураl"}, {"modern", "rnodern"}, {"Admin", "Αdmin"}} {
		if Skeleton(pair[0]) != Skeleton(pair[1]) {
			t.Errorf("%q and %q: %q, %q", pair[0], pair[1], Skeleton(pair[0]), Skeleton(pair[1]))
		}
	}
	if Skeleton("alice") == Skeleton("bob") {
		t.Error("different names share a skeleton")
	}
}
