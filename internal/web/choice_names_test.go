package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/users"
)

// The country and language choices speak the page's language and sort in
// its order; a profile names its codes the same way.
func TestChoicesNameCountriesAndLanguagesInThePagesLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Location: users.Some("DE"), MainSeriesLang: users.Some("ger")}); err != nil {
		t.Fatal(err)
	}
	option := func(p page, sel, code string) string {
		return p.doc.Find(sel + ` option[value="` + code + `"]`).Text()
	}
	en := op.get("/account", false)
	if option(en, "#location", "DE") != "Germany" || option(en, "#main_series_lang", "ger") != "German" {
		t.Fatalf("English names: %q %q", option(en, "#location", "DE"), option(en, "#main_series_lang", "ger"))
	}
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	fr := op.get("/account", false)
	if got := option(fr, "#location", "DE"); got != "Allemagne" {
		t.Fatalf("French country name %q", got)
	}
	for _, sel := range []string{"#main_series_lang", "#fallback_series_lang"} {
		if got := option(fr, sel, "ger"); got != "allemand" {
			t.Fatalf("French language name in %s: %q", sel, got)
		}
	}
	if fr.doc.Find(`#location option[value="DE"][selected]`).Length() != 1 {
		t.Fatal("the saved country is not the selected one")
	}
	// French order: É sorts with E, not after Z.
	index := map[string]int{}
	fr.doc.Find("#location option").Each(func(i int, o *goquery.Selection) { index[o.Text()] = i })
	order := []string{"Afghanistan", "Allemagne", "Égypte", "Équateur", "Espagne", "États-Unis", "Fidji", "Zimbabwe"}
	for i := 1; i < len(order); i++ {
		if index[order[i-1]] == 0 || index[order[i-1]] >= index[order[i]] {
			t.Fatalf("French countries out of order at %q, %q: %v", order[i-1], order[i], index)
		}
	}
	if n := fr.doc.Find("#location option").Length(); n != 250 {
		t.Fatalf("%d country choices, want 249 and 'not said'", n)
	}
	profile := visibleText(op.get("/users/olga", false))
	for _, want := range []string{"Allemagne", "allemand"} {
		if !strings.Contains(profile, want) {
			t.Fatalf("French profile does not say %q: %.400s", want, profile)
		}
	}
}
