package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// children are the processes this run started; killAll ends each by its id.
type children struct {
	mu    sync.Mutex
	procs []*proc
}

func (c *children) add(p *proc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.procs = append(c.procs, p)
}

func (c *children) killAll() {
	c.mu.Lock()
	ps := c.procs
	c.procs = nil
	c.mu.Unlock()
	for _, p := range ps {
		p.kill()
	}
}

// proc is one started server: kmusers or the hello server.
type proc struct {
	name    string
	cmd     *exec.Cmd
	base    string    // http://127.0.0.1:PORT
	started time.Time // just before exec
	done    chan struct{}
	tail    *lineTail
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// alive is false once the process has exited.
func (p *proc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill ends the process at once and waits for it.
func (p *proc) kill() {
	if p.alive() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// stop asks the process to drain and exit, and kills it after 15 s.
func (p *proc) stop() {
	if p.alive() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.kill()
	}
}

// startServer starts a server told to listen on 127.0.0.1:0 and waits for
// the JSON log line {"msg":"listening","addr":"http://…"} on its stderr.
func startServer(ctx context.Context, procs *children, name string, argv []string) (*proc, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = serverEnv()
	cmd.Stdout = io.Discard
	cmd.Stderr = w
	// The server dies with this process even when it is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), tail: &lineTail{max: 30}}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	w.Close()
	procs.add(p)
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	addr := make(chan string, 1)
	go p.readLog(r, addr)
	select {
	case a := <-addr:
		p.base = a
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before listening:\n%s", name, p.tail.String())
	case <-time.After(2 * time.Minute):
		p.kill()
		return nil, fmt.Errorf("%s did not listen within 2 minutes:\n%s", name, p.tail.String())
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
}

// readLog finds the listening address, then keeps reading (a full pipe would
// block the server) and remembers only the last lines, for error messages.
func (p *proc) readLog(r *os.File, addr chan<- string) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	found := false
	for sc.Scan() {
		line := sc.Text()
		p.tail.add(line)
		if !found {
			if a, ok := listeningAddr(line); ok {
				found = true
				addr <- a
			}
		}
	}
}

// listeningAddr reads the address out of a JSON log line of kmusers (or of
// the hello server, which prints the same line).
func listeningAddr(line string) (string, bool) {
	var l struct {
		Msg  string `json:"msg"`
		Addr string `json:"addr"`
	}
	if json.Unmarshal([]byte(line), &l) != nil || l.Msg != "listening" || !strings.HasPrefix(l.Addr, "http://127.0.0.1:") {
		return "", false
	}
	return l.Addr, true
}

// serverEnv is this environment without KMUSERS_* settings, so that only the
// harness's flags configure the server.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KMUSERS_") {
			env = append(env, kv)
		}
	}
	return env
}

// firstOK waits for the first 200 on /healthz and returns when it came. The
// server listens before it logs the address, so this is one request in the
// usual case; a 503 (database not ready) is asked again, a bounded number of
// times.
func firstOK(ctx context.Context, client *http.Client, base string) (time.Time, error) {
	for range 10_000 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := client.Do(req)
		if err != nil {
			var op *net.OpError
			if ctx.Err() != nil || !errors.As(err, &op) {
				return time.Time{}, err
			}
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return time.Now(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s/healthz never answered 200", base)
}

// lineTail keeps the last lines of a log.
type lineTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *lineTail) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == t.max {
		t.lines = append(t.lines[:0], t.lines[1:]...)
	}
	t.lines = append(t.lines, s)
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// procStatusKiB reads one "Name:   123 kB" field of /proc/PID/status.
func procStatusKiB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return statusField(string(b), field)
}

func statusField(status, field string) (int64, error) {
	for _, line := range strings.Split(status, "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			break
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

// rssParts says what the RSS is made of at the end of a scenario: anonymous
// memory (Go's heap and stacks, SQLite's page caches), file pages (the
// binary, a mapped database) and shared memory (SQLite's WAL index), as
// " (anon A, file F, shmem S MiB)", or "" when unreadable.
func rssParts(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	var mib [3]float64
	for i, f := range []string{"RssAnon", "RssFile", "RssShmem"} {
		kib, err := statusField(string(b), f)
		if err != nil {
			return ""
		}
		mib[i] = float64(kib) / 1024
	}
	return fmt.Sprintf(" (anon %.1f, file %.1f, shmem %.1f MiB)", mib[0], mib[1], mib[2])
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux 4.0+), so the next
// VmHWM read is the peak of one scenario.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// clockTicks is USER_HZ, 100 on every Linux the project runs on.
const clockTicks = 100

// cpuTime is the user+system CPU time of a process so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return statCPU(string(b))
}

// statCPU reads utime and stime (fields 14 and 15) of /proc/PID/stat; the
// command name in parentheses may hold spaces, so fields count from the last ')'.
func statCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("bad /proc stat")
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(u+s) * time.Second / clockTicks, nil
}

// threadsCPU is the CPU time of a process so far, summed over its threads'
// /proc/PID/task/TID/schedstat (nanoseconds). Unlike the wall time of a cold
// start it hardly moves with the machine's load, and unlike /proc/PID/stat
// it is not counted in 10 ms ticks. Threads that already exited are not
// counted (Go's threads live as long as the process).
func threadsCPU(pid int) (time.Duration, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread exited meanwhile
		}
		ns, err := schedstatRun(string(b))
		if err != nil {
			return 0, err
		}
		sum += ns
	}
	return sum, nil
}

// schedstatRun reads the first field of a schedstat line: time on a CPU, in ns.
func schedstatRun(line string) (time.Duration, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return 0, errors.New("empty schedstat")
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns), err
}

// machineIdle reads the idle and total jiffies of all CPUs from /proc/stat.
func machineIdle() (idle, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i == 3 || i == 4 { // idle, iowait
			idle += n
		}
	}
	return idle, total
}
