package karas

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kmusers/kmusers/internal/progress"
)

// Store is what an import needs from storage.
type Store interface {
	// StoredSongs returns every song of the catalogue: kid → file and
	// fingerprint.
	StoredSongs(ctx context.Context) (map[string]Stored, error)
	// StoredTags returns every tag: tid → tag file.
	StoredTags(ctx context.Context) (map[string]string, error)
	// ApplyImport writes a plan in one transaction: all or nothing.
	ApplyImport(ctx context.Context, p Plan) error
}

// Stored is what the catalogue remembers of a song between imports.
type Stored struct {
	File        string
	Fingerprint string
}

// Plan is the change an import makes.
type Plan struct {
	DeleteTags []string // tids gone from the base, or to be written again
	Tags       []Tag    // every tag read, to insert
	Delete     []string // kids gone from the base, or changed
	Upsert     []Song   // new and changed songs, to insert
}

// FileError is one file that could not be read, or a warning about one.
type FileError struct {
	File string
	Err  error
}

func (e FileError) Error() string { return e.File + ": " + e.Err.Error() }

// Summary tells what an import did.
type Summary struct {
	Songs, Added, Updated, Unchanged, Removed int
	Tags, Series, SeriesWithIDs               int
	Errors                                    []FileError // files skipped (their songs keep their last import)
	Warnings                                  []FileError // files imported with something left out
	Took                                      time.Duration
}

// Options tune an import.
type Options struct {
	Progress io.Writer // a terminal to draw a progress bar on; nil for none
	Now      func() time.Time
}

// ErrNotABase is a folder without a karaokes/ directory.
var ErrNotABase = errors.New("not a Karaoke Mugen base: no karaokes/ folder")

// Import reads the base in dir into the catalogue. It is idempotent: songs
// that did not change are not written, songs gone from dir are removed. A
// broken file is reported with its name and skipped (a song imported before
// from that file is kept as it was); everything else still imports.
func Import(ctx context.Context, dir string, st Store, o Options) (*Summary, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	start := o.Now()
	karaFiles, err := listFiles(filepath.Join(dir, "karaokes"), ".kara.json")
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotABase
	}
	if err != nil {
		return nil, err
	}
	tagFiles, err := listFiles(filepath.Join(dir, "tags"), ".tag.json")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	sum := &Summary{}
	bar := progress.New(o.Progress, len(tagFiles)+len(karaFiles), "reading the base", "files")
	tags, brokenTags := readTags(dir, tagFiles, sum, bar)
	songs, brokenKaras := readSongs(ctx, dir, karaFiles, sum, bar)
	bar.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range songs {
		if w := resolve(&songs[i], tags); w != nil {
			sum.Warnings = append(sum.Warnings, FileError{File: songs[i].File, Err: w})
		}
	}
	plan, err := makePlan(ctx, st, tags, brokenTags, songs, brokenKaras, sum)
	if err != nil {
		return nil, err
	}
	if err := st.ApplyImport(ctx, plan); err != nil {
		return nil, fmt.Errorf("karas: import: %w", err)
	}
	sum.Tags = len(tags)
	for _, t := range tags {
		if contains(t.Types, "series") {
			sum.Series++
			if len(t.AnimeIDs) > 0 {
				sum.SeriesWithIDs++
			}
		}
	}
	sort.Slice(sum.Errors, func(i, j int) bool { return sum.Errors[i].File < sum.Errors[j].File })
	sort.Slice(sum.Warnings, func(i, j int) bool { return sum.Warnings[i].File < sum.Warnings[j].File })
	sum.Took = o.Now().Sub(start)
	return sum, nil
}

func listFiles(dir, suffix string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), suffix) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileBytes)
	}
	return b, nil
}

func readTags(dir string, files []string, sum *Summary, bar *progress.Bar) (map[string]Tag, map[string]bool) {
	tags := map[string]Tag{}
	broken := map[string]bool{}
	for _, name := range files {
		bar.Step()
		rel := filepath.Join("tags", name)
		b, err := readFile(filepath.Join(dir, rel))
		var t Tag
		if err == nil {
			t, err = ParseTag(b)
		}
		if err == nil {
			if prev, dup := tags[t.TID]; dup {
				err = fmt.Errorf("tid %s is also the tid of %s", t.TID, prev.File)
			}
		}
		if err != nil {
			sum.Errors = append(sum.Errors, FileError{File: rel, Err: err})
			broken[rel] = true
			continue
		}
		t.File = rel
		tags[t.TID] = t
	}
	return tags, broken
}

