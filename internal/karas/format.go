// Package karas is the song catalogue: Karaoke Mugen's karaoke base format
// (karaokes/*.kara.json, tags/*.tag.json), what a song and a tag are once
// read, and the import of a base folder. It knows nothing of SQL or HTTP.
package karas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Providers of anime lists, as named in KM's external_database_ids and in
// users' anime_list_to_fetch.
const (
	AniList     = "anilist"
	MyAnimeList = "myanimelist"
	Kitsu       = "kitsu"
)

// Providers lists every provider, in a fixed order.
var Providers = []string{AniList, MyAnimeList, Kitsu}

// MaxFileBytes caps one base file: KM's files are a few kilobytes.
const MaxFileBytes = 1 << 20

// tagFile is KM's tag file (header description "Karaoke Mugen Tag File").
// Types are names ("series") in current bases and numbers (1) in old ones.
type tagFile struct {
	Header fileHeader `json:"header"`
	Tag    *struct {
		TID                 string            `json:"tid"`
		Name                string            `json:"name"`
		Short               string            `json:"short"`
		Types               []json.RawMessage `json:"types"`
		I18n                map[string]string `json:"i18n"`
		Aliases             []string          `json:"aliases"`
		Repository          string            `json:"repository"`
		ExternalDatabaseIDs *struct {
			AniList     flexInt `json:"anilist"`
			MyAnimeList flexInt `json:"myanimelist"`
			Kitsu       flexInt `json:"kitsu"`
		} `json:"external_database_ids"`
	} `json:"tag"`
}

type fileHeader struct {
	Version     int    `json:"version"`
	Description string `json:"description"`
}

// karaFile is KM's karaoke data file, version 4. Current bases give titles
// per language and every tag id under data.tags by type; old ones give one
// title and the series ids in data.sids.
type karaFile struct {
	Header fileHeader `json:"header"`
	Medias []struct {
		Filename string  `json:"filename"`
		Duration float64 `json:"duration"`
		Default  bool    `json:"default"`
	} `json:"medias"`
	Data *struct {
		KID                   string              `json:"kid"`
		Titles                map[string]string   `json:"titles"`
		TitlesAliases         []string            `json:"titles_aliases"`
		TitlesDefaultLanguage string              `json:"titles_default_language"`
		Title                 string              `json:"title"`
		SIDs                  []string            `json:"sids"`
		Year                  flexInt             `json:"year"`
		SongOrder             flexInt             `json:"songorder"`
		Tags                  map[string][]string `json:"tags"`
		Repository            string              `json:"repository"`
		CreatedAt             string              `json:"created_at"`
		ModifiedAt            string              `json:"modified_at"`
	} `json:"data"`
}

// flexInt reads a JSON number, a numeric string, or null.
type flexInt struct {
	V  int
	OK bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			return nil
		}
		b = []byte(s)
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	v, err := n.Int64()
	if err != nil || v < 0 || v > 1<<31-1 {
		return fmt.Errorf("not a small whole number: %s", b)
	}
	f.V, f.OK = int(v), true
	return nil
}

// tagTypeNames are KM's tag types by their old numbers.
var tagTypeNames = map[int]string{
	1: "series", 2: "singers", 3: "songtypes", 4: "creators", 5: "langs", 6: "authors", 7: "misc",
	8: "songwriters", 9: "groups", 10: "families", 11: "origins", 12: "genres", 13: "platforms",
	14: "versions", 15: "warnings", 16: "collections", 17: "singergroups", 18: "franchises",
}

// TagTypeNumber is KM's number of a tag type (series is 1), or 0.
func TagTypeNumber(name string) int {
	for n, t := range tagTypeNames {
		if t == name {
			return n
		}
	}
	return 0
}

