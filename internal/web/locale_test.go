package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/users"
)

// TestLanguageChoice: the viewer's own language wins over the browser's;
// without one, Accept-Language chooses; the page says which in <html lang>.
func TestLanguageChoice(t *testing.T) {
	s := newSite(t)
	op := s.operator()
	get := func(b *browser, accept string) page {
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/users", nil)
		req.Header.Set("Accept-Language", accept)
		return b.do(req)
	}
	check := func(p page, lang, users string) {
		t.Helper()
		if got, _ := p.doc.Find("html").Attr("lang"); got != lang {
			t.Errorf("lang = %q, want %q", got, lang)
		}
		if got := p.doc.Find(`header nav a[href="/users"]`).Text(); got != users {
			t.Errorf("nav = %q, want %q", got, users)
		}
		if v := p.header.Get("Vary"); !strings.Contains(v, "Accept-Language") {
			t.Errorf("Vary = %q: a cache would serve one language to all", v)
		}
	}
	check(get(op, "fr-FR,fr;q=0.9,en;q=0.5"), "fr", "Utilisateurs")
	check(get(op, "de-DE"), "en", "Users")

	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("en")}); err != nil {
		t.Fatal(err)
	}
	check(get(op, "fr-FR"), "en", "Users")

	anon := s.browser()
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "fr")
	check(anon.do(req), "fr", "Utilisateurs")
}
