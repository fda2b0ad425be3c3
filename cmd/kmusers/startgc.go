package main

import "runtime/debug"

// startGCPercent is the GOGC of a start: the collector first runs at 4 MB
// times startGCPercent/100 of heap, past what a start on a current schema
// needs, and then in proportion as usual (a migration of a big table is
// slowed by nothing but memory).
const startGCPercent = 800

// holdGC keeps the garbage collector from running while the server
// starts: the inits and the opening allocate a few MB, which made a
// collection run beside them (a sixth of a cold start's CPU: issue 16).
// release gives back the GOGC of the environment (off stays off); the
// first collection then runs once the server answers.
func holdGC() (release func()) {
	pct := debug.SetGCPercent(startGCPercent)
	if pct < 0 || pct > startGCPercent {
		debug.SetGCPercent(pct)
	}
	return func() { debug.SetGCPercent(pct) }
}
