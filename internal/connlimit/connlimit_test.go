package connlimit

import (
	"io"
	"net"
	"testing"
)

// TestCapPerAddress: past the cap, a new connection is closed by the
// server; once one closes, a new one is served again.
func TestCapPerAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(ln, 3)
	defer l.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var servers []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		servers = append(servers, <-accepted)
	}
	over, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := over.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the 4th connection was not closed: %v", err)
	}
	if l.Open("127.0.0.1") != 3 {
		t.Fatalf("open: %d", l.Open("127.0.0.1"))
	}
	servers[0].Close()
	servers[0].Close() // twice: counted once
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-accepted
	if l.Open("127.0.0.1") != 3 {
		t.Fatalf("open after one closed and one came: %d", l.Open("127.0.0.1"))
	}
}
