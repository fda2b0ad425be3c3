package server

import "strings"

// etagMatches tells whether an If-None-Match header names etag (weakly,
// as RFC 9110 compares for If-None-Match). "*" is not answered without a
// read, so it is treated as no match.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag {
			return true
		}
	}
	return false
}
