// Package frequency holds zxcvbn's ranked word lists, those of
// github.com/trustelem/zxcvbn/frequency (MIT, ../LICENSE.txt), as embedded
// text read on first use. Upstream's package builds them in its init: 1.5
// MB of heap and a collection at every start of kmusers, which most runs
// never need (issue 16: cold start). lists/ is written from upstream by
// `go generate`; TestSameAsUpstream checks it.
package frequency

//go:generate go run gen.go

import (
	"embed"
	"strings"
	"sync"
)

//go:embed lists/*.txt
var lists embed.FS

// Lists are the ranked lists by name, most common word first; built on the
// first call, shared after (callers must not change them).
var Lists = sync.OnceValue(func() map[string][]string {
	entries, err := lists.ReadDir("lists")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	out := make(map[string][]string, len(entries))
	for _, e := range entries {
		b, err := lists.ReadFile("lists/" + e.Name())
		if err != nil {
			panic(err)
		}
		out[strings.TrimSuffix(e.Name(), ".txt")] = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	return out
})
