package iso

import (
	"slices"
	"testing"

	"golang.org/x/text/language"
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
