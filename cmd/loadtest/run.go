package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kmusers/kmusers/internal/benchdata"
)

// run seeds, starts the servers, measures every scenario and prints the table.
func run(ctx context.Context, o options, procs *children, out io.Writer) error {
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	bin := o.bin
	if bin == "" {
		var err error
		if bin, err = buildKmusers(ctx, o.dir); err != nil {
			return err
		}
	} else if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	seed, err := seedDir(ctx, o, bin, out)
	if err != nil {
		return err
	}
	data := filepath.Join(o.dir, "run")
	if err := freshCopy(seed, data); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	client := newClient()
	m := &meter{o: o, client: client, out: out}
	fmt.Fprintf(out, "loadtest: %d users, %s per scenario after %s warm-up, %d connections (%d logging in), %d round(s), GOMAXPROCS of this client %d\n",
		o.users, o.duration, o.warmup, o.conns, o.loginConns, o.rounds, gomaxprocs())

	// The hello server is measured at the start of each round and once more
	// at the end: the machine is shared, so the spread is printed and the
	// median is the reference.
	hello, err := startServer(ctx, procs, "hello", []string{self, helloArg, "127.0.0.1:0"})
	if err != nil {
		return err
	}
	helloLoad := []load{{name: "hello", conns: o.conns, next: func(*rand.Rand) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, hello.base+"/", nil)
		return req
	}}}

	// Cold starts: one unmeasured start migrates the fresh copy and warms
	// the file cache, then each measured start runs to its first 200.
	argv := []string{bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-format", "json"}
	var colds, coldCPU []time.Duration
	var srv *proc
	for i := 0; i <= o.coldStarts; i++ {
		if srv != nil {
			srv.stop()
		}
		client.CloseIdleConnections()
		if srv, err = startServer(ctx, procs, "kmusers", argv); err != nil {
			return err
		}
		at, err := firstOK(ctx, client, srv.base)
		if err != nil {
			return err
		}
		if i > 0 {
			colds = append(colds, at.Sub(srv.started))
			if cpu, err := threadsCPU(srv.pid()); err == nil {
				coldCPU = append(coldCPU, cpu)
			}
		}
		if !o.wants("coldStart") {
			break
		}
	}
	if len(colds) > 0 {
		m.rows = append(m.rows, coldRow(colds, coldCPU))
	}

	s, err := logIn(ctx, client, srv.base)
	if err != nil {
		return err
	}
	for round := 1; round <= o.rounds; round++ {
		if o.rounds > 1 {
			fmt.Fprintf(out, "round %d of %d\n", round, o.rounds)
		}
		if err := m.measure(ctx, hello, "hello", helloLoad); err != nil {
			return err
		}
		for _, sc := range scenarios(srv.base, s, o) {
			if !o.wants(sc.name) {
				continue
			}
			if err := m.measure(ctx, srv, sc.name, sc.loads); err != nil {
				return err
			}
			if !srv.alive() {
				return fmt.Errorf("kmusers exited during %s:\n%s", sc.name, srv.tail.String())
			}
		}
	}
	srv.stop()
	if err := m.measure(ctx, hello, "hello", helloLoad); err != nil {
		return err
	}
	hello.stop()

	rows := aggregate(m.rows)
	fmt.Fprintln(out)
	writeTable(out, rows)
	fmt.Fprintln(out)
	writeVerdicts(out, judge(rows))
	return nil
}

// session holds what the scenarios need to be logged in.
type session struct {
	operatorToken string
	viewerToken   string
	panelCookie   string // name=value of the operator's panel session
}

// logIn logs the operator and a user in through the API, and the operator
// through the panel's /login form with its CSRF token.
func logIn(ctx context.Context, client *http.Client, base string) (session, error) {
	var s session
	var err error
	if s.operatorToken, err = apiLogin(ctx, client, base, operatorLogin); err != nil {
		return s, err
	}
	if s.viewerToken, err = apiLogin(ctx, client, base, viewerLogin); err != nil {
		return s, err
	}
	s.panelCookie, err = panelLogin(ctx, client, base, operatorLogin)
	return s, err
}

