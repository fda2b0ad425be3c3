package karas_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/karas/karagen"
	"github.com/kmusers/kmusers/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kmusers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// copyBase copies testdata/karabase so a test may change it.
func copyBase(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../testdata/karabase")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func karaFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "karaokes", "*.kara.json"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no kara files: %v", err)
	}
	return m
}

func TestImportTheSampleBase(t *testing.T) {
	t.Parallel()
	db := openStore(t)
	var bar bytes.Buffer
	sum, err := karas.Import(context.Background(), "../../testdata/karabase", db, karas.Options{Progress: &bar})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Songs != 36 || sum.Added != 36 || sum.Tags != 33 || sum.Series != 14 || sum.SeriesWithIDs != 12 ||
		len(sum.Errors) != 0 || len(sum.Warnings) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if !strings.Contains(bar.String(), "100%") {
		t.Fatalf("progress: %q", bar.String())
	}
	// Again: nothing changes.
	sum, err = karas.Import(context.Background(), "../../testdata/karabase", db, karas.Options{})
	if err != nil || sum.Unchanged != 36 || sum.Added+sum.Updated+sum.Removed != 0 {
		t.Fatalf("second import %+v %v", sum, err)
	}
	stored, err := db.StoredSongs(context.Background())
	if err != nil || len(stored) != 36 {
		t.Fatalf("%d stored, %v", len(stored), err)
	}
}

// TestImportUpdatesRemovesAndSkipsBrokenFiles: a changed file updates its
// song, a deleted one removes it, a broken one is named and skipped while
// its song keeps its last import, and everything else imports.
func TestImportUpdatesRemovesAndSkipsBrokenFiles(t *testing.T) {
	t.Parallel()
	db := openStore(t)
	dir := copyBase(t)
	ctx := context.Background()
	if _, err := karas.Import(ctx, dir, db, karas.Options{}); err != nil {
		t.Fatal(err)
	}
	files := karaFiles(t, dir)
	// Update one.
	b, _ := os.ReadFile(files[0])
	os.WriteFile(files[0], bytes.Replace(b, []byte(`"year": `), []byte(`"year": 1`), 1), 0o644)
	// Remove one.
	os.Remove(files[1])
	// Break one that was imported, and add a broken new one.
	os.WriteFile(files[2], []byte(`{"header": {"version": 4}, "data": {"kid": `), 0o644)
	os.WriteFile(filepath.Join(dir, "karaokes", "zz broken.kara.json"), []byte(`{"data": {"kid": "not-a-uuid", "titles": {"eng": "x"}}}`), 0o644)
	// A tag file that is not JSON.
	os.WriteFile(filepath.Join(dir, "tags", "bad.tag.json"), []byte(`nope`), 0o644)

	sum, err := karas.Import(ctx, dir, db, karas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 1 || sum.Removed != 1 || sum.Added != 0 || sum.Unchanged != 33 || sum.Songs != 35 {
		t.Fatalf("summary %+v", sum)
	}
	if len(sum.Errors) != 3 {
		t.Fatalf("errors %v", sum.Errors)
	}
	msgs := ""
	for _, e := range sum.Errors {
		msgs += e.Error() + "\n"
	}
	for _, want := range []string{filepath.Base(files[2]), "zz broken.kara.json: data.kid \"not-a-uuid\" is not a UUID", "tags/bad.tag.json: invalid JSON"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors do not say %q:\n%s", want, msgs)
		}
	}
	stored, _ := db.StoredSongs(ctx)
	if len(stored) != 35 {
		t.Fatalf("%d songs stored", len(stored))
	}
	kept := false
	for _, s := range stored {
		kept = kept || s.File == filepath.Join("karaokes", filepath.Base(files[2]))
	}
	if !kept {
		t.Fatal("the song of the broken file was removed")
	}
}

