package iso

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

//go:generate go run gen_names.go

// LanguageNameIn is the name of a language code in the language of tag
// ("allemand" for ger in French), from CLDR as x/text's display has it; where
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
	return localName(namesIn(tag).languages, Languages, code)
}

func localCountryName(tag language.Tag, code string) (string, bool) {
	return localName(namesIn(tag).countries, Countries, code)
}

// panelNames are the CLDR names of Languages and Countries in one panel
// language, aligned with them, "" where CLDR has none. They are generated
// (names_tables.go) rather than asked of x/text's display, whose package
// init builds its dictionaries of 261 languages at every start of the
// server (0.9 ms, issue 16: cold start) for the two the panel speaks.
type panelNames struct {
	lang                 string // the base language, as in i18n.Supported
	languages, countries []string
}

// namesIn are the names in tag's language. i18n hands over only bare
// languages ("en", "fr"); a regional tag gets its language's names (display
// differed on a few for fr-CA or en-GB), any other language the panel's
// default, English, as i18n itself would choose.
func namesIn(tag language.Tag) *panelNames {
	b, _ := tag.Base()
	for i := range localNames {
		if localNames[i].lang == b.String() {
			return &localNames[i]
		}
	}
	return &localNames[0]
}

// localName is the name of code in names, found by its place in entries
// (in code order); false for an unknown code or one CLDR does not name.
func localName(names []string, entries []Entry, code string) (string, bool) {
	i, ok := slices.BinarySearchFunc(entries, code, func(e Entry, c string) int { return strings.Compare(e.Code, c) })
	if !ok || i >= len(names) { // a stale table falls back; the tests catch it
		return "", false
	}
	return names[i], names[i] != ""
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
