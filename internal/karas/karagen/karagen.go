// Package karagen writes Karaoke Mugen bases for tests and benchmarks: a
// small hand-picked one (testdata/karabase) and large synthetic ones. The
// files have KM's shapes (kara.json version 4, tag.json version 1).
package karagen

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// ID makes a stable UUID-shaped id from a name.
func ID(name string) string {
	h := sha1.Sum([]byte(name))
	x := fmt.Sprintf("%x", h[:16])
	return x[0:8] + "-" + x[8:12] + "-5" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32]
}

// Tag is a tag to write.
type Tag struct {
	Name    string
	Short   string
	Types   []string
	I18n    map[string]string
	Aliases []string
	IDs     map[string]int // anilist, myanimelist, kitsu
}

// TID is the tag's id.
func (t Tag) TID() string { return ID("tag:" + t.Types[0] + ":" + t.Name) }

// Song is a song to write; tag fields name tags by their Name.
type Song struct {
	Titles     map[string]string
	DefLang    string
	Aliases    []string
	Series     []string
	SongType   string
	SongOrder  int
	Langs      []string
	Singers    []string
	Year       int
	CreatedAt  string
	Repository string
}

// KID is the song's id.
func (s Song) KID() string {
	return ID(fmt.Sprintf("kara:%s:%s:%d:%s", strings.Join(s.Series, "+"), s.SongType, s.SongOrder, s.Titles[s.DefLang]))
}

// Base is a whole base to write.
type Base struct {
	Tags  []Tag
	Songs []Song
}

// Write writes the base under dir/karaokes and dir/tags.
func (b Base) Write(dir string) error {
	for _, sub := range []string{"karaokes", "tags"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	byName := map[string]Tag{}
	for _, t := range b.Tags {
		byName[t.Types[0]+":"+t.Name] = t
		if err := writeJSON(filepath.Join(dir, "tags", fileName(t.Name)+"."+t.TID()[:8]+".tag.json"), tagJSON(t)); err != nil {
			return err
		}
	}
	for _, s := range b.Songs {
		j, err := karaJSON(s, byName)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s - %s - %s%s - %s.%s", strings.ToUpper(firstOr(s.Langs, "und")), firstOr(s.Series, "Misc"),
			s.SongType, orderText(s.SongOrder), s.Titles[s.DefLang], s.KID()[:8])
		if err := writeJSON(filepath.Join(dir, "karaokes", fileName(name)+".kara.json"), j); err != nil {
			return err
		}
	}
	return nil
}

func orderText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

func firstOr(l []string, def string) string {
	if len(l) == 0 {
		return def
	}
	return l[0]
}

