// Package testkit holds what the test suites share: a log that tests can
// read (the security codes come from the log, as they do for a person
// running kmusers) and a clock that tests move.
package testkit

import (
	"bytes"
	"log/slog"
	"regexp"
	"sync"
)

// The lines that carry the codes (SPEC §1).
var (
	OperatorCode = regexp.MustCompile(`security code: (\d{6})`)
	AccountCode  = regexp.MustCompile(`new account code: (\d{6})`)
)

// Buffer collects log output; it is safe for concurrent writers.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Logger is a text logger writing into the buffer.
func (l *Buffer) Logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// LastCode is the latest code the log shows for re, or "".
func (l *Buffer) LastCode(re *regexp.Regexp) string {
	m := re.FindAllStringSubmatch(l.String(), -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}
