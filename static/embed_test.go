package static

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A file's URL follows its content: change a byte, get a new URL; keep the
// bytes, keep the URL.
func TestURLFollowsContent(t *testing.T) {
	a := MustLoad(fstest.MapFS{"style.css": {Data: []byte("body{color:red}")}, "app.js": {Data: []byte("1")}})
	b := MustLoad(fstest.MapFS{"style.css": {Data: []byte("body{color:blue}")}, "app.js": {Data: []byte("1")}})
	if a.URL("style.css") == b.URL("style.css") {
		t.Fatalf("a changed file kept its URL %s", a.URL("style.css"))
	}
	if a.URL("app.js") != b.URL("app.js") {
		t.Fatalf("an unchanged file got a new URL: %s, %s", a.URL("app.js"), b.URL("app.js"))
	}
	u := a.URL("style.css")
	if !strings.HasPrefix(u, "/static/style.") || !strings.HasSuffix(u, ".css") {
		t.Fatalf("URL %s", u)
	}
	if got, current := a.Lookup(strings.TrimPrefix(u, "/static/")); got == nil || !current || got.Name != "style.css" {
		t.Fatalf("lookup of %s: %v %v", u, got, current)
	}
	if got, current := a.Lookup(strings.TrimPrefix(b.URL("style.css"), "/static/")); got == nil || current {
		t.Fatal("an old hash must find the current file, not as current")
	}
	if got, _ := a.Lookup("style.zz.css"); got != nil {
		t.Fatal("a name that is no hash found a file")
	}
	if got, current := a.Lookup("style.css"); got == nil || current {
		t.Fatal("the plain name must be found, but not as current")
	}
}

// Every embedded file has a URL.
func TestEmbeddedFilesAreHashed(t *testing.T) {
	for _, name := range []string{"style.css", "app.js", "htmx-2.0.11.min.js"} {
		if u := Files().URL(name); !strings.HasPrefix(u, "/static/") || u == "/static/"+name {
			t.Errorf("%s: %s", name, u)
		}
	}
}
