package karas

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Tag is one tag of the base: a series, a singer, a song type, a language...
// AnimeIDs holds the provider ids of a series (external_database_ids).
type Tag struct {
	TID        string            `json:"tid"`
	Name       string            `json:"name"`
	Short      string            `json:"short,omitempty"`
	Types      []string          `json:"types"`
	I18n       map[string]string `json:"i18n"`
	Aliases    []string          `json:"aliases,omitempty"`
	Repository string            `json:"repository,omitempty"`
	AnimeIDs   map[string]int    `json:"-"`
	File       string            `json:"-"` // the tag file's name, for error reports and kept rows
}

// TagRef is a tag as a song shows it (KM's DBKaraTag).
type TagRef struct {
	TID     string            `json:"tid"`
	Name    string            `json:"name"`
	Short   string            `json:"short,omitempty"`
	I18n    map[string]string `json:"i18n"`
	Aliases []string          `json:"aliases,omitempty"`
}

// Song is one karaoke of the base. Tags are tag ids by KM tag type
// (series, songtypes, langs, singers...) as in the file; Resolved, filled
// by the importer, holds the same tags with their names.
type Song struct {
	KID             string              `json:"kid"`
	File            string              `json:"karafile"`
	Titles          map[string]string   `json:"titles"`
	Aliases         []string            `json:"titles_aliases,omitempty"`
	DefaultLanguage string              `json:"titles_default_language"`
	Year            int                 `json:"year"`
	SongOrder       *int                `json:"songorder"`
	Repository      string              `json:"repository"`
	CreatedAt       string              `json:"created_at"`
	ModifiedAt      string              `json:"modified_at"`
	MediaFile       string              `json:"mediafile"`
	Duration        int                 `json:"duration"`
	Tags            map[string][]string `json:"-"`
	Resolved        map[string][]TagRef `json:"tags"`
	AnimeIDs        map[string][]int    `json:"anime_ids,omitempty"` // by provider, from the song's tags

	// Derived by the importer, for the queries.
	SeriesTID   string `json:"-"` // the first series, which the default order sorts by
	SongType    string `json:"-"` // the first song type's short name (OP, ED...)
	Search      string `json:"-"` // folded titles, aliases and series names
	Fingerprint string `json:"-"` // changes when anything stored for the song changes
}

// Title resolves a song's title for a reader: main language, then the
// fallback language, then the song's default (SPEC §2).
func Title(titles map[string]string, main, fallback, def string) string {
	for _, l := range []string{main, fallback, def} {
		if t, ok := titles[l]; ok && l != "" {
			return t
		}
	}
	for _, t := range titles {
		return t
	}
	return ""
}

// TagName resolves a tag's name the same way; the tag's own name is its
// default.
func TagName(t TagRef, main, fallback string) string {
	for _, l := range []string{main, fallback} {
		if n, ok := t.I18n[l]; ok && l != "" {
			return n
		}
	}
	return t.Name
}

// Fold makes text searchable: lower case, accents removed, spaces squeezed.
// Filters are folded the same way before they are compared.
func Fold(s string) string {
	// A chain keeps state: one per call, so Fold is safe from any goroutine.
	folder := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(folder, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// Orders of a song list.
const (
	OrderSeries = ""       // series name, song type, song order, title (KM's default)
	OrderTitle  = "title"  // title in the reader's language
	OrderRecent = "recent" // newest songs first
	OrderYear   = "year"   // oldest first
)

// Orders lists the orders a list accepts.
var Orders = []string{OrderSeries, OrderTitle, OrderRecent, OrderYear}

// AnimeQuery selects a page of the songs of a user's anime list. Languages
// resolve titles and series names; Filter is folded (see Fold).
type AnimeQuery struct {
	Login          string
	ListKey        string // tells one stored list from another ("" : nothing is cached)
	Provider       string
	Main, Fallback string
	Filter         string
	Order          string
	Offset, Limit  int
}

// AnimePage is a page of songs and the count of the whole list.
type AnimePage struct {
	Count int
	Songs []Song
}
