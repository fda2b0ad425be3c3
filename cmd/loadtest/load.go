package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// newClient is the one client of every scenario: keep-alive connections, no
// redirects followed, no Accept-Encoding (like wrk, so nothing is gzipped).
func newClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute,
			DisableCompression: true, ForceAttemptHTTP2: false,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// load is one kind of request sent by conns connections at once, each
// connection sending its next request when the last answer is read.
type load struct {
	name  string
	conns int
	// next builds a request; rng belongs to the calling connection.
	next func(rng *rand.Rand) *http.Request
}

// tally is what one load did in the measured time.
type tally struct {
	ok, errors int
	firstErr   string
	elapsed    time.Duration
	latencies  []time.Duration // sorted, one per answer (errors included)
}

func (t tally) rps() float64 {
	if t.elapsed <= 0 {
		return 0
	}
	return float64(t.ok) / t.elapsed.Seconds()
}

// drive runs the loads together for d: every connection stops at the same
// deadline, or after its share of maxRequests, or when ctx ends.
func drive(ctx context.Context, client *http.Client, loads []load, d time.Duration, maxRequests int) []tally {
	conns := 0
	for _, l := range loads {
		conns += l.conns
	}
	perConn := max(1, maxRequests/conns)
	type connTally struct {
		load int
		tally
	}
	results := make(chan connTally, conns)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	seed := uint64(start.UnixNano())
	for li, l := range loads {
		for c := range l.conns {
			wg.Add(1)
			rng := rand.New(rand.NewPCG(seed, uint64(li*10_000+c)))
			go func() {
				defer wg.Done()
				results <- connTally{li, hammer(ctx, client, l.next, rng, deadline, perConn)}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(results)
	out := make([]tally, len(loads))
	for r := range results {
		t := &out[r.load]
		t.ok += r.ok
		t.errors += r.errors
		if t.firstErr == "" {
			t.firstErr = r.firstErr
		}
		t.latencies = append(t.latencies, r.latencies...)
	}
	for i := range out {
		out[i].elapsed = elapsed
		slices.Sort(out[i].latencies)
	}
	return out
}

// hammer is one connection's loop, bounded in time and in count.
func hammer(ctx context.Context, client *http.Client, next func(*rand.Rand) *http.Request, rng *rand.Rand, deadline time.Time, limit int) tally {
	var t tally
	t.latencies = make([]time.Duration, 0, min(limit, 1<<16))
	for range limit {
		if ctx.Err() != nil {
			break
		}
		begin := time.Now()
		if !begin.Before(deadline) {
			break
		}
		req := next(rng).WithContext(ctx)
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			t.fail(err.Error())
			if t.errors > 1000 && t.ok == 0 {
				break // the server is gone: do not spin
			}
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.latencies = append(t.latencies, time.Since(begin))
		switch {
		case err != nil:
			t.fail(err.Error())
		case resp.StatusCode != http.StatusOK:
			t.fail(fmt.Sprintf("%s %s: %s", req.Method, req.URL.Path, resp.Status))
		default:
			t.ok++
		}
	}
	return t
}

func (t *tally) fail(msg string) {
	t.errors++
	if t.firstErr == "" {
		t.firstErr = msg
	}
}

// percentile of sorted latencies, nearest rank; 0 when there are none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// command builds a POST /api/command request of the KM wire protocol.
func command(base, token, cmd string, body []byte) *http.Request {
	b := make([]byte, 0, len(body)+32)
	b = fmt.Appendf(b, `{"cmd":%q,"body":`, cmd)
	b = append(b, body...)
	b = append(b, '}')
	req, _ := http.NewRequest(http.MethodPost, base+"/api/command", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	return req
}
