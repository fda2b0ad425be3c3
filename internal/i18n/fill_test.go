package i18n

import (
	"regexp"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

var actionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// TestMessagesOnlyPrintFields holds what T's kept shapes (fill.go) rest
// on: a message's only template actions print a field. A message with
// {{if}}, a pipeline or a function must be looked up another way.
func TestMessagesOnlyPrintFields(t *testing.T) {
	for _, name := range []string{"en.toml", "fr.toml"} {
		for id, forms := range messages(t, name) {
			for form, s := range forms {
				for _, a := range actionRE.FindAllString(s, -1) {
					if !fieldRE.MatchString(a) || fieldRE.FindString(a) != a {
						t.Errorf("%s: %q (%s) has the action %s, which T's shapes cannot fill", name, id, form, a)
					}
				}
			}
		}
	}
}

// TestFilledMatchesGoI18n renders every message with fields both ways, in
// both languages, twice (the second from the kept shape), with values that
// look like markup or markers.
func TestFilledMatchesGoI18n(t *testing.T) {
	b, err := load()
	if err != nil {
		t.Fatal(err)
	}
	values := []any{"Élodie <b>&amp;", 42, "\x01Login\x02"}
	for _, tag := range Supported {
		l := For(tag)
		direct := goi18n.NewLocalizer(b, tag.String())
		n := 0
		for id, forms := range messages(t, "en.toml") {
			if len(forms) > 1 || fields(forms["other"]) == "" {
				continue
			}
			for _, v := range values {
				data := map[string]any{}
				for _, m := range fieldRE.FindAllStringSubmatch(forms["other"], -1) {
					data[m[1]] = v
				}
				want := direct.MustLocalize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
				for range 2 {
					if got := l.T(id, data); got != want {
						t.Fatalf("%s %q with %v: T gives %q, go-i18n %q", tag, id, v, got, want)
					}
				}
			}
			n++
		}
		if n < 20 {
			t.Fatalf("%s: only %d messages with fields were compared", tag, n)
		}
	}
	if got := For(language.English).T("no.such.message", map[string]any{"X": 1}); got != "no.such.message" {
		t.Fatalf("a missing message with data: %q", got)
	}
}
