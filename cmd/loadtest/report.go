package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// row is one line of the table: one load of one scenario.
type row struct {
	scenario    string
	load        string
	rps         float64
	requests    int // answered 200 (cold start: measured starts)
	errors      int
	firstErr    string
	p50, p99    time.Duration
	peakRSSKiB  int64
	serverCPU   float64       // cores busy in the server process
	clientCPU   float64       // cores busy in this harness (the client)
	machineIdle float64       // percent of all cores idle
	readyCPU    time.Duration // cold start: CPU time of the server until its first answer (median)
	// After aggregate: how many measurements, and the spread of their rps.
	samples        int
	rpsMin, rpsMax float64
}

func (r row) label() string {
	if r.load == r.scenario || r.isHello() {
		return r.scenario
	}
	return r.scenario + ": " + r.load
}

func (r row) isHello() bool { return strings.HasPrefix(r.scenario, "hello") }

// helloRPS is the mean of the calibration rows; 0 when there are none.
func helloRPS(rows []row) float64 {
	sum, n := 0.0, 0
	for _, r := range rows {
		if r.isHello() {
			sum += r.rps
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// find returns the row of a scenario's load.
func find(rows []row, scenario, load string) (row, bool) {
	for _, r := range rows {
		if r.scenario == scenario && r.load == load {
			return r, true
		}
	}
	return row{}, false
}

// aggregate folds the measurements of one load over the rounds into one row,
// in the order first measured: medians of rps, latencies, CPU and idle
// time, sums of counts, the highest RSS.
func aggregate(rows []row) []row {
	var order []string
	groups := map[string][]row{}
	for _, r := range rows {
		k := r.scenario + "\x00" + r.load
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]row, 0, len(order))
	for _, k := range order {
		g := groups[k]
		r := g[0]
		r.samples, r.rpsMin, r.rpsMax = len(g), r.rps, r.rps
		var rps, cpu, client, idle []float64
		var p50, p99 []time.Duration
		for i, x := range g {
			rps, cpu, idle = append(rps, x.rps), append(cpu, x.serverCPU), append(idle, x.machineIdle)
			client = append(client, x.clientCPU)
			p50, p99 = append(p50, x.p50), append(p99, x.p99)
			r.rpsMin, r.rpsMax = min(r.rpsMin, x.rps), max(r.rpsMax, x.rps)
			r.peakRSSKiB = max(r.peakRSSKiB, x.peakRSSKiB)
			if i > 0 {
				r.requests += x.requests
				r.errors += x.errors
				if r.firstErr == "" {
					r.firstErr = x.firstErr
				}
			}
		}
		r.rps, r.serverCPU, r.clientCPU, r.machineIdle = median(rps), median(cpu), median(client), median(idle)
		r.p50, r.p99 = median(p50), median(p99)
		out = append(out, r)
	}
	return out
}

// median of a few values; the mean of the middle two for an even count.
func median[T float64 | time.Duration](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// writeTable prints the rows as a Markdown table.
func writeTable(w io.Writer, rows []row) {
	hello := helloRPS(rows)
	fmt.Fprintln(w, "| scenario | rps (min–max) | % of hello | p50 | p99 | errors | peak RSS | server CPU | client CPU | machine idle |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		if r.scenario == "coldStart" {
			fmt.Fprintf(w, "| cold start to first 200 on /healthz (%d starts) | | | %s (median) | %s (slowest) | | | %s CPU to ready (median) | | |\n",
				r.requests, fmtDur(r.p50), fmtDur(r.p99), fmtDur(r.readyCPU))
			continue
		}
		pct := ""
		if hello > 0 {
			pct = fmt.Sprintf("%.1f%%", 100*r.rps/hello)
		}
		rps := fmt.Sprintf("%.0f", r.rps)
		if r.samples > 1 {
			rps += fmt.Sprintf(" (%.0f–%.0f)", r.rpsMin, r.rpsMax)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %.1f MiB | %.2f cores | %.2f cores | %.0f%% |\n",
			r.label(), rps, pct, fmtDur(r.p50), fmtDur(r.p99), r.errors, float64(r.peakRSSKiB)/1024, r.serverCPU, r.clientCPU, r.machineIdle)
	}
}

// verdict is one target of issue 16 against this run.
type verdict struct {
	target   string
	measured string
	met      bool
}

// judge checks the targets; a target whose scenarios did not run is
// left out.
func judge(rows []row) []verdict {
	var v []verdict
	hello := helloRPS(rows)
	share := func(scenario, target string, want float64) {
		r, ok := find(rows, scenario, scenario)
		if !ok || hello == 0 {
			return
		}
		got := 100 * r.rps / hello
		v = append(v, verdict{target, fmt.Sprintf("%.2f%% of hello (%.0f rps)", got, r.rps), got >= want})
	}
	share("getUser", "view one user (getUser) ≥ 20% of hello", 20)
	share("editUser", "update one user (editUser) ≥ 4.5% of hello", 4.5)
	share("getUsers", "list page of 50 (getUsers) ≥ 5% of hello", 5)
	share("panelUsers", "panel /users page ≥ 3% of hello", 3)
	if deep, ok := find(rows, "deepPage", "deepPage"); ok {
		if first, ok := find(rows, "getUsers", "getUsers"); ok && first.rps > 0 {
			got := 100 * deep.rps / first.rps
			v = append(v, verdict{"deep page ≥ 70% of page 1", fmt.Sprintf("%.0f%% of page 1", got), got >= 70})
		}
	}
	views, ok1 := find(rows, "viewsUnderLogins", "getUser")
	logins, ok2 := find(rows, "viewsUnderLogins", "login")
	alone, ok3 := find(rows, "getUser", "getUser")
	ceiling, ok4 := find(rows, "login", "login")
	if ok1 && ok2 && ok3 && ok4 && alone.rps > 0 && ceiling.rps > 0 {
		gv, gl := 100*views.rps/alone.rps, 100*logins.rps/ceiling.rps
		v = append(v, verdict{"views while logins ≥ 50% of views alone, logins ≥ 50% of the bcrypt ceiling",
			fmt.Sprintf("views %.0f%% of alone, logins %.0f%% of ceiling (%.0f of %.0f/s)", gv, gl, logins.rps, ceiling.rps),
			gv >= 50 && gl >= 50})
	}
	if cold, ok := find(rows, "coldStart", "coldStart"); ok {
		v = append(v, verdict{"cold start to first answer ≤ 15 ms", fmtDur(cold.p50) + " (median; server CPU to ready " + fmtDur(cold.readyCPU) + ")",
			cold.p50 <= 15*time.Millisecond})
	}
	var peak int64
	var where string
	for _, r := range rows {
		if !r.isHello() && r.peakRSSKiB > peak {
			peak, where = r.peakRSSKiB, r.scenario
		}
	}
	if peak > 0 {
		v = append(v, verdict{"peak RSS in any scenario ≤ 64 MiB", fmt.Sprintf("%.1f MiB (%s)", float64(peak)/1024, where), peak <= 64*1024})
	}
	return v
}

func writeVerdicts(w io.Writer, vs []verdict) {
	fmt.Fprintln(w, "| target (issue 16) | this run | met |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, v := range vs {
		mark := "no"
		if v.met {
			mark = "yes"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", v.target, v.measured, mark)
	}
}

// fmtDur prints a latency with three significant figures.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
