// Command loadtest is the load harness of issue 16 (`make loadtest`). It
// seeds a data dir with many users once (cached), builds and starts the real
// kmusers binary on a loopback port, runs each scenario for a fixed time with
// a fixed number of connections next to a bare Go hello server (the
// calibration, started in the same run), and prints the table that goes in
// docs/PERFORMANCE.md. Every process it starts is killed when it ends or is
// interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	duration    time.Duration
	warmup      time.Duration
	conns       int
	loginConns  int
	users       int
	coldStarts  int
	rounds      int
	maxRequests int
	dir         string
	bin         string
	only        string
	reseed      bool
	multi       string // a PostgreSQL URL: N=2 processes against N=1 (multi.go)
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == helloArg {
		serveHello(os.Args[2])
		return
	}
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	procs := &children{}
	if o.multi != "" {
		err = runMulti(ctx, o, procs, os.Stdout)
	} else {
		err = run(ctx, o, procs, os.Stdout)
	}
	procs.killAll()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each scenario")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured run before each scenario")
	fs.IntVar(&o.conns, "conns", 16, "concurrent connections of each scenario")
	fs.IntVar(&o.loginConns, "login-conns", 8, "connections that log in, alone and beside the views")
	fs.IntVar(&o.users, "users", 100_000, "seeded users")
	fs.IntVar(&o.coldStarts, "cold-starts", 5, "measured starts of kmusers to its first 200 on /healthz")
	fs.IntVar(&o.rounds, "rounds", 1, "rounds of every scenario, interleaved; the table gives the median")
	fs.IntVar(&o.maxRequests, "max-requests", 5_000_000, "upper bound of requests per scenario")
	fs.StringVar(&o.dir, "dir", filepath.Join(os.TempDir(), "kmusers-loadtest"), "folder of the cached seed, the run copy and the built binary")
	fs.StringVar(&o.bin, "bin", "", "kmusers binary (default: go build ./cmd/kmusers into -dir)")
	fs.StringVar(&o.only, "only", "", "comma-separated scenario names to run (default: all)")
	fs.BoolVar(&o.reseed, "reseed", false, "seed again even when a cached seed exists")
	fs.StringVar(&o.multi, "multi", "", "a PostgreSQL URL: measure getUser and editUser with 2 kmusers processes over it against 1")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.duration <= 0 || o.conns < 1 || o.loginConns < 1 || o.users < 1 || o.coldStarts < 1 || o.rounds < 1 || o.maxRequests < 1 {
		err := fmt.Errorf("duration, conns, login-conns, users, cold-starts, rounds and max-requests must be positive")
		fmt.Fprintln(stderr, err)
		return o, err
	}
	return o, nil
}

// wants tells whether -only selects the scenario.
func (o options) wants(name string) bool {
	if o.only == "" {
		return true
	}
	for _, n := range strings.Split(o.only, ",") {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return true
		}
	}
	return false
}
