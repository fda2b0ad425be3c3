package frequency

import (
	"slices"
	"testing"

	upstream "github.com/trustelem/zxcvbn/frequency"
)

// The embedded lists are upstream's, word for word and in rank order (run
// `go generate ./internal/zxcvbn/frequency` after updating the module).
func TestSameAsUpstream(t *testing.T) {
	got := Lists()
	if len(got) != len(upstream.FrequencyLists) {
		t.Fatalf("%d lists, upstream %d", len(got), len(upstream.FrequencyLists))
	}
	for name, want := range upstream.FrequencyLists {
		if !slices.Equal(got[name], want) {
			t.Errorf("list %s differs from upstream (%d words, upstream %d)", name, len(got[name]), len(want))
		}
	}
}
