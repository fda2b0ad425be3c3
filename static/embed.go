// Package static holds the panel's CSS, scripts and images, embedded in the
// binary. htmx is vendored from npm (htmx.org 2.0.11, BSD-2-Clause), and so
// is its server-sent events extension (htmx-ext-sse 2.2.4, BSD-2-Clause); no
// CDN.
//
// Pages link each file by a name that carries a hash of its content
// (style.3f2a9c1b04.css), computed from the embedded bytes once, so a
// file can be cached for a year and a changed file is a new URL: nobody has
// to remember to bump a version.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed style.css app.js favicon.svg htmx-2.0.11.min.js htmx-ext-sse-2.2.4.js
var files embed.FS

// Asset is one embedded file.
type Asset struct {
	Name   string // as embedded: style.css
	Hashed string // with the content hash: style.3f2a9c1b04.css
	ETag   string // the hash, quoted
	Data   []byte
}

// Set is the embedded files by name and by hashed name.
type Set struct {
	byName   map[string]*Asset
	byHashed map[string]*Asset
}

// Files is the set of the embedded files, hashed once, on first use: at
// init the hashing would cost every start before the server answers.
var Files = sync.OnceValue(func() *Set { return MustLoad(files) })

// MustLoad hashes every file of fsys; a file that cannot be read is a build
// error, so it panics.
func MustLoad(fsys fs.FS) *Set {
	s := &Set{byName: map[string]*Asset{}, byHashed: map[string]*Asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(name, ".") {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:5])
		ext := path.Ext(name)
		a := &Asset{Name: name, Hashed: strings.TrimSuffix(name, ext) + "." + h + ext, ETag: `"` + h + `"`, Data: data}
		s.byName[name], s.byHashed[a.Hashed] = a, a
		return nil
	})
	if err != nil {
		panic("static: " + err.Error())
	}
	return s
}

// URL is the path that pages link for an embedded file.
func (s *Set) URL(name string) string {
	if a, ok := s.byName[name]; ok {
		return "/static/" + a.Hashed
	}
	panic("static: no embedded file " + name) // a typo in a template, caught by any page test
}

// Lookup finds a requested file. current is true for the hashed name of the
// current content, which may be cached for good. A plain name, or a name with
// another hash (a page cached before a deploy), gets the current file, to be
// revalidated.
func (s *Set) Lookup(name string) (a *Asset, current bool) {
	if a, ok := s.byHashed[name]; ok {
		return a, true
	}
	if a, ok := s.byName[name]; ok {
		return a, false
	}
	ext := path.Ext(name)
	base, hash := path.Base(strings.TrimSuffix(name, ext)), path.Ext(strings.TrimSuffix(name, ext))
	if len(hash) == 11 && strings.Trim(hash[1:], "0123456789abcdef") == "" {
		return s.byName[strings.TrimSuffix(base, hash)+ext], false
	}
	return nil, false
}
