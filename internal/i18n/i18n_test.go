package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"
)

// messages reads one message file as ID → forms ("other" for a plain one).
func messages(t *testing.T, name string) map[string]map[string]string {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFS(files, "locales/"+name, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch m := v.(type) {
		case string:
			out[id] = map[string]string{"other": m}
		case map[string]any:
			forms := map[string]string{}
			for k, s := range m {
				forms[k], _ = s.(string)
			}
			out[id] = forms
		default:
			t.Fatalf("%s: %s is neither a text nor a plural table", name, id)
		}
	}
	return out
}

var fieldRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func fields(s string) string {
	var f []string
	for _, m := range fieldRE.FindAllStringSubmatch(s, -1) {
		f = append(f, m[1])
	}
	sort.Strings(f)
	return strings.Join(f, ",")
}

// TestFilesHoldTheSameMessages: a message missing in one language, empty,
// without its plural forms or with other template fields fails here.
func TestFilesHoldTheSameMessages(t *testing.T) {
	en, fr := messages(t, "en.toml"), messages(t, "fr.toml")
	for _, pair := range [][2]any{{"en.toml", en}, {"fr.toml", fr}} {
		name, msgs := pair[0].(string), pair[1].(map[string]map[string]string)
		other := fr
		if name == "fr.toml" {
			other = en
		}
		for id, forms := range msgs {
			if _, ok := other[id]; !ok {
				t.Errorf("%s has %q, the other language does not", name, id)
			}
			for form, s := range forms {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: %q (%s) is empty", name, id, form)
				}
			}
			if len(forms) > 1 && (forms["one"] == "" || forms["other"] == "") {
				t.Errorf("%s: plural %q needs one and other", name, id)
			}
		}
	}
	for id := range en {
		if fr[id] != nil && fields(en[id]["other"]) != fields(fr[id]["other"]) {
			t.Errorf("%q: en uses {%s}, fr uses {%s}", id, fields(en[id]["other"]), fields(fr[id]["other"]))
		}
	}
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

// usedRE finds the message IDs the code looks up with a literal:
// i18n.T(ctx, "id"), i18n.N(ctx, "id", …), loc.T("id"), loc.N("id", …).
var usedRE = regexp.MustCompile(`\b(?:i18n\.[TN]\(\s*ctx\s*,\s*|\.[TN]\(\s*)"([a-z0-9_.-]+)"\s*[,)]`)

// TestEveryUsedMessageExists scans the views and the Go code for looked-up
// IDs: each must be in the English file (and so, by the test above, in
// every language).
func TestEveryUsedMessageExists(t *testing.T) {
	en := messages(t, "en.toml")
	root := filepath.Join("..", "..")
	used := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "data") {
			return fs.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_templ.go") || strings.HasSuffix(p, "_test.go") ||
			!(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range usedRE.FindAllStringSubmatch(string(b), -1) {
			used++
			if en[m[1]] == nil {
				t.Errorf("%s looks up %q, which no message file has", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used == 0 {
		t.Fatal("found no lookups at all: the scan is broken")
	}
}

func TestPick(t *testing.T) {
	for _, c := range []struct{ user, accept, want string }{
		{"", "", "en"},
		{"", "fr-CA,fr;q=0.9,en;q=0.8", "fr"},
		{"", "de-DE,de;q=0.9", "en"},
		{"", "de;q=0.9,fr;q=0.5", "fr"},
		{"en", "fr", "en"},
		{"fr", "en-US", "fr"},
		{"ja", "fr", "fr"}, // a language the panel does not speak gives way
		{"", "!!garbage", "en"},
	} {
		if got := Pick(c.user, c.accept).Lang(); got != c.want {
			t.Errorf("Pick(%q, %q) = %s, want %s", c.user, c.accept, got, c.want)
		}
	}
}

func TestDatesAndPlurals(t *testing.T) {
	en, fr := For(language.English), For(language.French)
	now := time.Date(2026, 11, 26, 8, 33, 0, 0, time.UTC)
	for _, c := range []struct {
		l    *Localizer
		d    time.Duration
		want string
	}{
		{en, 10 * time.Second, "just now"},
		{en, time.Minute, "1 minute ago"},
		{en, 5 * time.Minute, "5 minutes ago"},
		{fr, time.Minute, "il y a 1 minute"},
		{fr, 3 * 24 * time.Hour, "il y a 3 jours"},
		{en, 2 * time.Hour, "2 hours ago"},
		{en, 400 * 24 * time.Hour, "1 year ago"},
		{fr, 90 * 24 * time.Hour, "il y a 3 mois"},
	} {
		if got := c.l.Ago(now.Add(-c.d), now); got != c.want {
			t.Errorf("%s Ago(%v) = %q, want %q", c.l.Lang(), c.d, got, c.want)
		}
	}
	for m := 1; m <= 12; m++ {
		d := time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		for _, l := range []*Localizer{en, fr} {
			if s := l.Date(d); strings.Contains(s, "month.") {
				t.Errorf("%s: month %d has no name: %s", l.Lang(), m, s)
			}
		}
	}
	if got := fr.Date(now); got != "26 nov. 2026 à 08:33 UTC" {
		t.Errorf("fr Date = %q", got)
	}
}

// domainRE finds the domain's field phrases: fieldErr(field, "phrase") and
// weakError{"phrase"}; the panel shows each through "domain.<phrase>".
var domainRE = regexp.MustCompile(`fieldErr\([^,()]+, "([^"]+)"\)|weakError\{"([^"]+)"\}|return "(is too easy to guess)"`)

// TestEveryDomainPhraseIsTranslated: a new refusal phrase in internal/users
// fails here until the message files have it.
func TestEveryDomainPhraseIsTranslated(t *testing.T) {
	en := messages(t, "en.toml")
	dir := filepath.Join("..", "users")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range domainRE.FindAllStringSubmatch(string(b), -1) {
			phrase := m[1] + m[2] + m[3]
			found++
			if en["domain."+phrase] == nil {
				t.Errorf("%s: the phrase %q has no message domain.%s", e.Name(), phrase, phrase)
			}
		}
	}
	if found < 10 {
		t.Fatalf("found %d phrases: the scan is broken", found)
	}
}
