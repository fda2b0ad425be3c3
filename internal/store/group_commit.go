package store

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// Group commit (issue 16). SQLite has one writer connection, so write
// transactions run one at a time; under concurrent edits they queued on
// that connection and each paid its own BEGIN, COMMIT and WAL append. Here
// the write transactions waiting for the writer are run together in one
// transaction, one savepoint each, and committed once:
//
//   - the first writer to find nobody writing leads: it takes the queue (at
//     most maxGroup writes, itself first) and runs the group; the writers
//     that arrive meanwhile queue, and the first of them leads the next
//     group when this one is done;
//   - each write runs between SAVEPOINT and RELEASE, in queue order, so it
//     sees every write before it as if they had committed one by one; a
//     write that fails (or panics) is rolled back to its savepoint and gets
//     its own error: the others are not undone;
//   - each caller returns once the group has committed, with its own
//     result; if the COMMIT itself fails, every write that had succeeded
//     runs again alone, in order, in its own transaction (a write may run
//     more than once: users.Store.Update says so, for PostgreSQL's retries);
//   - a group of one is a plain transaction, exactly as before.
//
// A caller's context is checked before its write runs; its statements then
// run without its cancellation, which on SQLite interrupts the statement
// and rolls back the whole transaction, the other writes of the group with
// it. PostgreSQL does not group (write takes its advisory lock instead):
// several processes write there, and each connection commits on its own.
const maxGroup = 32

type writeGroup struct {
	mu      sync.Mutex
	queue   []*groupedWrite
	running bool // a leader is running a group

	grouped atomic.Int64 // transactions of more than one write committed
}

type groupedWrite struct {
	ctx    context.Context
	fn     func(tx *gorm.DB) error
	err    error
	panic  any  // fn's panic, raised again in its caller
	ok     bool // fn succeeded inside the group, not yet committed
	lead   bool // woken to lead the next group, not with its result
	wakeup chan struct{}
}

// groupSavepoint is every member's savepoint: each is released (or rolled
// back to and released) before the next begins, so one name, one statement.
const groupSavepoint = "kmusers_group_write"

// writeGrouped runs fn in a write transaction shared with the writes queued
// beside it (see above).
func (s *Store) writeGrouped(ctx context.Context, fn func(tx *gorm.DB) error) error {
	w := &groupedWrite{ctx: ctx, fn: fn, wakeup: make(chan struct{}, 1)}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, w)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if !lead {
		<-w.wakeup
		lead = w.lead
	}
	if lead {
		s.leadGroup()
	}
	if w.panic != nil {
		panic(w.panic)
	}
	return w.err
}

// writeStatement runs a single-statement write: on SQLite in the group of
// queued writes (one commit less per edit, whose audit row is one), on
// PostgreSQL as is (it needs no lock: it reads nothing first).
func (s *Store) writeStatement(ctx context.Context, fn func(db *gorm.DB) error) error {
	if s.isPostgres() {
		return fn(s.w.WithContext(ctx))
	}
	return s.writeGrouped(ctx, fn)
}

// leadGroup runs the group at the head of the queue (its leader first),
// hands the lead to the next writer queued, then wakes the group's members.
func (s *Store) leadGroup() {
	g := &s.group
	g.mu.Lock()
	if len(g.queue) == 1 {
		// Alone: let the writers woken by the last group (or about to
		// write) queue first, which costs a lone writer a scheduling turn.
		g.mu.Unlock()
		runtime.Gosched()
		g.mu.Lock()
	}
	n := min(len(g.queue), maxGroup)
	group := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()

	s.runGroup(group)
	s.prepareTxStatements() // tx_stmts.go

	g.mu.Lock()
	if len(g.queue) == 0 {
		g.running = false
		g.queue = nil
	} else {
		next := g.queue[0]
		next.lead = true
		next.wakeup <- struct{}{}
	}
	g.mu.Unlock()
	for _, w := range group[1:] {
		w.wakeup <- struct{}{}
	}
}

// runGroup runs the writes of a group and sets each one's result.
func (s *Store) runGroup(group []*groupedWrite) {
	if len(group) == 1 {
		s.writeAlone(group[0])
		return
	}
	tx := s.w.WithContext(context.WithoutCancel(group[0].ctx)).Begin()
	if tx.Error != nil {
		for _, w := range group {
			w.err = tx.Error
		}
		return
	}
	broken := false
	for i, w := range group {
		if broken {
			s.writeAlone(w)
			continue
		}
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		if err := tx.Exec("SAVEPOINT " + groupSavepoint).Error; err != nil {
			broken = true
			tx.Rollback()
			s.rerunAlone(group[:i])
			s.writeAlone(w)
			continue
		}
		w.panic, w.err = runMember(tx.WithContext(context.WithoutCancel(w.ctx)), w.fn)
		release := "RELEASE " + groupSavepoint
		if w.err != nil || w.panic != nil {
			release = "ROLLBACK TO " + groupSavepoint
		} else {
			w.ok = true
		}
		err := tx.Exec(release).Error
		if err == nil && !w.ok {
			err = tx.Exec("RELEASE " + groupSavepoint).Error
		}
		if err != nil {
			broken = true
			tx.Rollback()
			s.rerunAlone(group[:i])
			if w.ok {
				s.writeAlone(w)
			}
		}
	}
	if broken {
		return
	}
	if err := tx.Commit().Error; err != nil {
		s.rerunAlone(group)
	} else {
		s.group.grouped.Add(1)
	}
	for _, w := range group {
		w.ok = false
	}
}

// runMember runs fn, turning a panic into a value to raise in its caller.
func runMember(tx *gorm.DB, fn func(tx *gorm.DB) error) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, fn(tx)
}

// rerunAlone runs again, each in its own transaction, the writes that had
// succeeded in a group whose transaction was lost.
func (s *Store) rerunAlone(group []*groupedWrite) {
	for _, w := range group {
		if w.ok {
			w.ok = false
			s.writeAlone(w)
		}
	}
}

// writeAlone runs one write in its own transaction, as before grouping.
func (s *Store) writeAlone(w *groupedWrite) {
	w.err, w.panic = nil, nil
	defer func() {
		if r := recover(); r != nil {
			w.panic = r
		}
	}()
	if err := w.ctx.Err(); err != nil {
		w.err = err
		return
	}
	w.err = s.w.WithContext(w.ctx).Transaction(w.fn)
}
