package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// helloArg makes this binary the calibration server: a bare net/http hello
// world, in a process of its own like kmusers.
const helloArg = "-serve-hello"

func serveHello(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
	line, _ := json.Marshal(map[string]string{"msg": "listening", "addr": "http://" + ln.Addr().String()})
	fmt.Fprintln(os.Stderr, string(line))
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("Hello, World!\n"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintln(os.Stderr, srv.Serve(ln))
	os.Exit(1)
}