func apiLogin(ctx context.Context, client *http.Client, base, login string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": login, "password": benchdata.Password})
	resp, err := client.Do(command(base, "", "login", body).WithContext(ctx))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusOK || r.Data.Token == "" {
		return "", fmt.Errorf("login %s: %s %v", login, resp.Status, err)
	}
	return r.Data.Token, nil
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfToken finds the form's CSRF token in a page.
func csrfToken(page []byte) (string, bool) {
	m := csrfInput.FindSubmatch(page)
	if m == nil {
		return "", false
	}
	return string(m[1]), true
}

// panelLogin reads /login for its session cookie and CSRF token, posts the
// form, and returns the logged-in session cookie.
func panelLogin(ctx context.Context, client *http.Client, base, login string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /login: %s %v", resp.Status, err)
	}
	token, ok := csrfToken(page)
	if !ok {
		return "", errors.New("GET /login: no _csrf field in the form")
	}
	cookie := sessionCookie(resp)
	form := url.Values{"username": {login}, "password": {benchdata.Password}, "_csrf": {token}, "next": {"/users"}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp, err = client.Do(req)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	cookie = sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound || cookie == "" {
		return "", fmt.Errorf("POST /login: %s, want a redirect with a session cookie", resp.Status)
	}
	return cookie, nil
}

// sessionCookie is the Cookie header that sends back what resp set.
func sessionCookie(resp *http.Response) string {
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// scenario is one row of the table: loads run together.
type scenario struct {
	name  string
	loads []load
}

// deepPages is how many pages of 50 the deep-page scenario draws from.
const deepPages = 2000

func scenarios(base string, s session, o options) []scenario {
	// Seeded user i is a user when i is even, a guest when odd, private
	// when i%10 == 0.
	publicLogin := func(rng *rand.Rand) string {
		for {
			if i := rng.IntN(o.users); i%10 != 0 {
				return fmt.Sprintf("user%06d", i)
			}
		}
	}
	userLogin := func(rng *rand.Rand) string { return fmt.Sprintf("user%06d", 2*rng.IntN((o.users+1)/2)) }
	getUser := load{name: "getUser", conns: o.conns, next: func(rng *rand.Rand) *http.Request {
		return command(base, s.viewerToken, "getUser", fmt.Appendf(nil, `{"username":%q}`, publicLogin(rng)))
	}}
	logins := load{name: "login", conns: o.loginConns, next: func(rng *rand.Rand) *http.Request {
		body, _ := json.Marshal(map[string]string{"username": userLogin(rng), "password": benchdata.Password})
		return command(base, "", "login", body)
	}}
	page := func(from int) []byte { return fmt.Appendf(nil, `{"from":%d,"size":50}`, from) }
	pages := min(deepPages, (o.users+44)/50)
	return []scenario{
		{"getUser", []load{getUser}},
		{"editUser", []load{{name: "editUser", conns: o.conns, next: func(rng *rand.Rand) *http.Request {
			return command(base, s.operatorToken, "editUser",
				fmt.Appendf(nil, `{"login":%q,"bio":"load %d"}`, userLogin(rng), rng.Uint32()))
		}}}},
		{"getUsers", []load{{name: "getUsers", conns: o.conns, next: func(*rand.Rand) *http.Request {
			return command(base, s.operatorToken, "getUsers", page(0))
		}}}},
		{"panelUsers", []load{{name: "panelUsers", conns: o.conns, next: func(*rand.Rand) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+"/users", nil)
			req.Header.Set("Cookie", s.panelCookie)
			return req
		}}}},
		{"deepPage", []load{{name: "deepPage", conns: o.conns, next: func(rng *rand.Rand) *http.Request {
			return command(base, s.operatorToken, "getUsers", page(50*rng.IntN(pages)))
		}}}},
		{"login", []load{logins}},
		{"viewsUnderLogins", []load{getUser, logins}},
	}
}

// meter measures scenarios against one server process and keeps the rows.
type meter struct {
	o      options
	client *http.Client
	out    io.Writer
	rows   []row
}

// measure runs a warm-up, then the measured time, and adds one row per load
// with the server's peak RSS and CPU over the scenario.
func (m *meter) measure(ctx context.Context, p *proc, name string, loads []load) error {
	fmt.Fprintf(m.out, "%-20s ", name)
	pid := p.pid()
	exact := resetPeakRSS(pid)
	stopSampling := sampleRSS(pid)
	if m.o.warmup > 0 {
		drive(ctx, m.client, loads, m.o.warmup, m.o.maxRequests)
	}
	cpu0, _ := cpuTime(pid)
	self0, _ := cpuTime(os.Getpid())
	idle0, total0 := machineIdle()
	tallies := drive(ctx, m.client, loads, m.o.duration, m.o.maxRequests)
	cpu1, _ := cpuTime(pid)
	self1, _ := cpuTime(os.Getpid())
	idle1, total1 := machineIdle()
	peak := stopSampling()
	if hwm, err := procStatusKiB(pid, "VmHWM"); err == nil && exact {
		peak = max(peak, hwm)
	}
	parts := rssParts(pid)
	if err := ctx.Err(); err != nil {
		return err
	}
	m.client.CloseIdleConnections()
	machineIdlePct := 0.0
	if total1 > total0 {
		machineIdlePct = 100 * float64(idle1-idle0) / float64(total1-total0)
	}
	for i, t := range tallies {
		r := row{
			scenario: name, load: loads[i].name, rps: t.rps(), requests: t.ok, errors: t.errors, firstErr: t.firstErr,
			p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99), peakRSSKiB: peak,
			serverCPU: (cpu1 - cpu0).Seconds() / tallies[0].elapsed.Seconds(), machineIdle: machineIdlePct,
			clientCPU: (self1 - self0).Seconds() / tallies[0].elapsed.Seconds(),
		}
		m.rows = append(m.rows, r)
		if i > 0 {
			fmt.Fprintf(m.out, "%-20s ", "")
		}
		fmt.Fprintf(m.out, "%-10s %9.0f rps  p50 %-9s p99 %-9s errors %d  RSS %.1f MiB%s  server CPU %.2f  client CPU %.2f  idle %.0f%%\n",
			r.load, r.rps, fmtDur(r.p50), fmtDur(r.p99), r.errors, float64(r.peakRSSKiB)/1024, parts, r.serverCPU, r.clientCPU, r.machineIdle)
		if t.firstErr != "" {
			fmt.Fprintf(m.out, "%-20s first error: %s\n", "", t.firstErr)
		}
	}
	return nil
}

// sampleRSS reads VmRSS every 10 ms until stopped and returns the highest:
// a fallback where VmHWM cannot be reset, and a floor where it can.
func sampleRSS(pid int) (stop func() int64) {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if kib, err := procStatusKiB(pid, "VmRSS"); err == nil {
				mu.Lock()
				peak = max(peak, kib)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// coldRow is the cold-start row: median and slowest of the measured starts,
// and the median CPU time the server spent until its first answer.
func coldRow(colds, cpu []time.Duration) row {
	s := slices.Clone(colds)
	slices.Sort(s)
	return row{scenario: "coldStart", load: "coldStart", p50: s[len(s)/2], p99: s[len(s)-1], requests: len(s),
		readyCPU: median(cpu)}
}
