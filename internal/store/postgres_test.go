package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// TestConcurrentEditsLoseNothing: writers that read a row and write it
// back, all at once, each see the others' writes. SQLite has one writer;
// on PostgreSQL they take the write lock (see write).
func TestConcurrentEditsLoseNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("ann", "Ann")) }); err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Update(ctx, func(tx users.Tx) error {
				u, err := tx.UserByLogin("ann")
				if err != nil {
					return err
				}
				bio := ""
				if u.Bio != nil {
					bio = *u.Bio
				}
				bio += fmt.Sprintf("[%d]", i)
				u.Bio = &bio
				return tx.Save(u)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	u, err := s.UserByLogin(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(*u.Bio, "["); got != n {
		t.Fatalf("%d edits of %d kept: %q", got, n, *u.Bio)
	}
}

// TestOrderAndSearchAreByteWise: sorts and the prefix search compare bytes
// on both backends, as SQLite does, whatever the PostgreSQL database's
// collation (the tests' databases are made with ICU en-US, where
// punctuation sorts apart from byte order).
func TestOrderAndSearchAreByteWise(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	logins := []string{"ab", "a_b", "a.c", "a-b", "abc", "b"}
	err := s.Update(ctx, func(tx users.Tx) error {
		for i, l := range logins {
			u := newUser(l, []string{"Zed", "alpha", "Émile", "zoe", "Bob", "_x"}[i])
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := func(q users.ListQuery) string {
		got, err := list(t, s, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range got {
			out = append(out, u.Login)
		}
		return strings.Join(out, " ")
	}
	if got, want := names(users.ListQuery{}), "a-b a.c a_b ab abc b"; got != want {
		t.Errorf("by login: %q, want %q", got, want)
	}
	// Nicknames sort alphabetically (issue 15): by collation keys stored as
	// bytes, so the same on both backends; punctuation before letters,
	// "Émile" among the e's.
	if got, want := names(users.ListQuery{Sort: users.SortNickname}), "b a_b abc a.c ab a-b"; got != want {
		t.Errorf("by nickname: %q, want %q", got, want)
	}
	if got, want := names(users.ListQuery{Filter: "ab"}), "ab abc"; got != want {
		t.Errorf("prefix ab: %q, want %q", got, want)
	}
	if got, want := names(users.ListQuery{Filter: "a."}), "a.c"; got != want {
		t.Errorf("prefix a.: %q, want %q", got, want)
	}
	if testkit.Current() == testkit.Postgres {
		var collation string
		s.r.Raw("SELECT COALESCE(daticulocale, datcollate) FROM pg_database WHERE datname = current_database()").Row().Scan(&collation)
		if collation == "C" {
			t.Fatalf("the test database has collation C: this test proves nothing")
		}
	}
}

// TestTimesRoundTripInUTC: a UTC time (the store writes no other) reads
// back the same, in UTC, to the microsecond (PostgreSQL's precision); one
// written in another zone is the same instant.
func TestTimesRoundTripInUTC(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 7, 14, 22, 30, 15, 123456000, time.UTC)
	u := newUser("tim", "Tim")
	u.LastLoginAt, u.CreatedAt = at, at.In(time.FixedZone("CET", 3600))
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(u) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByLogin(ctx, "tim")
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastLoginAt.Equal(at) || got.LastLoginAt.Location() != time.UTC {
		t.Fatalf("last_login_at %v (%v), want %v in UTC", got.LastLoginAt, got.LastLoginAt.Location(), at)
	}
	if !got.CreatedAt.Equal(at) {
		t.Fatalf("created_at %v, want %v", got.CreatedAt, at)
	}
	// Comparisons happen in the database: the touch applies only to older times.
	if wrote, err := s.TouchUser(ctx, "tim", at.Add(time.Hour), at.Add(-time.Second)); err != nil || wrote {
		t.Fatalf("touch of a newer time: wrote %v, %v", wrote, err)
	}
	if got, _ := s.UserByLogin(ctx, "tim"); !got.LastLoginAt.Equal(at) {
		t.Fatalf("touched a newer time: %v", got.LastLoginAt)
	}
}

// TestPostgresSession: the settings docs/POSTGRES.md promises.
func TestPostgresSession(t *testing.T) {
	t.Parallel()
	if testkit.Current() != testkit.Postgres {
		t.Skip("PostgreSQL's (TestPragmas is SQLite's)")
	}
	s := openTemp(t)
	for _, c := range []struct{ setting, want string }{
		{"TimeZone", "UTC"},
		{"statement_timeout", "1min"},
		{"idle_in_transaction_session_timeout", "1min"},
		{"application_name", "kmusers"},
	} {
		var got string
		if err := s.w.Raw("SELECT current_setting(?)", c.setting).Row().Scan(&got); err != nil || got != c.want {
			t.Errorf("%s = %q (%v), want %q", c.setting, got, err, c.want)
		}
	}
	w, _ := s.w.DB()
	r, _ := s.r.DB()
	if w.Stats().MaxOpenConnections != pgWriteConns || r.Stats().MaxOpenConnections != pgReadConns() {
		t.Fatalf("pools %d+%d", w.Stats().MaxOpenConnections, r.Stats().MaxOpenConnections)
	}
}

// TestWriteRunsAgainAfterASerializationFailure: a transaction that the
// server fails with 40001 or 40P01 runs again; another error does not.
func TestWriteRunsAgainAfterASerializationFailure(t *testing.T) {
	t.Parallel()
	if testkit.Current() != testkit.Postgres {
		t.Skip("PostgreSQL's: SQLite's single writer never fails a transaction for a conflict")
	}
	s := openTemp(t)
	ctx := context.Background()
	raise := func(code string) string {
		return "DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '" + code + "'; END $$"
	}
	runs := 0
	err := s.Update(ctx, func(tx users.Tx) error {
		runs++
		if runs <= 2 {
			code := map[int]string{1: "40001", 2: "40P01"}[runs]
			if err := tx.(userTx).db.Exec(raise(code)).Error; err != nil {
				return err
			}
		}
		return tx.Insert(newUser("ret", "Ret"))
	})
	if err != nil || runs != 3 {
		t.Fatalf("%d runs: %v", runs, err)
	}
	if _, err := s.UserByLogin(ctx, "ret"); err != nil {
		t.Fatal(err)
	}
	runs = 0
	err = s.Update(ctx, func(tx users.Tx) error {
		runs++
		return tx.(userTx).db.Exec(raise("23514")).Error
	})
	if err == nil || runs != 1 {
		t.Fatalf("a check violation ran %d times: %v", runs, err)
	}
}

func TestSettle(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
}