// readSongs parses the kara files on every core: the base is mostly JSON
// to decode.
func readSongs(ctx context.Context, dir string, files []string, sum *Summary, bar *progress.Bar) ([]Song, map[string]bool) {
	type result struct {
		song Song
		err  error
	}
	results := make([]result, len(files))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= len(files) {
					return
				}
				rel := filepath.Join("karaokes", files[n])
				b, err := readFile(filepath.Join(dir, rel))
				var s Song
				if err == nil {
					s, err = ParseKara(b)
				}
				s.File = rel
				results[n] = result{s, err}
				bar.Step()
			}
		}()
	}
	wg.Wait()
	songs := make([]Song, 0, len(files))
	broken := map[string]bool{}
	seen := map[string]string{}
	for _, r := range results {
		err := r.err
		if err == nil {
			if prev, dup := seen[r.song.KID]; dup {
				err = fmt.Errorf("kid %s is also the kid of %s", r.song.KID, prev)
			}
		}
		if err != nil {
			sum.Errors = append(sum.Errors, FileError{File: r.song.File, Err: err})
			broken[r.song.File] = true
			continue
		}
		seen[r.song.KID] = r.song.File
		songs = append(songs, r.song)
	}
	return songs, broken
}

// resolve fills a song's tags with names and the fields the queries use.
// A tag id missing from the base is left out, with a warning.
func resolve(s *Song, tags map[string]Tag) error {
	s.Resolved = map[string][]TagRef{}
	var missing []string
	types := make([]string, 0, len(s.Tags))
	for typ := range s.Tags {
		types = append(types, typ)
	}
	sort.Strings(types)
	search := append([]string{}, s.Aliases...)
	for _, l := range sortedKeys(s.Titles) {
		search = append(search, s.Titles[l])
	}
	for _, typ := range types {
		for _, tid := range s.Tags[typ] {
			t, ok := tags[tid]
			if !ok {
				missing = append(missing, typ+" "+tid)
				continue
			}
			s.Resolved[typ] = append(s.Resolved[typ], TagRef{TID: t.TID, Name: t.Name, Short: t.Short, I18n: t.I18n, Aliases: t.Aliases})
			for _, p := range Providers {
				if id, ok := t.AnimeIDs[p]; ok && !slices.Contains(s.AnimeIDs[p], id) {
					if s.AnimeIDs == nil {
						s.AnimeIDs = map[string][]int{}
					}
					s.AnimeIDs[p] = append(s.AnimeIDs[p], id)
				}
			}
			switch typ {
			case "series":
				if s.SeriesTID == "" {
					s.SeriesTID = t.TID
				}
				search = append(search, t.Name)
				search = append(search, t.Aliases...)
				for _, l := range sortedKeys(t.I18n) {
					search = append(search, t.I18n[l])
				}
			case "songtypes":
				if s.SongType == "" {
					s.SongType = t.Short
					if s.SongType == "" {
						s.SongType = t.Name
					}
				}
			}
		}
	}
	s.Search = Fold(strings.Join(search, " | "))
	b, _ := json.Marshal(struct {
		S       *Song
		A, B, C string
	}{s, s.SeriesTID, s.SongType, s.Search})
	h := sha256.Sum256(b)
	s.Fingerprint = hex.EncodeToString(h[:16])
	if len(missing) > 0 {
		return fmt.Errorf("unknown tags left out: %s", strings.Join(missing, ", "))
	}
	return nil
}

func makePlan(ctx context.Context, st Store, tags map[string]Tag, brokenTags map[string]bool,
	songs []Song, brokenKaras map[string]bool, sum *Summary) (Plan, error) {
	var p Plan
	storedTags, err := st.StoredTags(ctx)
	if err != nil {
		return p, fmt.Errorf("karas: stored tags: %w", err)
	}
	for tid, file := range storedTags {
		if _, ok := tags[tid]; ok || !brokenTags[file] {
			p.DeleteTags = append(p.DeleteTags, tid) // gone, or written again below
		}
	}
	for _, tid := range sortedTagKeys(tags) {
		p.Tags = append(p.Tags, tags[tid])
	}
	stored, err := st.StoredSongs(ctx)
	if err != nil {
		return p, fmt.Errorf("karas: stored songs: %w", err)
	}
	kept := map[string]bool{}
	for _, s := range songs {
		kept[s.KID] = true
		old, ok := stored[s.KID]
		switch {
		case !ok:
			sum.Added++
			p.Upsert = append(p.Upsert, s)
		case old.Fingerprint != s.Fingerprint || old.File != s.File:
			sum.Updated++
			p.Upsert = append(p.Upsert, s)
			p.Delete = append(p.Delete, s.KID)
		default:
			sum.Unchanged++
		}
	}
	sum.Songs = len(songs)
	for kid, old := range stored {
		switch {
		case kept[kid]:
		case brokenKaras[old.File]:
			sum.Songs++ // its file is broken this time: the last good import stays
		default:
			p.Delete = append(p.Delete, kid)
			sum.Removed++
		}
	}
	sort.Strings(p.Delete)
	sort.Strings(p.DeleteTags)
	return p, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedTagKeys(m map[string]Tag) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
