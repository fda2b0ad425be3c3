package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The settings page is drawn with the same field components as every other
// form: each control has its label, hints and errors are read with it, and a
// refused save lists its errors at the top, linked to their fields.
func TestSettingsFieldsAreLabelledAndDescribed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	checkLabelled := func(p page) {
		t.Helper()
		controls := p.doc.Find("[data-testid=settings-form]").Find("input, select, textarea").Not("[type=hidden]")
		if controls.Length() != 8 {
			t.Fatalf("%d controls on the settings form, want 8", controls.Length())
		}
		controls.Each(func(_ int, c *goquery.Selection) {
			id := c.AttrOr("id", "")
			label := strings.TrimSpace(p.doc.Find(`label[for="` + id + `"]`).Text())
			if id == "" || label == "" || strings.Contains(label, "_") {
				t.Errorf("control %q has no label in words: %q", id, label)
			}
			for _, d := range strings.Fields(c.AttrOr("aria-describedby", "")) {
				if p.doc.Find("#"+d).Length() != 1 {
					t.Errorf("%s is described by missing #%s", id, d)
				}
			}
		})
	}
	p := op.get("/settings", false)
	checkLabelled(p)
	for _, name := range []string{"online_default_host", "online_allowed_hosts"} {
		if d := p.doc.Find("#"+name).AttrOr("aria-describedby", ""); d != name+"-hint" {
			t.Errorf("%s described by %q, want its hint", name, d)
		}
	}
	if got := p.doc.Find(`label[for=allow_guest_login]`).Text(); got != "Allow guest login" {
		t.Errorf("checkbox label %q", got)
	}

	form := url.Values{"frontend_mode": {"2"}, "allow_guest_login": {"on"}, "online_allowed_hosts": {"kara.moe\nnot a host!"}}
	p = op.post("/settings", form)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad host saved: %d", p.status)
	}
	checkLabelled(p)
	area := p.doc.Find("#online_allowed_hosts")
	if area.AttrOr("aria-invalid", "") != "true" || area.AttrOr("aria-describedby", "") != "online_allowed_hosts-hint online_allowed_hosts-error" {
		t.Fatalf("refused field not marked: %v", area.Nodes[0].Attr)
	}
	if area.Text() != "kara.moe\nnot a host!" || p.doc.Find("#allow_guest_login[checked]").Length() != 1 {
		t.Fatal("typed values not kept")
	}
	link := p.doc.Find(`[data-testid=error-summary] a[href="#online_allowed_hosts"]`)
	if !strings.Contains(link.Text(), "Allowed online servers") {
		t.Fatalf("summary does not link the field by its label: %q", p.doc.Find("[data-testid=error-summary]").Text())
	}
}
