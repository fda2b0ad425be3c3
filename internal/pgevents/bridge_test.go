package pgevents_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmusers/kmusers/internal/events"
	"github.com/kmusers/kmusers/internal/pgevents"
)

// testDSN is the PostgreSQL of the tests (KMUSERS_TEST_PG), tagged with an
// application name of this test so that it can cut its own connections.
func testDSN(t *testing.T) (dsn, app string) {
	t.Helper()
	base := os.Getenv("KMUSERS_TEST_PG")
	if base == "" {
		// As every PostgreSQL test: a failure, so that a run without the
		// server cannot pass quietly; KMUSERS_PG_OPTIONAL=1 skips instead.
		msg := "KMUSERS_TEST_PG is not set: these tests bridge events over a real PostgreSQL (make test starts one)"
		if os.Getenv("KMUSERS_PG_OPTIONAL") == "1" {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	app = "pgevents_test_" + hex.EncodeToString(b)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "application_name=" + app, app
}

func next(t *testing.T, sub *events.Sub) events.Event {
	t.Helper()
	select {
	case e := <-sub.C:
		return e
	case <-time.After(10 * time.Second): // a bound on a hang, not a wait for a condition
		t.Fatal("no event")
	}
	return events.Event{}
}

func start(t *testing.T, dsn string, o pgevents.Options) *events.Bus {
	t.Helper()
	bus := events.New()
	br, err := pgevents.Start(context.Background(), dsn, bus, slog.New(slog.NewTextHandler(io.Discard, nil)), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(br.Close)
	return bus
}

func TestEventFromAReachesB(t *testing.T) {
	dsn, _ := testDSN(t)
	remote := make(chan events.Event, 8)
	a := start(t, dsn, pgevents.Options{})
	b := start(t, dsn, pgevents.Options{OnRemote: func(e events.Event) { remote <- e }})
	subA, subB := a.Subscribe(8), b.Subscribe(8)

	want := events.Event{Kind: events.UserUpdated, Login: "old", NewLogin: "new"}
	a.Publish(want)
	if got := next(t, subB); got != want {
		t.Fatalf("B got %+v, want %+v", got, want)
	}
	if got := <-remote; got != want {
		t.Fatalf("OnRemote got %+v", got)
	}
	if got := next(t, subA); got != want {
		t.Fatalf("A got %+v", got)
	}
	// A's own notification comes back to A's listener too, and is skipped:
	// the next event A sees is B's, not a second copy of its own.
	b.Publish(events.Event{Kind: events.SettingsUpdated})
	if got := next(t, subA); got.Kind != events.SettingsUpdated {
		t.Fatalf("A got %+v, want B's settings event", got)
	}
	if got := next(t, subB); got.Kind != events.SettingsUpdated {
		t.Fatalf("B got %+v", got)
	}
	select {
	case e := <-subB.C:
		t.Fatalf("B got a copy of its own event: %+v", e)
	default:
	}
}

func TestBridgeReconnects(t *testing.T) {
	dsn, app := testDSN(t)
	a := start(t, dsn, pgevents.Options{})
	remote := make(chan events.Event, 8)
	b := start(t, dsn, pgevents.Options{OnRemote: func(e events.Event) { remote <- e }})
	subB := b.Subscribe(8)

	// Cut every connection of both bridges, as a database restart would.
	admin, err := pgx.Connect(context.Background(), os.Getenv("KMUSERS_TEST_PG"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var cut int
	if err := admin.QueryRow(context.Background(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&cut); err != nil {
		t.Fatal(err)
	}
	if cut != 4 {
		t.Fatalf("cut %d connections, want 4 (two bridges, a listener and a sender each)", cut)
	}
	// B listens again and, having maybe missed events, says so: a refresh
	// of everything to its subscribers, a zero event to OnRemote.
	if e := next(t, subB); e.Kind != events.UsersUpdated || !subB.Missed() {
		t.Fatalf("after the cut B got %+v, want a refresh with Missed", e)
	}
	if e := <-remote; e != (events.Event{}) {
		t.Fatalf("OnRemote after the cut got %+v, want a zero event", e)
	}
	a.Publish(events.Event{Kind: events.UserUpdated, Login: "x"})
	if e := next(t, subB); e.Kind != events.UserUpdated || e.Login != "x" {
		t.Fatalf("after the cut B got %+v", e)
	}
}
