package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// holdWriter starts a write that keeps the writer until release is
// called, and returns once it holds it; writes started meanwhile queue.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	held, free, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(tx *gorm.DB) error {
			close(held)
			<-free
			return nil
		})
	}()
	<-held
	return func() {
		close(free)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// awaitQueued waits until n writes queue behind the one holding the writer.
func awaitQueued(s *Store, n int) {
	for {
		s.group.mu.Lock()
		q := len(s.group.queue)
		s.group.mu.Unlock()
		if q >= n {
			return
		}
		runtime.Gosched()
	}
}

func insertUser(login string) func(tx *gorm.DB) error {
	return func(db *gorm.DB) error {
		return userTx{db: db, read: map[string]users.User{}}.Insert(newUser(login, login))
	}
}

func exists(t *testing.T, s *Store, login string) bool {
	t.Helper()
	_, err := s.UserByLogin(context.Background(), login)
	if err != nil && !errors.Is(err, users.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// TestGroupCommitKeepsEachWriteApart: writes queued together commit in one
// transaction, and each gets its own result: one that fails, one that
// panics, one whose context ended while it waited and one that breaks a
// rule only checked at COMMIT leave the others' writes in place.
func TestGroupCommitKeepsEachWriteApart(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if s.isPostgres() {
		t.Skip("SQLite's group commit (PostgreSQL writes take an advisory lock, one at a time)")
	}
	ctx := context.Background()
	errRefused := errors.New("refused")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	type member struct {
		login string
		ctx   context.Context
		fn    func(tx *gorm.DB) error
		want  error // nil: committed
		panic bool
	}
	members := []member{
		{login: "ann", fn: insertUser("ann")},
		{login: "bob", fn: func(tx *gorm.DB) error {
			if err := insertUser("bob")(tx); err != nil {
				return err
			}
			return errRefused
		}, want: errRefused},
		{login: "cat", fn: func(tx *gorm.DB) error {
			if err := insertUser("cat")(tx); err != nil {
				return err
			}
			panic("cat's write panics")
		}, panic: true},
		{login: "dan", ctx: cancelled, fn: insertUser("dan"), want: context.Canceled},
		{login: "eve", fn: insertUser("eve")},
	}
	release := holdWriter(t, s)
	grouped := s.group.grouped.Load()
	var wg sync.WaitGroup
	results := make([]error, len(members))
	panics := make([]any, len(members))
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			c := m.ctx
			if c == nil {
				c = ctx
			}
			results[i] = s.write(c, m.fn)
		}()
		awaitQueued(s, i+1) // in this order
	}
	release()
	wg.Wait()
	if s.group.grouped.Load() != grouped+1 {
		t.Fatalf("%d grouped transactions, want 1", s.group.grouped.Load()-grouped)
	}
	for i, m := range members {
		if (panics[i] != nil) != m.panic {
			t.Errorf("%s: panic %v", m.login, panics[i])
		}
		if !m.panic && !errors.Is(results[i], m.want) || m.want == nil && results[i] != nil {
			t.Errorf("%s: %v, want %v", m.login, results[i], m.want)
		}
		if committed := m.want == nil && !m.panic; exists(t, s, m.login) != committed {
			t.Errorf("%s: written %v, want %v", m.login, !committed, committed)
		}
	}
}

// TestGroupCommitFailureRunsEachAlone: when the group's COMMIT fails (here
// a deferred foreign key broken by one write), every write that had
// succeeded runs again alone: the one at fault fails, the others commit.
func TestGroupCommitFailureRunsEachAlone(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if s.isPostgres() {
		t.Skip("SQLite's group commit")
	}
	ctx := context.Background()
	runs := map[string]int{}
	var mu sync.Mutex
	counted := func(login string, fn func(tx *gorm.DB) error) func(tx *gorm.DB) error {
		return func(tx *gorm.DB) error {
			mu.Lock()
			runs[login]++
			mu.Unlock()
			return fn(tx)
		}
	}
	bad := func(tx *gorm.DB) error {
		if err := tx.Exec("PRAGMA defer_foreign_keys = ON").Error; err != nil {
			return err
		}
		return tx.Exec("INSERT INTO user_suffixes (suffix, login) VALUES ('x', 'nobody')").Error
	}
	fns := []func(tx *gorm.DB) error{counted("ann", insertUser("ann")), counted("bad", bad), counted("eve", insertUser("eve"))}
	release := holdWriter(t, s)
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.write(ctx, fn)
		}()
		awaitQueued(s, i+1)
	}
	release()
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("results %v: want only the second to fail", errs)
	}
	if !exists(t, s, "ann") || !exists(t, s, "eve") {
		t.Fatal("a good write was lost with the group")
	}
	if runs["ann"] != 2 || runs["bad"] != 2 || runs["eve"] != 2 {
		t.Fatalf("runs %v: want each twice (in the group, then alone)", runs)
	}
}

// TestGroupCommitNoLostUpdate: many writers read, change and save the same
// row through the grouped path; each sees the ones before it.
func TestGroupCommitNoLostUpdate(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(newUser("ann", "ann")) }); err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx users.Tx) error {
				u, err := tx.UserByLogin("ann")
				if err != nil {
					return err
				}
				count := 0
				if u.Bio != nil {
					fmt.Sscan(*u.Bio, &count)
				}
				bio := fmt.Sprint(count + 1)
				u.Bio = &bio
				return tx.Save(u)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	u, err := s.UserByLogin(ctx, "ann")
	if err != nil || u.Bio == nil || *u.Bio != fmt.Sprint(n) {
		t.Fatalf("after %d increments: %v, %v", n, u.Bio, err)
	}
}
