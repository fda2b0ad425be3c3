package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Pages link static files by their content hash, cached for good; other
// names get the current file, revalidated by ETag.
func TestStaticFilesByContentHash(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.browser()
	p := b.get("/setup", false)
	links := map[string]string{}
	for _, sel := range []string{`link[rel=stylesheet]`, `script[src]`} {
		for _, n := range p.doc.Find(sel).Nodes {
			for _, a := range n.Attr {
				if a.Key == "href" || a.Key == "src" {
					links[a.Val] = sel
				}
			}
		}
	}
	if len(links) != 3 {
		t.Fatalf("static links on the page: %v", links)
	}
	for link := range links {
		if strings.Contains(link, "?") || strings.Count(strings.TrimPrefix(link, "/static/"), ".") < 2 {
			t.Errorf("%s: not named by its content hash", link)
		}
		f := b.get(link, false)
		if f.status != http.StatusOK || !strings.Contains(f.header.Get("Cache-Control"), "immutable") || f.header.Get("ETag") == "" {
			t.Errorf("%s: %d %q %q", link, f.status, f.header.Get("Cache-Control"), f.header.Get("ETag"))
		}
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+link, nil)
		req.Header.Set("If-None-Match", f.header.Get("ETag"))
		if r := b.do(req); r.status != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", link, r.status)
		}
	}
	for path, want := range map[string]int{
		"/static/style.css":            http.StatusOK, // plain name: for tools and old links
		"/static/style.0000000000.css": http.StatusOK, // an old hash: a page cached before a deploy
		"/static/nope.0000000000.css":  http.StatusNotFound,
		"/static/../go.mod":            http.StatusNotFound,
		"/static/":                     http.StatusNotFound,
	} {
		f := b.get(path, false)
		if f.status != want {
			t.Errorf("%s: %d, want %d", path, f.status, want)
		}
		if want == http.StatusOK && f.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", path, f.header.Get("Cache-Control"))
		}
	}
}