// ParseTag reads one tag file.
func ParseTag(b []byte) (Tag, error) {
	var f tagFile
	if err := decodeOne(b, &f); err != nil {
		return Tag{}, err
	}
	if f.Tag == nil {
		return Tag{}, errors.New(`no "tag" object`)
	}
	t := Tag{TID: strings.ToLower(strings.TrimSpace(f.Tag.TID)), Name: strings.TrimSpace(f.Tag.Name),
		Short: f.Tag.Short, I18n: cleanI18n(f.Tag.I18n), Aliases: cleanList(f.Tag.Aliases), Repository: f.Tag.Repository}
	if !validID(t.TID) {
		return Tag{}, fmt.Errorf("tag.tid %q is not a UUID", f.Tag.TID)
	}
	if t.Name == "" {
		return Tag{}, errors.New("tag.name is empty")
	}
	for _, raw := range f.Tag.Types {
		var name string
		var num int
		switch {
		case json.Unmarshal(raw, &name) == nil:
		case json.Unmarshal(raw, &num) == nil:
			name = tagTypeNames[num]
		}
		if name != "" && !contains(t.Types, name) {
			t.Types = append(t.Types, name)
		}
	}
	if ext := f.Tag.ExternalDatabaseIDs; ext != nil {
		for _, p := range []struct {
			name string
			id   flexInt
		}{{AniList, ext.AniList}, {MyAnimeList, ext.MyAnimeList}, {Kitsu, ext.Kitsu}} {
			if p.id.OK && p.id.V > 0 {
				if t.AnimeIDs == nil {
					t.AnimeIDs = map[string]int{}
				}
				t.AnimeIDs[p.name] = p.id.V
			}
		}
	}
	return t, nil
}

// ParseKara reads one karaoke data file. Tag ids are checked for shape
// only: whether they exist is the importer's business.
func ParseKara(b []byte) (Song, error) {
	var f karaFile
	if err := decodeOne(b, &f); err != nil {
		return Song{}, err
	}
	d := f.Data
	if d == nil {
		return Song{}, errors.New(`no "data" object`)
	}
	s := Song{KID: strings.ToLower(strings.TrimSpace(d.KID)), Titles: cleanI18n(d.Titles),
		Aliases: cleanList(d.TitlesAliases), DefaultLanguage: d.TitlesDefaultLanguage,
		Repository: d.Repository, CreatedAt: d.CreatedAt, ModifiedAt: d.ModifiedAt, Tags: map[string][]string{}}
	if !validID(s.KID) {
		return Song{}, fmt.Errorf("data.kid %q is not a UUID", d.KID)
	}
	if len(s.Titles) == 0 && strings.TrimSpace(d.Title) != "" {
		s.Titles = map[string]string{"und": strings.TrimSpace(d.Title)} // old files: one title
	}
	if len(s.Titles) == 0 {
		return Song{}, errors.New("data.titles is empty")
	}
	if _, ok := s.Titles[s.DefaultLanguage]; !ok {
		s.DefaultLanguage = firstKey(s.Titles)
	}
	if d.Year.OK {
		s.Year = d.Year.V
	}
	if d.SongOrder.OK {
		v := d.SongOrder.V
		s.SongOrder = &v
	}
	tags := d.Tags
	if len(d.SIDs) > 0 {
		if tags == nil {
			tags = map[string][]string{}
		}
		tags["series"] = append(append([]string(nil), tags["series"]...), d.SIDs...)
	}
	for typ, ids := range tags {
		for _, id := range ids {
			id = strings.ToLower(strings.TrimSpace(id))
			if !validID(id) {
				return Song{}, fmt.Errorf("data.tags.%s: %q is not a UUID", typ, id)
			}
			if !contains(s.Tags[typ], id) {
				s.Tags[typ] = append(s.Tags[typ], id)
			}
		}
	}
	for _, m := range f.Medias {
		if m.Default || s.MediaFile == "" {
			s.MediaFile, s.Duration = m.Filename, int(m.Duration)
		}
	}
	return s, nil
}

// decodeOne decodes one JSON value (unknown fields allowed: KM files carry many) and refuses trailing data.
func decodeOne(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(dst); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("field %s: expected %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// validID accepts KM's ids: UUIDs in their usual text form.
func validID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

func cleanI18n(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if k != "" && v != "" && len(k) <= 8 {
			out[k] = v
		}
	}
	return out
}

func cleanList(l []string) []string {
	var out []string
	for _, v := range l {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func firstKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, pref := range []string{"eng", "jpn"} {
		if _, ok := m[pref]; ok {
			return pref
		}
	}
	return keys[0]
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