// fileName keeps a name usable as a file name.
func fileName(s string) string {
	r := strings.NewReplacer("/", " ", "\\", " ", ":", " ", "?", "", "*", "", "\"", "", "<", "", ">", "", "|", "")
	s = r.Replace(s)
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func tagJSON(t Tag) map[string]any {
	tag := map[string]any{
		"name": t.Name, "tid": t.TID(), "types": t.Types, "repository": "kara.moe",
		"modified_at": "2024-03-01T10:00:00.000Z",
	}
	if t.Short != "" {
		tag["short"] = t.Short
	}
	if len(t.I18n) > 0 {
		tag["i18n"] = t.I18n
	}
	if len(t.Aliases) > 0 {
		tag["aliases"] = t.Aliases
	}
	if len(t.IDs) > 0 {
		tag["external_database_ids"] = t.IDs
	}
	return map[string]any{"header": map[string]any{"description": "Karaoke Mugen Tag File", "version": 1}, "tag": tag}
}

func karaJSON(s Song, tags map[string]Tag) (map[string]any, error) {
	ids := func(typ string, names []string) ([]string, error) {
		var out []string
		for _, n := range names {
			t, ok := tags[typ+":"+n]
			if !ok {
				return nil, fmt.Errorf("karagen: no %s tag %q", typ, n)
			}
			out = append(out, t.TID())
		}
		return out, nil
	}
	tagIDs := map[string][]string{}
	for typ, names := range map[string][]string{"series": s.Series, "songtypes": {s.SongType}, "langs": s.Langs, "singers": s.Singers} {
		l, err := ids(typ, names)
		if err != nil {
			return nil, err
		}
		if len(l) > 0 {
			tagIDs[typ] = l
		}
	}
	base := fileName(fmt.Sprintf("%s - %s", firstOr(s.Series, "Misc"), s.Titles[s.DefLang]))
	data := map[string]any{
		"kid": s.KID(), "titles": s.Titles, "titles_default_language": s.DefLang, "year": s.Year,
		"tags": tagIDs, "repository": firstOr([]string{s.Repository}, "kara.moe"), "created_at": s.CreatedAt,
		"modified_at": s.CreatedAt, "ignoreHooks": false,
	}
	if s.Repository == "" {
		data["repository"] = "kara.moe"
	}
	if s.SongOrder > 0 {
		data["songorder"] = s.SongOrder
	}
	if len(s.Aliases) > 0 {
		data["titles_aliases"] = s.Aliases
	}
	return map[string]any{
		"header": map[string]any{"version": 4, "description": "Karaoke Mugen Karaoke Data File"},
		"medias": []map[string]any{{
			"version": "Default", "filename": base + ".mp4", "loudnorm": "-1.2,5.1,-20.3,1.0,-0.5", "duration": 90,
			"filesize": 12345678, "default": true,
			"lyrics": []map[string]any{{"filename": base + ".ass", "default": true, "version": "Default"}},
		}},
		"data": data,
	}, nil
}

// Synthetic makes a base of n songs over about n/4 series, deterministic
// for a seed. Series i has AniList id i+1, MyAnimeList id 100000+i and Kitsu
// id 200000+i; one series in five has no provider ids.
func Synthetic(n int, seed uint64) Base {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b Base
	langs := []struct{ code, name string }{{"jpn", "Japanese"}, {"eng", "English"}, {"fre", "French"}, {"ita", "Italian"}, {"spa", "Spanish"}, {"ger", "German"}}
	for _, l := range langs {
		b.Tags = append(b.Tags, Tag{Name: l.code, Types: []string{"langs"}, I18n: map[string]string{"eng": l.name}})
	}
	for _, st := range []string{"OP", "ED", "IN", "MV", "CM", "OT"} {
		b.Tags = append(b.Tags, Tag{Name: st, Short: st, Types: []string{"songtypes"}, I18n: map[string]string{"eng": st}})
	}
	singers := max(10, n/10)
	for i := range singers {
		b.Tags = append(b.Tags, Tag{Name: fmt.Sprintf("Singer %d", i), Types: []string{"singers"}})
	}
	series := SyntheticSeries(n)
	for i := range series {
		t := Tag{Name: fmt.Sprintf("Series %d %s", i, words[i%len(words)]), Types: []string{"series"},
			I18n: map[string]string{"eng": fmt.Sprintf("Series %d %s", i, words[i%len(words)]), "jpn": fmt.Sprintf("Shiriizu %d", i)}}
		if i%5 != 4 {
			t.IDs = map[string]int{"anilist": i + 1, "myanimelist": 100000 + i, "kitsu": 200000 + i}
		}
		b.Tags = append(b.Tags, t)
	}
	for i := range n {
		s := rng.IntN(series)
		if rng.IntN(3) == 0 {
			s = rng.IntN(max(1, series/10)) // popular series have more songs
		}
		lang := langs[rng.IntN(len(langs))]
		title := fmt.Sprintf("%s %s %d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i)
		song := Song{Titles: map[string]string{lang.code: title}, DefLang: lang.code,
			Series: []string{fmt.Sprintf("Series %d %s", s, words[s%len(words)])}, SongType: []string{"OP", "ED", "IN", "MV", "CM", "OT"}[rng.IntN(6)],
			SongOrder: rng.IntN(4), Langs: []string{lang.code}, Singers: []string{fmt.Sprintf("Singer %d", rng.IntN(singers))},
			Year: 1980 + rng.IntN(45), CreatedAt: fmt.Sprintf("20%02d-%02d-%02dT12:00:00.000Z", 10+rng.IntN(15), 1+rng.IntN(12), 1+rng.IntN(28))}
		if rng.IntN(2) == 0 {
			song.Titles["eng"] = "The " + title
		}
		b.Songs = append(b.Songs, song)
	}
	return b
}

// SyntheticSeries is how many series Synthetic(n) makes.
func SyntheticSeries(n int) int { return max(1, n/4) }

var words = []string{"Hoshi", "Sora", "Yume", "Kokoro", "Hikari", "Kaze", "Umi", "Tsuki", "Hana", "Ai",
	"Namida", "Mirai", "Tabi", "Koi", "Inochi", "Kiseki", "Negai", "Tomodachi", "Sakura", "Yoru"}
