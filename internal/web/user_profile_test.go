package web_test

import (
	"net/http"
	"testing"
)

// A login with @ may come percent-encoded in the path: it names the same
// profile.
func TestProfilePathWithEncodedAt(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	for _, path := range []string{"/users/olga", "/users/%6Flga", "/users/olga/edit", "/users/%6Flga/edit"} {
		if p := op.get(path, false); p.status != http.StatusOK {
			t.Errorf("%s: %d", path, p.status)
		}
	}
}
