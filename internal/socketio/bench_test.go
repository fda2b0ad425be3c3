package socketio_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	client "github.com/zishang520/socket.io/clients/socket/v3"

	"github.com/kmusers/kmusers/internal/socketio"
)

// Round trips of one command (getUser of another user, as an operator:
// gate, two row reads, JSON) over socket.io and over POST /api/command.
//
//	go test -run '^$' -bench RoundTrip -benchtime 3s ./internal/socketio/

func benchEnv(b *testing.B) (*env, string, []byte) {
	v := newEnv(b, socketio.Options{MaxPerIP: 2000})
	op := v.operator("olga")
	v.user("bob")
	body, _ := json.Marshal(map[string]any{"cmd": "getUser", "body": km(op, map[string]any{"username": "bob"})})
	return v, op, body
}

func BenchmarkRoundTripSocket(b *testing.B) {
	v, op, _ := benchEnv(b) // one server and its sockets for every run
	arg := km(op, map[string]any{"username": "bob"})
	var all []*client.Socket
	for _, n := range []int{1, 100} {
		for len(all) < n {
			all = append(all, v.connect(transportsUnderTest[1]))
		}
		socks := all[:n]
		b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for _, s := range socks {
				wg.Add(1)
				go func(s *client.Socket) {
					defer wg.Done()
					res := make(chan struct{}, 1)
					for next.Add(1) <= int64(b.N) {
						_ = s.Emit("getUser", arg, func([]any, error) { res <- struct{}{} })
						<-res
					}
				}(s)
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "roundtrips/s")
		})
	}
}

func BenchmarkRoundTripHTTP(b *testing.B) {
	v, _, body := benchEnv(b)
	for _, n := range []int{1, 100} {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						res, err := hc.Post(v.url+"/api/command", "application/json", bytes.NewReader(body))
						if err != nil {
							b.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "roundtrips/s")
		})
	}
}

// BenchmarkIdleSockets: the server's memory per idle websocket, with 1,000
// sockets opened by KM's client in a separate node process (so that only
// the server's side is counted).
//
//	go test -run '^$' -bench IdleSockets -benchtime 1x ./internal/socketio/
func BenchmarkIdleSockets(b *testing.B) {
	const n = 1000
	root := repoRoot(b)
	v := newEnv(b, socketio.Options{MaxPerIP: 2 * n})
	for i := 0; i < b.N; i++ {
		before := serverMemory()
		cmd := exec.Command("node", filepath.Join("testdata", "idle_sockets.cjs"), root, v.url, fmt.Sprint(n))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			b.Fatalf("node: %q %v", line, err)
		}
		for v.sio.Open() < n {
			runtime.Gosched()
		}
		after := serverMemory()
		b.ReportMetric(float64(after.heap-before.heap)/n, "heap-B/socket")
		b.ReportMetric(float64(after.stack-before.stack)/n, "stack-B/socket")
		b.ReportMetric(float64(after.goroutines-before.goroutines)/n, "goroutines/socket")
		stdin.Close()
		_ = cmd.Wait()
	}
}

type memory struct{ heap, stack, goroutines uint64 }

func serverMemory() memory {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memory{heap: m.HeapAlloc, stack: m.StackInuse, goroutines: uint64(runtime.NumGoroutine())}
}
