package main

import (
	"runtime/debug"
	"testing"
)

// holdGC raises GOGC while a server starts and gives back what the
// environment set, off included; a higher GOGC is left alone.
func TestHoldGCGivesBackTheEnvironments(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	for _, env := range []int{100, 50, -1, 2000} {
		debug.SetGCPercent(env)
		release := holdGC()
		want := startGCPercent
		if env < 0 || env > startGCPercent {
			want = env
		}
		if got := debug.SetGCPercent(want); got != want {
			t.Errorf("GOGC %d: %d while starting, want %d", env, got, want)
		}
		release()
		if got := debug.SetGCPercent(env); got != env {
			t.Errorf("GOGC %d: %d after the start", env, got)
		}
	}
}
