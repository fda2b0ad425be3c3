package iso

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// LanguageNameIn is the name of a language code in the language of tag
// ("allemand" for ger in French), from CLDR through x/text's display; where
// CLDR has none (language families such as afa, and qro) the English name of
// the table, and for an unknown code the code itself.
func LanguageNameIn(tag language.Tag, code string) string {
	if n, ok := localLanguageName(tag, code); ok {
		return n
	}
	return LanguageName(code)
}

// CountryNameIn is the name of a country code in the language of tag
// ("Allemagne" for DE in French), the English name where CLDR has none.
func CountryNameIn(tag language.Tag, code string) string {
	if n, ok := localCountryName(tag, code); ok {
		return n
	}
	return CountryName(code)
}

func localLanguageName(tag language.Tag, code string) (string, bool) {
	if !IsLanguage(code) {
		return "", false
	}
	b, err := language.ParseBase(code)
	if err != nil {
		return "", false
	}
	n := display.Languages(tag).Name(b)
	return n, n != ""
}

func localCountryName(tag language.Tag, code string) (string, bool) {
	if !IsCountry(code) {
		return "", false
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return "", false
	}
	n := display.Regions(tag).Name(r)
	return n, n != ""
}

// LanguagesIn are Languages named in the language of tag and sorted in its
// alphabetical order, for pickers. The result is shared: do not change it.
func LanguagesIn(tag language.Tag) []Entry {
	return sortedIn(&languagesIn, tag, Languages, LanguageNameIn)
}

// CountriesIn are Countries named in the language of tag and sorted in its
// alphabetical order, for pickers. The result is shared: do not change it.
func CountriesIn(tag language.Tag) []Entry {
	return sortedIn(&countriesIn, tag, Countries, CountryNameIn)
}

// languagesIn and countriesIn keep the sorted tables by language tag: a
// panel speaks few languages, and sorting 487 names by collation keys on
// every page would cost more than the page.
var languagesIn, countriesIn sync.Map

func sortedIn(cache *sync.Map, tag language.Tag, entries []Entry, name func(language.Tag, string) string) []Entry {
	if v, ok := cache.Load(tag); ok {
		return v.([]Entry)
	}
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[i] = Entry{Code: e.Code, Name: name(tag, e.Code)}
	}
	c := collate.New(tag, collate.Loose) // accents and case sort as letters
	slices.SortStableFunc(out, func(a, b Entry) int { return c.CompareString(a.Name, b.Name) })
	v, _ := cache.LoadOrStore(tag, out)
	return v.([]Entry)
}
