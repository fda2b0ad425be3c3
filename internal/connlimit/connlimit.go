// Package connlimit caps the connections one client address may hold open,
// so that one host cannot take every descriptor with slow requests.
package connlimit

import (
	"net"
	"sync"
)

// Listener accepts at most Max connections per remote IP at a time; a
// connection over the cap is closed at once.
type Listener struct {
	net.Listener
	max    int
	mu     sync.Mutex
	counts map[string]int
}

// New wraps ln.
func New(ln net.Listener, max int) *Listener {
	return &Listener{Listener: ln, max: max, counts: map[string]int{}}
}

// Accept returns the next connection within the cap.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		l.mu.Lock()
		if l.counts[ip] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.counts[ip]++
		l.mu.Unlock()
		return &conn{Conn: c, l: l, ip: ip}, nil
	}
}

// Open is how many connections ip holds now.
func (l *Listener) Open(ip string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[ip]
}

func (l *Listener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts[ip]--; l.counts[ip] <= 0 {
		delete(l.counts, ip)
	}
}

func hostOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

type conn struct {
	net.Conn
	l    *Listener
	ip   string
	once sync.Once
}

func (c *conn) Close() error {
	c.once.Do(func() { c.l.release(c.ip) })
	return c.Conn.Close()
}
