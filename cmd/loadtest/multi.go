package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/users"
)

// runMulti measures N kmusers processes over one PostgreSQL against one
// process over the same database (issue 14): the view (getUser) and the
// update (editUser), each request sent to one of the N processes at random,
// as a load balancer would. The database is seeded once (o.users users).
func runMulti(ctx context.Context, o options, procs *children, out io.Writer) error {
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	bin := o.bin
	if bin == "" {
		var err error
		if bin, err = buildKmusers(ctx, o.dir); err != nil {
			return err
		}
	}
	if err := seedDatabase(ctx, o, bin, out); err != nil {
		return err
	}
	client := newClient()
	fmt.Fprintf(out, "loadtest -multi: %d users on PostgreSQL, %s per scenario after %s warm-up, %d connections\n",
		o.users, o.duration, o.warmup, o.conns)
	type result struct {
		n        int
		scenario string
		t        tally
		cpu      float64
	}
	var results []result
	for _, n := range []int{1, 2} {
		var ps []*proc
		var bases []string
		for i := range n {
			data := filepath.Join(o.dir, fmt.Sprintf("multi-%d-%d", n, i))
			if err := os.RemoveAll(data); err != nil {
				return err
			}
			p, err := startServer(ctx, procs, fmt.Sprintf("kmusers %d/%d", i+1, n),
				[]string{bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--db", o.multi, "--log-format", "json"})
			if err != nil {
				return err
			}
			if _, err := firstOK(ctx, client, p.base); err != nil {
				return err
			}
			ps, bases = append(ps, p), append(bases, p.base)
		}
		s := session{}
		var err error
		if s.operatorToken, err = apiLogin(ctx, client, bases[0], operatorLogin); err != nil {
			return err
		}
		if s.viewerToken, err = apiLogin(ctx, client, bases[0], viewerLogin); err != nil {
			return err
		}
		for _, sc := range multiScenarios(bases, s, o) {
			if !o.wants(sc.name) {
				continue
			}
			if o.warmup > 0 {
				drive(ctx, client, []load{sc}, o.warmup, o.maxRequests)
			}
			var cpu0 time.Duration
			for _, p := range ps {
				c, _ := cpuTime(p.pid())
				cpu0 += c
			}
			t := drive(ctx, client, []load{sc}, o.duration, o.maxRequests)[0]
			var cpu1 time.Duration
			for _, p := range ps {
				c, _ := cpuTime(p.pid())
				cpu1 += c
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			r := result{n: n, scenario: sc.name, t: t, cpu: (cpu1 - cpu0).Seconds() / t.elapsed.Seconds()}
			results = append(results, r)
			fmt.Fprintf(out, "N=%d %-10s %9.0f rps  p50 %-9s p99 %-9s errors %d  kmusers CPU %.2f\n", n, sc.name, t.rps(),
				fmtDur(percentile(t.latencies, 50)), fmtDur(percentile(t.latencies, 99)), t.errors, r.cpu)
			if t.firstErr != "" {
				fmt.Fprintf(out, "      first error: %s\n", t.firstErr)
			}
			client.CloseIdleConnections()
		}
		for _, p := range ps {
			p.stop()
		}
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| processes | scenario | rps | p50 | p99 | errors | kmusers CPU (cores) | vs N=1 |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		ratio := "1.00"
		for _, one := range results {
			if one.n == 1 && one.scenario == r.scenario && one.t.rps() > 0 {
				ratio = fmt.Sprintf("%.2f", r.t.rps()/one.t.rps())
			}
		}
		fmt.Fprintf(out, "| %d | %s | %.0f | %s | %s | %d | %.2f | %s |\n", r.n, r.scenario, r.t.rps(),
			fmtDur(percentile(r.t.latencies, 50)), fmtDur(percentile(r.t.latencies, 99)), r.t.errors, r.cpu, ratio)
	}
	return nil
}

// multiScenarios are the view and the update, spread over the processes.
func multiScenarios(bases []string, s session, o options) []load {
	pick := func(rng *rand.Rand) string { return bases[rng.IntN(len(bases))] }
	publicLogin := func(rng *rand.Rand) string {
		for {
			if i := rng.IntN(o.users); i%10 != 0 {
				return fmt.Sprintf("user%06d", i)
			}
		}
	}
	userLogin := func(rng *rand.Rand) string { return fmt.Sprintf("user%06d", 2*rng.IntN((o.users+1)/2)) }
	return []load{
		{name: "getUser", conns: o.conns, next: func(rng *rand.Rand) *http.Request {
			return command(pick(rng), s.viewerToken, "getUser", fmt.Appendf(nil, `{"username":%q}`, publicLogin(rng)))
		}},
		{name: "editUser", conns: o.conns, next: func(rng *rand.Rand) *http.Request {
			return command(pick(rng), s.operatorToken, "editUser",
				fmt.Appendf(nil, `{"login":%q,"bio":"load %d"}`, userLogin(rng), rng.Uint32()))
		}},
	}
}

// seedDatabase seeds the database of -multi once: the operator's presence
// marks a finished seed.
func seedDatabase(ctx context.Context, o options, bin string, log io.Writer) error {
	db, err := store.Open(ctx, o.multi)
	if err != nil {
		return err
	}
	_, err = db.UserByLogin(ctx, operatorLogin)
	if err == nil && !o.reseed {
		fmt.Fprintln(log, "seed: reusing the database's users")
		return db.Close()
	}
	if err != nil && !errors.Is(err, users.ErrNotFound) {
		db.Close()
		return err
	}
	t := time.Now()
	err = benchdata.Seed(ctx, db, o.users)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, "create-operator", operatorLogin, "--data", filepath.Join(o.dir, "multi-seed"), "--db", o.multi)
	cmd.Env = serverEnv()
	cmd.Stdin = strings.NewReader(benchdata.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("create-operator: %w\n%s", err, out)
	}
	fmt.Fprintf(log, "seed: %d users in the database (%.1f s)\n", o.users, time.Since(t).Seconds())
	return nil
}
