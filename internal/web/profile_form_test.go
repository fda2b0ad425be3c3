package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// shownForm is what a browser submits for a form left as shown: every
// named input, textarea and select with its current value, checked boxes.
func shownForm(sel *goquery.Selection) url.Values {
	v := url.Values{}
	sel.Find("input[name], textarea[name], select[name]").Each(func(_ int, el *goquery.Selection) {
		name, _ := el.Attr("name")
		typ, _ := el.Attr("type")
		switch {
		case goquery.NodeName(el) == "textarea":
			v.Add(name, el.Text())
		case goquery.NodeName(el) == "select":
			opt := el.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = el.Find("option").First()
			}
			val, _ := opt.Attr("value")
			v.Add(name, val)
		case typ == "checkbox" || typ == "radio":
			if _, on := el.Attr("checked"); on {
				val, ok := el.Attr("value")
				if !ok {
					val = "on"
				}
				v.Add(name, val)
			}
		case typ == "file" || typ == "submit":
		default:
			val, _ := el.Attr("value")
			v.Add(name, val)
		}
	})
	return v
}

// Saving the profile form with only the bio changed keeps the statistics
// question "not asked" (null), and the three answers round-trip.
func TestProfileFormKeepsSendstatsNotAsked(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	bob := s.member("bob")
	sendstats := func() *bool {
		u, err := s.svc.UserByLogin(context.Background(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		return u.FlagSendstats
	}
	if sendstats() != nil {
		t.Fatal("a new account starts with the question asked")
	}
	save := func(change func(url.Values)) {
		t.Helper()
		form := shownForm(bob.get("/account", false).doc.Find(`[data-testid=profile-form]`))
		if len(form) < 5 {
			t.Fatalf("profile form not found: %v", form)
		}
		change(form)
		if p := bob.post("/account", form); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", p.status, p.doc.Find(".error").Text())
		}
	}
	save(func(f url.Values) { f.Set("bio", "only the bio") })
	if got := sendstats(); got != nil {
		t.Fatalf("editing the bio answered the statistics question: %v", *got)
	}
	for _, answer := range []string{"no", "yes"} {
		save(func(f url.Values) { f.Set("flag_sendstats", answer) })
		if got := sendstats(); got == nil || *got != (answer == "yes") {
			t.Fatalf("answer %s stored as %v", answer, got)
		}
		save(func(url.Values) {}) // the form as shown keeps the answer
		if got := sendstats(); got == nil || *got != (answer == "yes") {
			t.Fatalf("answer %s lost on a second save: %v", answer, got)
		}
	}
}
