package iso

import (
	"slices"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Every code the pickers offer has a name in each panel language; CLDR names
// all the countries, and all the languages but the families and qro, which
// keep their English name. A change of x/text that loses names shows here.
func TestEveryCodeHasANameInEachLanguage(t *testing.T) {
	const languageFallbacks = 68 // afa, alg, apa… language families, mis, qro
	for _, tag := range []language.Tag{language.English, language.French} {
		fallbacks := 0
		for _, e := range Languages {
			n, local := localLanguageName(tag, e.Code)
			if !local {
				fallbacks++
				n = LanguageNameIn(tag, e.Code)
				if n != e.Name {
					t.Errorf("%s: %s falls back to %q, not its English name", tag, e.Code, n)
				}
			}
			if n == "" { // "fon" is the French name of fon
				t.Errorf("%s: language %s has no name", tag, e.Code)
			}
		}
		if fallbacks != languageFallbacks {
			t.Errorf("%s: %d languages fall back to English, want %d", tag, fallbacks, languageFallbacks)
		}
		for _, e := range Countries {
			if n, local := localCountryName(tag, e.Code); !local || n == "" || n == e.Code {
				t.Errorf("%s: country %s has no name of its own: %q", tag, e.Code, n)
			}
		}
		if len(LanguagesIn(tag)) != len(Languages) || len(CountriesIn(tag)) != len(Countries) {
			t.Errorf("%s: pickers lost codes", tag)
		}
	}
	for code, want := range map[string]string{"ger": "allemand", "fre": "français", "jpn": "japonais", "qro": "Romanization"} {
		if got := LanguageNameIn(language.French, code); got != want {
			t.Errorf("French name of %s = %q, want %q", code, got, want)
		}
	}
	for code, want := range map[string]string{"DE": "Allemagne", "AE": "Émirats arabes unis", "US": "États-Unis"} {
		if got := CountryNameIn(language.French, code); got != want {
			t.Errorf("French name of %s = %q, want %q", code, got, want)
		}
	}
	if got := CountryNameIn(language.French, "ZZ"); got != "ZZ" {
		t.Errorf("unknown code named %q", got)
	}
}

// The pickers sort in the language's alphabetical order: an accented
// initial sorts with its letter, not after Z as bytes would.
func TestPickersSortInTheLanguagesOrder(t *testing.T) {
	names := func(entries []Entry) []string {
		out := make([]string, len(entries))
		for i, e := range entries {
			out[i] = e.Name
		}
		return out
	}
	fr := names(CountriesIn(language.French))
	at := func(name string) int {
		i := slices.Index(fr, name)
		if i < 0 {
			t.Fatalf("%q not in the French countries", name)
		}
		return i
	}
	if !(at("Égypte") < at("Émirats arabes unis") && at("Émirats arabes unis") < at("Équateur") &&
		at("Équateur") < at("Espagne") && at("Espagne") < at("États-Unis") && at("États-Unis") < at("Éthiopie") &&
		at("Éthiopie") < at("Fidji")) {
		t.Fatalf("French countries not in French order: %v", fr[at("Égypte")-1:at("Fidji")+1])
	}
	if at("Zimbabwe") != len(fr)-1 {
		t.Fatalf("last French country %q", fr[len(fr)-1])
	}
	en := names(LanguagesIn(language.English))
	if i, j := slices.Index(en, "English"), slices.Index(en, "French"); i < 0 || j < 0 || i > j {
		t.Fatalf("English languages unsorted: English at %d, French at %d", i, j)
	}
}

// The generated names are display's for every tag the panel hands over: a
// new x/text, new codes in tables.go or a new panel language show here
// until `go generate ./internal/iso` runs again. The names fall back as
// before: display's "" gives the table's English name.
func TestNamesAreDisplays(t *testing.T) {
	if len(localNames) != len(i18n.Supported) {
		t.Fatalf("names in %d languages, the panel speaks %d: go generate ./internal/iso", len(localNames), len(i18n.Supported))
	}
	for i, tag := range i18n.Supported {
		if n := localNames[i]; n.lang != tag.String() || len(n.languages) != len(Languages) || len(n.countries) != len(Countries) {
			t.Fatalf("names of %s are stale (%q, %d languages, %d countries): go generate ./internal/iso", tag, n.lang, len(n.languages), len(n.countries))
		}
	}
	tags := append([]language.Tag{language.MustParse("en-US"), language.MustParse("fr-FR")}, i18n.Supported...)
	for _, header := range []string{"", "en-GB,en;q=0.9", "fr-CA", "fr-CH, de;q=0.5", "de", "ja, fr;q=0.1"} {
		tags = append(tags, i18n.Pick("", header).Tag())
	}
	for _, tag := range tags {
		for _, e := range Languages {
			b, _ := language.ParseBase(e.Code)
			if got, want := LanguageNameIn(tag, e.Code), orEnglish(display.Languages(tag).Name(b), e); got != want {
				t.Errorf("%s: language %s named %q, display says %q", tag, e.Code, got, want)
			}
		}
		for _, e := range Countries {
			r, _ := language.ParseRegion(e.Code)
			if got, want := CountryNameIn(tag, e.Code), orEnglish(display.Regions(tag).Name(r), e); got != want {
				t.Errorf("%s: country %s named %q, display says %q", tag, e.Code, got, want)
			}
		}
	}
}

func orEnglish(name string, e Entry) string {
	if name == "" {
		return e.Name
	}
	return name
}

// The names are found by binary search: the tables must stay in code order,
// each code once.
func TestTablesAreInCodeOrder(t *testing.T) {
	for _, entries := range [][]Entry{Languages, Countries} {
		if !slices.IsSortedFunc(entries, func(a, b Entry) int { return strings.Compare(a.Code, b.Code) }) ||
			len(slices.CompactFunc(slices.Clone(entries), func(a, b Entry) bool { return a.Code == b.Code })) != len(entries) {
			t.Fatalf("table from %s to %s is not in strict code order", entries[0].Code, entries[len(entries)-1].Code)
		}
	}
}
