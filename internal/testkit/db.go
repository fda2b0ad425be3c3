package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Backend is a database kmusers runs on.
type Backend string

// The backends every store, service, API and panel test runs on.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// The environment that RunBackends reads.
const (
	// EnvPG is a PostgreSQL server URL where tests may create and drop
	// databases (kmt_…). `make test` starts a throwaway cluster and sets it.
	EnvPG = "KMUSERS_TEST_PG"
	// EnvPGOptional=1 turns a missing EnvPG from a failure into a skip.
	EnvPGOptional = "KMUSERS_PG_OPTIONAL"
	// EnvBackend=sqlite or postgres runs one pass only, while iterating.
	EnvBackend = "KMUSERS_TEST_BACKEND"
	// EnvFailFast=1 skips the PostgreSQL pass once the SQLite pass failed.
	EnvFailFast = "KMUSERS_TEST_FAILFAST"
)

// pgMissing says what to do when EnvPG is absent.
const pgMissing = EnvPG + " is not set: the PostgreSQL pass of these tests needs a server where they may create databases, " +
	"e.g. " + EnvPG + "=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. " +
	"`make test` starts a throwaway one itself (scripts/test-pg); " + EnvPGOptional + "=1 skips the pass instead."

var (
	current = SQLite // the backend of the running pass

	pgMu       sync.Mutex
	pgAdmin    *sql.DB // the EnvPG server, for CREATE and DROP DATABASE
	pgServer   *url.URL
	pgTemplate string   // the migrated database each test's is copied from
	pgPassDBs  []string // PassDB's, dropped with the template
)

// Current is the backend of the running pass.
func Current() Backend { return current }

// RunBackends runs a package's tests once per backend, SQLite then
// PostgreSQL, from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testkit.RunBackends(m, migrate)) }
//
// prepare migrates an empty database (open the store, close it): on
// PostgreSQL it runs once, on a template that each test's database is then
// copied from, which is much faster than migrating each. A missing EnvPG
// fails the PostgreSQL pass with the way to get one (or skips it with
// EnvPGOptional=1).
func RunBackends(m *testing.M, prepare func(dsn string) error) int {
	code := 0
	for _, b := range []Backend{SQLite, Postgres} {
		if only := os.Getenv(EnvBackend); only != "" && only != string(b) {
			continue
		}
		if code != 0 && os.Getenv(EnvFailFast) == "1" {
			break // the mutation runner needs one failure, not both passes
		}
		current = b
		if b == Postgres {
			c, ok := startPostgresPass(prepare)
			if !ok {
				code = max(code, c)
				continue
			}
		}
		fmt.Printf("=== backend %s\n", b)
		code = max(code, m.Run())
		if b == Postgres {
			endPostgresPass()
		}
	}
	return code
}

func startPostgresPass(prepare func(dsn string) error) (int, bool) {
	if os.Getenv(EnvPG) == "" {
		if os.Getenv(EnvPGOptional) == "1" {
			fmt.Println("=== backend postgres SKIPPED:", pgMissing)
			return 0, false
		}
		fmt.Fprintln(os.Stderr, "FAIL: backend postgres:", pgMissing)
		return 1, false
	}
	if err := connectPG(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: backend postgres:", err)
		return 1, false
	}
	name, err := createPG("kmt_tpl_", "template0")
	if err == nil && prepare != nil {
		err = prepare(pgDSN(name))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: backend postgres: template database:", err)
		if name != "" {
			dropPG(name)
		}
		return 1, false
	}
	pgTemplate = name
	return 0, true
}

func endPostgresPass() {
	for _, name := range pgPassDBs {
		dropPG(name)
	}
	pgPassDBs = nil
	dropPG(pgTemplate)
	pgTemplate = ""
}

// DB is a fresh, empty database for t on the current backend, as the DSN
// that store.Open takes: a SQLite file in t's temp dir, or a new PostgreSQL
// database dropped when t ends (after the cleanups t registers later, such
// as closing the store). Opening it twice opens the same database.
func DB(t testing.TB) string {
	t.Helper()
	return DBOn(t, current)
}

// DBOn is DB on a given backend, for tests that compare backends or run
// on one only.
func DBOn(t testing.TB, b Backend) string {
	t.Helper()
	return newDB(t, b, pgTemplate)
}

// EmptyDB is a database on b that no migration has touched yet, for tests
// of the migrations themselves.
func EmptyDB(t testing.TB, b Backend) string {
	t.Helper()
	return newDB(t, b, "")
}

func newDB(t testing.TB, b Backend, tpl string) string {
	t.Helper()
	if b == SQLite {
		return filepath.Join(t.TempDir(), "kmusers.db")
	}
	if os.Getenv(EnvPG) == "" {
		if os.Getenv(EnvPGOptional) == "1" {
			t.Skip(pgMissing)
		}
		t.Fatal(pgMissing)
	}
	if err := connectPG(); err != nil {
		t.Fatal(err)
	}
	if tpl == "" {
		tpl = "template0"
	}
	name, err := createPG("kmt_", tpl)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropPG(name) })
	return pgDSN(name)
}

// PassDB is a fresh database on the current backend that lasts as long as
// the pass, for a benchmark database seeded once and shared: a SQLite file
// in dir (the caller removes dir), or a PostgreSQL database dropped when
// the PostgreSQL pass ends.
func PassDB(dir string) (string, error) {
	if current == SQLite {
		return filepath.Join(dir, "bench.db"), nil
	}
	if err := connectPG(); err != nil {
		return "", err
	}
	name, err := createPG("kmt_pass_", pgTemplate)
	if err != nil {
		return "", err
	}
	pgMu.Lock()
	pgPassDBs = append(pgPassDBs, name)
	pgMu.Unlock()
	return pgDSN(name), nil
}

// OnlySQLite skips t on the PostgreSQL pass: for what only SQLite has
// (files, pragmas).
func OnlySQLite(t testing.TB, why string) {
	t.Helper()
	if current != SQLite {
		t.Skip("SQLite only: " + why)
	}
}

func connectPG() error {
	pgMu.Lock()
	defer pgMu.Unlock()
	if pgAdmin != nil {
		return nil
	}
	u, err := url.Parse(os.Getenv(EnvPG))
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("%s=%q is not a postgres:// URL", EnvPG, os.Getenv(EnvPG))
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("%s: %w", EnvPG, err)
	}
	pgAdmin, pgServer = db, u
	return nil
}

// createPG creates a database named prefix + random from template. The
// first, made from template0, gets a linguistic ICU collation when the
// server has one: kmusers must behave the same under any collation, and
// "C" would hide the difference.
func createPG(prefix, template string) (string, error) {
	var b [6]byte
	rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	q := fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if template == "template0" {
		icu := q + ` ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`
		if _, err := pgAdmin.ExecContext(ctx, icu); err == nil {
			return name, nil
		}
	}
	if _, err := pgAdmin.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	return name, nil
}

func dropPG(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pgAdmin.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
}

// pgDSN is the URL of database name on the EnvPG server.
func pgDSN(name string) string {
	u := *pgServer
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
