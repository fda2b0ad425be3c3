package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/users"
)

// TestAuditTrail: role changes, operators' edits (with the fields), CSRF
// and authorization refusals land in the log and on /audit, which filters
// by user and kind, pages, and is for operators only.
func TestAuditTrail(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	s.member("bob")
	f := formValues(op.get("/users/bob/edit", false).doc, "[data-testid=profile-form]")
	f.Set("type", "0")
	f.Set("bio", "new bio")
	if p := op.post("/users/bob/edit", f); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", p.status)
	}
	f = formValues(op.get("/users/bob/edit", false).doc, "[data-testid=profile-form]")
	f.Set("type", "1")
	op.post("/users/bob/edit", f)
	bob := s.login("bob") // the demotion ended the sign-up session
	bob.post("/account", url.Values{"_csrf": {"forged"}, "bio": {"x"}})
	bob.get("/settings", false)

	if !strings.Contains(s.log.String(), "kind=role_changed actor=olga target=bob") {
		t.Fatalf("no structured audit line for the role change:\n%s", s.log.String())
	}
	p := op.get("/audit", false)
	kinds := map[string]string{}
	p.doc.Find(`[data-testid=audit-row]`).Each(func(_ int, r *goquery.Selection) {
		k, _ := r.Attr("data-kind")
		kinds[k] += r.Text() + "|"
	})
	for _, k := range []string{users.AuditRoleChanged, users.AuditEdited, users.AuditCSRF, users.AuditForbidden} {
		if kinds[k] == "" {
			t.Errorf("no %s row on /audit: %v", k, kinds)
		}
	}
	if !strings.Contains(kinds[users.AuditEdited], "bio") || !strings.Contains(kinds[users.AuditEdited], "type") {
		t.Errorf("the edit row does not name the fields: %q", kinds[users.AuditEdited])
	}
	// Filter by user and kind.
	p = op.get("/audit?user=bob&kind=role_changed", false)
	rows := p.doc.Find(`[data-testid=audit-row]`)
	if rows.Length() != 2 || rows.Filter(`[data-kind=role_changed]`).Length() != 2 {
		t.Fatalf("filtered: %d rows", rows.Length())
	}
	// Operators only.
	if p := bob.get("/audit", false); p.status != http.StatusForbidden {
		t.Fatalf("a user opened /audit: %d", p.status)
	}
	// Paged: 60 more refusals make a second page.
	for i := range 60 {
		s.svc.Refused(context.Background(), users.AuditForbidden, "test "+strconv.Itoa(i))
	}
	p = op.get("/audit?kind=forbidden", false)
	if p.doc.Find(`[data-testid=audit-row]`).Length() != 50 || p.doc.Find(`[data-testid=pagination] a[rel=next]`).Length() != 1 {
		t.Fatal("first page of 50 with a next link expected")
	}
	if n := op.get("/audit?kind=forbidden&page=2", false).doc.Find(`[data-testid=audit-row]`).Length(); n < 11 {
		t.Fatalf("second page: %d rows", n)
	}
	// Kept 90 days.
	s.clock.Add(91 * 24 * time.Hour)
	if err := s.svc.SweepAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := op.get("/audit", false).doc.Find(`[data-testid=audit-row]`).Length(); n > 2 {
		t.Fatalf("%d rows survive the retention", n)
	}
}
