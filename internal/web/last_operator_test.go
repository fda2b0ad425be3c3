package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// The domain lets an operator demote or delete every operator but admin
// (the API contract allows it), and admin cannot log in with a password:
// every panel page that would do it warns, and says how to get an
// operator back.
func TestWarnsBeforeLeavingNoOperatorAbleToLogIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator() // olga, the only operator besides admin
	s.create(t, "bob", "Bob", "user")
	warned := func(p page) bool {
		t.Helper()
		w := p.doc.Find("[data-testid=no-operator-left]")
		if w.Length() == 0 {
			return false
		}
		if txt := w.Text(); !strings.Contains(txt, "security code") || !strings.Contains(txt, "/login") {
			t.Fatalf("the warning does not say how to get an operator back: %q", txt)
		}
		return true
	}
	bulk := func(action string, logins ...string) page {
		t.Helper()
		p := op.post("/users/bulk", url.Values{"action": {action}, "login": logins})
		if p.doc.Find("[data-testid=bulk-plan]").Length() != 1 {
			t.Fatalf("%s %v: no confirmation page: %d", action, logins, p.status)
		}
		return p
	}
	for _, c := range []struct {
		action string
		logins []string
		warn   bool
	}{
		{"delete", []string{"olga"}, true},
		{"type_user", []string{"bob", "olga"}, true},
		{"type_guest", []string{"olga"}, true},
		{"delete", []string{"bob"}, false},
		{"delete", []string{"admin", "bob"}, false}, // admin is refused, and never counted
		{"private", []string{"olga"}, false},
		{"type_operator", []string{"olga", "bob"}, false},
	} {
		if got := warned(bulk(c.action, c.logins...)); got != c.warn {
			t.Errorf("bulk %s %v: warned %v, want %v", c.action, c.logins, got, c.warn)
		}
	}
	if !warned(op.get("/users/olga/delete", false)) || !warned(op.get("/account/delete", false)) {
		t.Fatal("deleting the last operator is not warned")
	}
	if warned(op.get("/users/bob/delete", false)) {
		t.Fatal("deleting a user warned")
	}
	edit := op.get("/users/olga/edit", false)
	if !warned(edit) || !strings.Contains(edit.doc.Find("#type").AttrOr("aria-describedby", ""), "no-operator-left") {
		t.Fatal("the last operator's role is not warned on the edit page")
	}
	if warned(op.get("/users/bob/edit", false)) {
		t.Fatal("a user's edit page warned")
	}

	// A second operator: olga alone is no longer the last; both are.
	s.create(t, "oscar", "Oscar", "admin")
	if warned(bulk("delete", "olga")) || warned(op.get("/users/oscar/delete", false)) || warned(op.get("/users/olga/edit", false)) {
		t.Fatal("warned with another operator left")
	}
	if !warned(bulk("type_user", "olga", "oscar")) {
		t.Fatal("demoting both operators is not warned")
	}

	// Translated.
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	fr := op.post("/users/bulk", url.Values{"action": {"delete"}, "login": {"olga", "oscar"}}).doc.Find("[data-testid=no-operator-left]").Text()
	if !strings.Contains(fr, "aucun opérateur") || !strings.Contains(fr, "code de sécurité") {
		t.Fatalf("French warning %q", fr)
	}
	// Only a warning: the action is still the operator's to take.
	op.post("/users/bulk/apply", url.Values{"action": {"type_user"}, "login": {"oscar"}})
	if u, err := s.svc.UserByLogin(context.Background(), "oscar"); err != nil || u.Type != users.TypeUser {
		t.Fatalf("oscar not demoted: %+v %v", u, err)
	}
}
