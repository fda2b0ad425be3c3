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
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/api"
	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/heappeak"
	"github.com/kmusers/kmusers/internal/server"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/store/storetest"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// benchUsers is the size of the benchmark database.
const benchUsers = 100_000

type benchState struct {
	once sync.Once
	dir  string
	v    *env
	op   string
	user string
	err  error
}

// benches are the benchmark databases, one per backend; bench is the
// current pass's (testkit.RunBackends runs the benchmarks once per backend).
var (
	benches = map[testkit.Backend]*benchState{testkit.SQLite: {}, testkit.Postgres: {}}
	bench   *benchState
)

// benchEnv is one database of 100,000 users shared by the benchmarks.
func benchEnv(b *testing.B) *env {
	b.Helper()
	bench = benches[testkit.Current()]
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
	dsn, err := testkit.PassDB(dir)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, dsn)
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
	if err := db.Settle(ctx); err != nil {
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

// BenchmarkGetUsersPage reads pages of 50: the first, one in the middle and
// the last full page of what each viewer sees (users see public users only,
// so their last page starts earlier than an operator's).
func BenchmarkGetUsersPage(b *testing.B) {
	v := benchEnv(b)
	for _, who := range []string{"operator", "user"} {
		tok := bench.op
		if who == "user" {
			tok = bench.user
		}
		total := visibleUsers(b, v, tok)
		for _, at := range []struct {
			name string
			from int
		}{{"first", 0}, {"middle", total / 2}, {"last", total - 50}} {
			b.Run(fmt.Sprintf("%s/%s", at.name, who), func(b *testing.B) {
				if n := pageLen(b, v, tok, at.from); n != 50 {
					b.Fatalf("from=%d of %d: %d users, want a full page", at.from, total, n)
				}
				for b.Loop() {
					benchDo(b, v, tok, "getUsers", map[string]any{"from": at.from, "size": 50})
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

// BenchmarkEditUser is an operator's edit of another account (a guest
// would refuse nothing, so user000006, an even, visible user).
func BenchmarkEditUser(b *testing.B) {
	v := benchEnv(b)
	i := 0
	for b.Loop() {
		i++
		benchDo(b, v, bench.op, "editUser", map[string]any{"login": "user000006", "bio": fmt.Sprintf("bio %d", i)})
	}
}

// BenchmarkLogin logs in through the router, like every API figure, on both
// cores at once: bcrypt is the cost.
func BenchmarkLogin(b *testing.B) {
	v := benchEnv(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchDo(b, v, "", "login", map[string]any{"username": "user000004", "password": pw})
		}
	})
}

// visibleUsers is how many users the token's owner sees in the list.
func visibleUsers(b *testing.B, v *env, token string) int {
	u, err := v.svc.Authenticate(context.Background(), token)
	if err != nil {
		b.Fatal(err)
	}
	n, err := v.svc.Count(context.Background(), u, users.ListQuery{})
	if err != nil {
		b.Fatal(err)
	}
	return int(n)
}

// pageLen reads one page whole and counts its users.
func pageLen(b *testing.B, v *env, token string, from int) int {
	body, _ := json.Marshal(map[string]any{"cmd": "getUsers", "body": map[string]any{"from": from, "size": 50}})
	req := httptest.NewRequest(http.MethodPost, "/api/command", bytes.NewReader(body))
	req.Header.Set("Authorization", token)
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	var r struct{ Data []json.RawMessage }
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		b.Fatalf("getUsers from=%d: %v", from, err)
	}
	return len(r.Data)
}

// TestMain runs every test of the package on SQLite, then on PostgreSQL,
// and removes the benchmark database after the run.
func TestMain(m *testing.M) {
	code := testkit.RunBackends(m, func(dsn string) error {
		err := storetest.Migrate(dsn)
		closeBench() // the SQLite pass's, before the PostgreSQL pass starts
		return err
	})
	closeBench()
	os.Exit(code)
}

func closeBench() {
	for _, st := range benches {
		if st.v != nil {
			st.v.db.Close()
			st.v = nil
		}
		if st.dir != "" {
			os.RemoveAll(st.dir)
			st.dir = ""
		}
	}
}
