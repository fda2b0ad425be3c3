package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// englishWords are words that French text does not hold; one left on a
// French page is a string that was not translated.
var englishWords = regexp.MustCompile(`(?i)\b(the|your|you|and|with|this|is|are|to|of|my|log|save|delete|password|settings|users?)\b`)

// visibleText is what a page says, without the choices of its selects
// (language families that CLDR does not name keep their English names:
// TestChoicesNameCountriesAndLanguagesInThePagesLanguage) and its scripts.
func visibleText(p page) string {
	d := p.doc.Clone()
	d.Find("select, script, style, code, [data-testid=flash]").Remove()
	return strings.Join(strings.Fields(d.Find("body").Text()), " ")
}

// TestFrenchPagesHaveNoEnglishLeft walks the panel as a French operator and
// as a French visitor: every page is in French, <html lang="fr">.
func TestFrenchPagesHaveNoEnglishLeft(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	check := func(b *browser, path string, accept string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		p := b.do(req)
		if p.status >= 300 && p.status < 400 {
			t.Errorf("%s: %d to %s", path, p.status, p.header.Get("Location"))
			return
		}
		if lang, _ := p.doc.Find("html").Attr("lang"); lang != "fr" {
			t.Errorf("%s: lang %q", path, lang)
		}
		text := visibleText(p)
		// Names the page shows (logins, nicknames, the brand) are not words.
		for _, name := range []string{"kmusers", "olga", "Olga", "admin", "Administrator"} {
			text = strings.ReplaceAll(text, name, "")
		}
		if m := englishWords.FindAllString(text, 5); len(m) > 0 {
			t.Errorf("%s: English left (%v) in: %.400s", path, m, text)
		}
	}
	for _, path := range []string{"/users", "/users?q=zzz", "/users/olga", "/users/new", "/users/olga/edit", "/settings", "/audit",
		"/account", "/account/anime", "/account/delete", "/login", "/logout", "/users/nobody"} {
		check(op, path, "en-US")
	}
	for _, path := range []string{"/login", "/signup", "/reset-password", "/reset/unknown"} {
		check(s.browser(), path, "fr-FR,fr;q=0.9")
	}
	// The bulk confirmation too.
	if p := op.post("/users/bulk", map[string][]string{"action": {"private"}, "login": {"olga"}}); p.status != http.StatusOK {
		t.Fatalf("bulk review: %d", p.status)
	} else if m := englishWords.FindAllString(strings.ReplaceAll(visibleText(p), "olga", ""), 5); len(m) > 0 {
		t.Errorf("bulk review: English left (%v): %.600s", m, visibleText(p))
	}
	// A refused form speaks French too: labels, summary and messages.
	p := op.post("/users/new", map[string][]string{"login": {"Bad Login!"}, "type": {"1"}, "password": {"short"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("new user: %d", p.status)
	}
	if m := englishWords.FindAllString(visibleText(p), 5); len(m) > 0 {
		t.Errorf("refused form: English left (%v): %.600s", m, visibleText(p))
	}
}
