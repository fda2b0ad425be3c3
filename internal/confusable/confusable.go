// Package confusable computes the skeleton of a string under Unicode's
// UTS #39: each character replaced by the prototype it can be confused with
// (Cyrillic а for Latin a, "rn" for m…), between two canonical
// decompositions, so that two strings that look alike have one skeleton.
//
// It gives the same skeletons as github.com/mtibben/confusables, from
// whose data the table is generated (go generate: gen.go) and against
// which every character is checked (TestSameAsUpstream). Upstream builds a
// map of 6,000 entries in its init, 0.6 ms of every start of kmusers (a
// cold start must stay within 15 ms: issue 16); here the table is two
// sorted arrays the linker lays out, searched by halves.
package confusable

//go:generate go run gen.go

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Skeleton is the UTS #39 skeleton of s.
func Skeleton(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if i, ok := slices.BinarySearch(from, r); ok {
			b.WriteString(to[i])
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFD.String(b.String())
}
