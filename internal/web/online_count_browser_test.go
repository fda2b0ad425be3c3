package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/users"
)

// TestOnlineCountFollowsLoginsInBrowser: the header's "N online" of an
// operator's page changes without a reload when someone logs in and when
// someone is deleted, through the page's event stream, in the page's
// language.
func TestOnlineCountFollowsLoginsInBrowser(t *testing.T) {
	s := newSite(t)
	s.operator()
	for _, login := range []string{"bob", "carl"} {
		if err := s.svc.Create(context.Background(), users.System(), users.NewAccount{Login: login, Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	browser := chrome(t)
	base := s.srv.URL
	ctx := tab(t, browser)
	do(t, ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
		chromedp.SendKeys(css("#username"), "olga"), chromedp.SendKeys(css("#password"), pw),
		chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")),
		chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("[data-testid=online-now]")))
	waitFor(t, ctx, `document.querySelector("[data-testid=online-now]").textContent.trim() === "1 online"`)
	// A mark that a reload would wipe.
	get(t, ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))

	logIn := func(login string) {
		t.Helper()
		b := s.browser()
		if p := b.post("/login", url.Values{"username": {login}, "password": {pw}}); p.status != http.StatusSeeOther {
			t.Fatalf("%s logs in: %d", login, p.status)
		}
	}
	logIn("bob")
	waitFor(t, ctx, `window.notReloaded && document.querySelector("[data-testid=online-now]").textContent.trim() === "2 online"`)
	axeClean(t, ctx, "account with a live count")
	if _, err := s.svc.Delete(context.Background(), "bob"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.notReloaded && document.querySelector("[data-testid=online-now]").textContent.trim() === "1 online"`)

	// In French, on the list, which shares the page's one stream.
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/users"), chromedp.WaitVisible(css("[data-testid=user-row]")))
	waitFor(t, ctx, `document.querySelector("[data-testid=online-now]").textContent.trim() === "1 en ligne"`)
	get(t, ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))
	logIn("carl")
	waitFor(t, ctx, `window.notReloaded && document.querySelector("[data-testid=online-now]").textContent.trim() === "2 en ligne" && !!document.querySelector("[data-login=carl]")`)
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("[sse-connect]").length`)); n != 1 {
		t.Fatalf("%d event streams on the list page", n)
	}
}