func TestImportWarnsOfUnknownTags(t *testing.T) {
	t.Parallel()
	db := openStore(t)
	dir := copyBase(t)
	// Drop the tag files of the singers: songs keep importing without them.
	singers, _ := filepath.Glob(filepath.Join(dir, "tags", "Yoko Kanno.*.tag.json"))
	for _, f := range singers {
		os.Remove(f)
	}
	sum, err := karas.Import(context.Background(), dir, db, karas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Songs != 36 || len(sum.Warnings) != 3 || !strings.Contains(sum.Warnings[0].Error(), "unknown tags left out: singers") {
		t.Fatalf("summary %+v", sum)
	}
}

func TestImportRefusesAFolderThatIsNotABase(t *testing.T) {
	t.Parallel()
	if _, err := karas.Import(context.Background(), t.TempDir(), openStore(t), karas.Options{}); err != karas.ErrNotABase {
		t.Fatalf("got %v", err)
	}
}

func TestParseOldAndNewShapes(t *testing.T) {
	t.Parallel()
	tag, err := karas.ParseTag([]byte(`{"header":{"description":"Karaoke Mugen Tag File","version":1},"tag":{
		"name":"Cowboy Bebop","tid":"3D466F33-58C9-5862-8842-554D0EFD1C57","types":[1,"franchises",99],
		"i18n":{"eng":"Cowboy Bebop"," ":"x"},"external_database_ids":{"anilist":"1","myanimelist":1,"kitsu":null}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if tag.TID != "3d466f33-58c9-5862-8842-554d0efd1c57" || strings.Join(tag.Types, ",") != "series,franchises" ||
		tag.AnimeIDs["anilist"] != 1 || tag.AnimeIDs["myanimelist"] != 1 || len(tag.AnimeIDs) != 2 || len(tag.I18n) != 1 {
		t.Fatalf("tag %+v", tag)
	}
	// KM's old kara files: one title and the series in sids.
	song, err := karas.ParseKara([]byte(`{"header":{"version":4},"medias":[{"filename":"a.mp4","duration":90,"default":true}],
		"data":{"kid":"495e2635-38a9-42db-bdd0-df4d27329c87","title":"Nippon Egao Hyakkei","year":2012,
		"sids":["702eaa7a-f9ef-40db-a6a8-eadcb85b6d2e"],"tags":{"songtypes":["38c77c56-2b95-4040-b676-0994a8cb0597"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if song.Titles["und"] != "Nippon Egao Hyakkei" || song.DefaultLanguage != "und" || len(song.Tags["series"]) != 1 ||
		song.MediaFile != "a.mp4" || song.Year != 2012 {
		t.Fatalf("song %+v", song)
	}
	for name, bad := range map[string]string{
		"no data":       `{"header":{}}`,
		"no titles":     `{"data":{"kid":"495e2635-38a9-42db-bdd0-df4d27329c87","titles":{}}}`,
		"bad tag id":    `{"data":{"kid":"495e2635-38a9-42db-bdd0-df4d27329c87","titles":{"eng":"x"},"tags":{"series":["x"]}}}`,
		"trailing":      `{"data":{}} {}`,
		"year not int":  `{"data":{"kid":"495e2635-38a9-42db-bdd0-df4d27329c87","titles":{"eng":"x"},"year":"soon"}}`,
		"titles a list": `{"data":{"kid":"495e2635-38a9-42db-bdd0-df4d27329c87","titles":["x"]}}`,
	} {
		if _, err := karas.ParseKara([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTitleResolution(t *testing.T) {
	t.Parallel()
	titles := map[string]string{"jpn": "Zankoku na Tenshi no These", "eng": "A Cruel Angel's Thesis"}
	for _, c := range []struct{ main, fb, want string }{
		{"eng", "jpn", "A Cruel Angel's Thesis"},
		{"fre", "jpn", "Zankoku na Tenshi no These"},
		{"fre", "ita", "Zankoku na Tenshi no These"}, // the song's default
		{"", "", "Zankoku na Tenshi no These"},
	} {
		if got := karas.Title(titles, c.main, c.fb, "jpn"); got != c.want {
			t.Errorf("%s/%s: %q", c.main, c.fb, got)
		}
	}
	if karas.Fold("  Pokémon   MASTER ") != "pokemon master" {
		t.Fatal(karas.Fold("  Pokémon   MASTER "))
	}
}

// TestSyntheticBase checks the generator the benchmarks use.
func TestSyntheticBase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := karagen.Synthetic(200, 7).Write(dir); err != nil {
		t.Fatal(err)
	}
	sum, err := karas.Import(context.Background(), dir, openStore(t), karas.Options{})
	if err != nil || sum.Songs != 200 || len(sum.Errors)+len(sum.Warnings) != 0 || sum.Series != karagen.SyntheticSeries(200) {
		t.Fatalf("%+v %v", sum, err)
	}
}
