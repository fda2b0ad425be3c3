// Package iso holds the language and country code tables that profiles use.
package iso

import "sort"

// Entry is one code with its English name.
type Entry struct {
	Code string
	Name string
}

var (
	languageNames = index(Languages)
	countryNames  = index(Countries)
)

func index(entries []Entry) map[string]string {
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		m[e.Code] = e.Name
	}
	return m
}

// IsLanguage reports whether code is an ISO 639-2/B code (or qro).
func IsLanguage(code string) bool { _, ok := languageNames[code]; return ok }

// LanguageName is the English name of a language code, or the code itself.
func LanguageName(code string) string { return nameOr(languageNames, code) }

// IsCountry reports whether code is an ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool { _, ok := countryNames[code]; return ok }

// CountryName is the English name of a country code, or the code itself.
func CountryName(code string) string { return nameOr(countryNames, code) }

func nameOr(m map[string]string, code string) string {
	if n, ok := m[code]; ok {
		return n
	}
	return code
}

// ByName returns the entries sorted by English name, for pickers.
func ByName(entries []Entry) []Entry {
	out := append([]Entry(nil), entries...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
