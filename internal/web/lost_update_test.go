package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/users"
)

// formValues reads every named input, select and textarea of a form.
func formValues(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	doc.Find(sel + " input[name], " + sel + " textarea[name], " + sel + " select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Set(name, s.Text())
		case goquery.NodeName(s) == "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Set(name, val)
		default:
			typ, _ := s.Attr("type")
			val, _ := s.Attr("value")
			if typ == "checkbox" {
				if _, on := s.Attr("checked"); on {
					v.Set(name, "on")
				}
				return
			}
			if typ != "file" && typ != "password" {
				v.Set(name, val)
			}
		}
	})
	return v
}

// TestStaleEditFormChangesNothing: two operators open bob's edit form; one
// demotes him, the other saves the old form with a bio fix: "changed
// meanwhile", both values shown, nothing written.
func TestStaleEditFormChangesNothing(t *testing.T) {
	s := newSite(t)
	op1 := s.operator()
	s.member("bob")
	if _, err := s.svc.Edit(context.Background(), "bob", users.Patch{Type: users.Some(users.TypeOperator)}); err != nil {
		t.Fatal(err)
	}
	op2 := s.login("olga")
	f1 := formValues(op1.get("/users/bob/edit", false).doc, "[data-testid=profile-form]")
	f2 := formValues(op2.get("/users/bob/edit", false).doc, "[data-testid=profile-form]")
	if f1.Get("version") == "" {
		t.Fatal("the edit form carries no version")
	}
	f2.Set("type", "1")
	if p := op2.post("/users/bob/edit", f2); p.status != http.StatusSeeOther {
		t.Fatalf("demotion: %d", p.status)
	}
	f1.Set("bio", "fixed typo")
	p := op1.post("/users/bob/edit", f1)
	if p.status != http.StatusConflict {
		t.Fatalf("stale save: %d, want 409", p.status)
	}
	row := p.doc.Find(`[data-testid=conflict] tr[data-field=type]`)
	if row.Find(`[data-testid=yours]`).Text() != "0" || row.Find(`[data-testid=now]`).Text() != "1" {
		t.Fatalf("both values not shown side by side: %q", p.doc.Find(`[data-testid=conflict]`).Text())
	}
	bob, _ := s.svc.UserByLogin(context.Background(), "bob")
	if bob.Type != users.TypeUser || bob.Bio != nil {
		t.Fatalf("stale save wrote: type %d bio %v", bob.Type, bob.Bio)
	}
	// Saving the refreshed form again is deliberate and goes through.
	again := formValues(p.doc, "[data-testid=profile-form]")
	if p := op1.post("/users/bob/edit", again); p.status != http.StatusSeeOther {
		t.Fatalf("second save: %d", p.status)
	}
}

// TestSaveWritesOnlyChangedFields: editing only the bio leaves the
// statistics question "not asked" (null), as the form did not change it.
func TestSaveWritesOnlyChangedFields(t *testing.T) {
	s := newSite(t)
	s.operator()
	bob := s.member("bob")
	f := formValues(bob.get("/account", false).doc, "[data-testid=profile-form]")
	f.Set("bio", "hello")
	if p := bob.post("/account", f); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", p.status, p.doc.Find(".error").Text())
	}
	u, _ := s.svc.UserByLogin(context.Background(), "bob")
	if u.Bio == nil || *u.Bio != "hello" || u.FlagSendstats != nil {
		t.Fatalf("bio %v, flag_sendstats %v (want null: not asked)", u.Bio, u.FlagSendstats)
	}
}
