package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/users"
)

// TestFrenchPanelInBrowser: an operator who chose French sees the panel in
// French, and those pages still fit a phone and pass axe (lang="fr" and the
// longer French words included). Screenshots: *-fr.png.
func TestFrenchPanelInBrowser(t *testing.T) {
	s := newSite(t)
	browser := chrome(t)
	base := s.srv.URL
	pc := pageChecker{t: t, axe: axeSource(t)}

	op := tab(t, browser)
	do(t, op, chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "olga"), chromedp.SendKeys(css("#password"), pw),
		chromedp.SendKeys(css("#security_code"), s.code()), chromedp.Submit(css("[data-testid=setup-form]")))
	waitFor(t, op, `location.pathname === "/users"`)
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, name string }{
		{"/account", "account-fr"}, {"/users/olga/edit", "edit-fr"}, {"/users/olga", "profile-fr"}, {"/settings", "settings-fr"},
	} {
		pc.visit(op, base, p.path, p.name)
		if lang := get(t, op, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "fr" {
			t.Errorf("%s: lang %q", p.path, lang)
		}
		shot(t, op, p.name)
	}
	do(t, op, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("#nickname")))
	shot(t, op, "account-fr-phone")
}
