package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kmusers/kmusers/internal/animelist/animetest"
	"github.com/kmusers/kmusers/internal/users"
)

// TestMyAnimeSongsInBrowser: a user refreshes their list from /account,
// then searches "My anime songs" as they type; htmx swaps the table and the
// URL follows.
func TestMyAnimeSongsInBrowser(t *testing.T) {
	s, fake := newAnimeSite(t)
	browser := chrome(t)
	base := s.srv.URL
	for _, a := range []users.NewAccount{{Login: "olga", Password: pw, Role: "admin"}, {Login: "rei", Password: pw}} {
		if err := s.svc.Create(context.Background(), users.System(), a); err != nil { // an operator: no /setup
			t.Fatal(err)
		}
	}
	fake.Set("rei", animetest.Entry{ID: 30, Status: animetest.Completed}, animetest.Entry{ID: 530, Status: animetest.Completed},
		animetest.Entry{ID: 527, Status: animetest.Watching})
	if _, err := s.svc.Edit(context.Background(), "rei", users.Patch{AnimeListToFetch: users.Some("anilist"),
		SocialNetworks: users.Some(users.SocialNetworks{Anilist: "rei"})}); err != nil {
		t.Fatal(err)
	}
	rei := tab(t, browser)
	do(t, rei, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
		chromedp.SendKeys(css("#username"), "rei"), chromedp.SendKeys(css("#password"), pw),
		chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")))
	do(t, rei, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("[data-testid=anime-list-card]")),
		chromedp.Click(css(`[data-testid=anime-list-card] button`)))
	waitFor(t, rei, `(document.querySelector("[data-testid=flash]")||{textContent:""}).textContent.includes("up to date: 3 anime")`)
	do(t, rei, chromedp.Click(css(`[data-testid=anime-list-card] a.button`)), chromedp.WaitVisible(css("[data-testid=anime-search]")))
	waitFor(t, rei, `document.querySelectorAll("[data-testid=anime-song-row]").length === 10`)
	shot(t, rei, "anime")
	do(t, rei, chromedp.SendKeys(css("[data-testid=anime-search]"), "sailor"))
	waitFor(t, rei, `document.querySelectorAll("[data-testid=anime-song-row]").length === 3`)
	if loc := get(t, rei, chromedp.Location()); !strings.Contains(loc, "q=sailor") {
		t.Fatalf("search not in the URL: %s", loc)
	}
	do(t, rei, chromedp.SetValue(css("#order"), "title"), chromedp.Submit(css("#anime-filters")))
	waitFor(t, rei, `location.search.includes("order=title") && document.querySelector("[data-testid=anime-song-row] td:nth-child(3)").textContent === "Moonlight Legend"`)
}
