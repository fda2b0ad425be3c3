package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/heappeak"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// benchUsers is the size of the benchmark database.
const benchUsers = 100_000

var bench struct {
	once sync.Once
	dir  string
	v    *env
	op   string
	user string
	err  error
}

// benchEnv is one database of 100,000 users shared by the benchmarks.
func benchEnv(b *testing.B) *env {
	b.Helper()
	bench.once.Do(func() { bench.err = seedBench() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.v
}

func seedBench() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kmusers-bench")
	if err != nil {
		return err
	}
	bench.dir = dir
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lb := &testkit.Buffer{}
	svc, err := users.New(ctx, users.Options{Store: db, JWTSecret: []byte("bench secret bench secret bench!!"),
		Log: lb.Logger()})
	if err != nil {
		return err
	}
	if err := benchdata.Seed(ctx, db, benchUsers); err != nil {
		return err
	}
	v := &env{e: server.New(server.Deps{API: api.New(svc, log), DB: db, Log: log}), svc: svc, db: db, log: lb}
	bench.v = v
	code := lb.LastCode(testkit.OperatorCode)
	if err := svc.Create(ctx, nil, users.NewAccount{Login: "benchop", Password: pw, Role: "admin", Code: &code}); err != nil {
		return err
	}
	res, err := svc.Login(ctx, "127.0.0.1", "benchop", pw, nil)
	if err != nil {
		return err
	}
	bench.op = res.Token
	res, err = svc.Login(ctx, "127.0.0.1", "user000002", pw, nil)
	if err != nil {
		return err
	}
	bench.user = res.Token
	return nil
}

// benchDo sends a command through the real router, failing on anything but
// 200; the answer is not decoded, so the figure is the server's work.
func benchDo(b *testing.B, v *env, token, cmd string, args any) {
	body, _ := json.Marshal(map[string]any{"cmd": cmd, "body": args})
	req := httptest.NewRequest(http.MethodPost, "/api/command", bytes.NewReader(body))
	req.Header.Set("Authorization", token)
	w := &discardWriter{header: http.Header{}}
	v.e.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		b.Fatalf("%s: %d %s", cmd, w.status, w.head)
	}
}

// discardWriter is a client that reads the answer off the wire: it keeps
// only the status and the first bytes, as a socket would not buffer it.
type discardWriter struct {
	header http.Header
	status int
	head   []byte
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(s int)   { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if len(w.head) < 512 {
		w.head = append(w.head, p[:min(len(p), 512-len(w.head))]...)
	}
	return len(p), nil
}

func BenchmarkGetUsersPage(b *testing.B) {
	v := benchEnv(b)
	for _, from := range []int{0, 50_000, 99_950} {
		for _, who := range []string{"operator", "user"} {
			b.Run(fmt.Sprintf("from=%d/%s", from, who), func(b *testing.B) {
				tok := bench.op
				if who == "user" {
					tok = bench.user
				}
				for b.Loop() {
					benchDo(b, v, tok, "getUsers", map[string]any{"from": from, "size": 50})
				}
			})
		}
	}
	b.Run("filter", func(b *testing.B) {
		for b.Loop() {
			benchDo(b, v, bench.op, "getUsers", map[string]any{"filter": "user0999", "size": 50})
		}
	})
}

// BenchmarkGetUsersAll also reports the peak heap above the idle heap while
// the whole list is served.
func BenchmarkGetUsersAll(b *testing.B) {
	v := benchEnv(b)
	stop := heappeak.Start()
	for b.Loop() {
		benchDo(b, v, bench.op, "getUsers", map[string]any{})
	}
	b.ReportMetric(stop(), "peak-extra-MiB")
}

func BenchmarkGetUser(b *testing.B) {
	v := benchEnv(b)
	for b.Loop() {
		benchDo(b, v, bench.user, "getUser", map[string]any{"username": "user054321"})
	}
}

// BenchmarkGate is the token check plus the role lookup, without HTTP.
func BenchmarkGate(b *testing.B) {
	v := benchEnv(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := v.svc.Authenticate(ctx, bench.user); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEditMyAccount(b *testing.B) {
	v := benchEnv(b)
	i := 0
	for b.Loop() {
		i++
		benchDo(b, v, bench.user, "editMyAccount", map[string]any{"bio": fmt.Sprintf("bio %d", i), "flag_public": i%2 == 0})
	}
}

func BenchmarkLogin(b *testing.B) {
	v := benchEnv(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.svc.Login(context.Background(), "127.0.0.1", "user000004", pw, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMain removes the benchmark database after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		if bench.v != nil {
			bench.v.db.Close()
		}
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}
