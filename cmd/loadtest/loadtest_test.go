package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(lat, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v", got)
	}
}

func TestProcReaders(t *testing.T) {
	status := "Name:\tkmusers\nVmHWM:\t   65536 kB\nVmRSS:\t   30000 kB\n"
	if got, err := statusField(status, "VmHWM"); err != nil || got != 65536 {
		t.Errorf("VmHWM = %d, %v", got, err)
	}
	if _, err := statusField(status, "VmSwap"); err == nil {
		t.Error("a missing field was read")
	}
	// utime 250 and stime 50 ticks: 3 s. The name holds ") " on purpose.
	stat := "1234 (km) users) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 0 0"
	if got, err := statCPU(stat); err != nil || got != 3*time.Second {
		t.Errorf("cpu = %v, %v", got, err)
	}
	if got, err := schedstatRun("12500000 3000 7\n"); err != nil || got != 12500*time.Microsecond {
		t.Errorf("schedstat run time = %v, %v", got, err)
	}
	// This test process, read for real.
	if kib, err := procStatusKiB(os.Getpid(), "VmHWM"); err != nil || kib <= 0 {
		t.Errorf("own VmHWM = %d, %v", kib, err)
	}
	if _, err := cpuTime(os.Getpid()); err != nil {
		t.Errorf("own CPU time: %v", err)
	}
	if cpu, err := threadsCPU(os.Getpid()); err != nil || cpu <= 0 {
		t.Errorf("own CPU time by threads: %v, %v", cpu, err)
	}
}

func TestListeningAddr(t *testing.T) {
	for line, want := range map[string]string{
		`{"time":"x","level":"INFO","msg":"listening","addr":"http://127.0.0.1:40123"}`: "http://127.0.0.1:40123",
		`{"msg":"listening","addr":"http://0.0.0.0:1337"}`:                              "", // not loopback
		`{"msg":"request","addr":"http://127.0.0.1:1"}`:                                 "",
		`time=x level=INFO msg=listening addr=http://127.0.0.1:1`:                       "",
	} {
		got, ok := listeningAddr(line)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", line, got, ok, want)
		}
	}
}

func TestCSRFToken(t *testing.T) {
	page := []byte(`<form method="post"><input type="hidden" name="_csrf" value="abc-DEF_123"/><input name="username"></form>`)
	if got, ok := csrfToken(page); !ok || got != "abc-DEF_123" {
		t.Errorf("token = %q %v", got, ok)
	}
	if _, ok := csrfToken([]byte(`<form></form>`)); ok {
		t.Error("a token was found in a form without one")
	}
}

func TestJudgeTargets(t *testing.T) {
	rows := []row{
		{scenario: "hello (first)", load: "hello", rps: 90_000, peakRSSKiB: 200 * 1024},
		{scenario: "hello (last)", load: "hello", rps: 110_000},
		{scenario: "coldStart", load: "coldStart", p50: 15 * time.Millisecond},
		{scenario: "getUser", load: "getUser", rps: 20_000, peakRSSKiB: 30 * 1024},  // 20%: met
		{scenario: "editUser", load: "editUser", rps: 4_000, peakRSSKiB: 65 * 1024}, // 4%: not met
		{scenario: "getUsers", load: "getUsers", rps: 5_000},
		{scenario: "deepPage", load: "deepPage", rps: 3_000}, // 60% of page 1
		{scenario: "login", load: "login", rps: 30},
		{scenario: "viewsUnderLogins", load: "getUser", rps: 10_000},
		{scenario: "viewsUnderLogins", load: "login", rps: 14},
	}
	got := map[string]bool{}
	for _, v := range judge(rows) {
		got[strings.Fields(v.target)[0]+" "+strings.Fields(v.target)[1]] = v.met
	}
	want := map[string]bool{
		"view one": true, "update one": false, "list page": true, "deep page": false,
		"views while": false, "cold start": true, "peak RSS": false,
	}
	if len(got) != len(want) {
		t.Errorf("verdicts %v, want %v (panel did not run, so it is left out)", got, want)
	}
	for k, w := range want {
		if m, ok := got[k]; !ok || m != w {
			t.Errorf("%s: met=%v (present %v), want %v", k, m, ok, w)
		}
	}
	var buf bytes.Buffer
	writeTable(&buf, rows)
	if !strings.Contains(buf.String(), "| getUser | 20000 | 20.0% |") {
		t.Errorf("table:\n%s", buf.String())
	}
}

func TestAggregateRounds(t *testing.T) {
	ms := time.Millisecond
	rows := aggregate([]row{
		{scenario: "hello", load: "hello", rps: 10_000},
		{scenario: "getUser", load: "getUser", rps: 1_000, p50: 4 * ms, errors: 1, firstErr: "503", peakRSSKiB: 40},
		{scenario: "hello", load: "hello", rps: 8_000},
		{scenario: "getUser", load: "getUser", rps: 3_000, p50: 2 * ms, errors: 2, peakRSSKiB: 50},
		{scenario: "hello", load: "hello", rps: 12_000},
	})
	if len(rows) != 2 || rows[0].scenario != "hello" || rows[1].scenario != "getUser" {
		t.Fatalf("rows %+v", rows)
	}
	h, g := rows[0], rows[1]
	if h.rps != 10_000 || h.rpsMin != 8_000 || h.rpsMax != 12_000 || h.samples != 3 {
		t.Errorf("hello %+v", h)
	}
	if g.rps != 2_000 || g.p50 != 3*ms || g.errors != 3 || g.firstErr != "503" || g.peakRSSKiB != 50 {
		t.Errorf("getUser %+v", g)
	}
	var buf bytes.Buffer
	writeTable(&buf, rows)
	if !strings.Contains(buf.String(), "| getUser | 2000 (1000–3000) | 20.0% |") {
		t.Errorf("table:\n%s", buf.String())
	}
}
