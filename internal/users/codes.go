package users

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"
)

// CodeKind names one of the two security codes.
type CodeKind int

// The two codes of the contract.
const (
	OperatorCode CodeKind = iota // grants operator rights for one action
	AccountCode                  // lets a stranger sign up when the setting asks
)

const (
	codeBudget = 10               // wrong tries per code, for all clients together
	codeLock   = 60 * time.Second // 429 after the budget is spent
)

type codeState struct {
	value       string
	wrong       int
	lockedUntil time.Time
}

// Codes holds the security codes. They live only in memory and in the log.
type Codes struct {
	mu          sync.Mutex
	log         *slog.Logger
	now         func() time.Time
	state       [2]codeState
	accountNeed bool
	off         bool // no code exists: every try is wrong, nothing is logged
}

// NewCodes draws both codes and logs the operator code.
func NewCodes(log *slog.Logger, now func() time.Time) *Codes {
	c := &Codes{log: log, now: now}
	c.rotate(OperatorCode)
	c.rotate(AccountCode)
	return c
}

// noCodes is the codes of a command-line tool: a code logged there would be
// one that the running server does not accept.
func noCodes(log *slog.Logger, now func() time.Time) *Codes {
	return &Codes{log: log, now: now, off: true}
}

// rotate draws a new code and logs it; the caller holds mu or owns c.
func (c *Codes) rotate(k CodeKind) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	c.state[k] = codeState{value: fmt.Sprintf("%06d", n.Int64())}
	c.announce(k)
}

func (c *Codes) announce(k CodeKind) {
	switch {
	case c.off:
	case k == OperatorCode:
		c.log.Info("security code: " + c.state[k].value)
	case c.accountNeed:
		c.log.Info("new account code: " + c.state[k].value)
	}
}

// SetAccountCodeNeeded records whether sign-ups need a code; turning it on
// logs the current new-account code so an operator can hand it out.
func (c *Codes) SetAccountCodeNeeded(need bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	was := c.accountNeed
	c.accountNeed = need
	if need && !was {
		c.announce(AccountCode)
	}
}

// Use checks a code against the given kinds in order. A right code is spent
// and regenerated; a wrong one counts against the budget of every kind tried.
// It returns the kind that matched.
func (c *Codes) Use(given string, kinds ...CodeKind) (CodeKind, error) {
	return c.try(given, true, kinds)
}

// Check is Use without spending a right code: a wrong one still counts. The
// caller spends it with Use once the rest of its request is known good.
func (c *Codes) Check(given string, kinds ...CodeKind) (CodeKind, error) {
	return c.try(given, false, kinds)
}

func (c *Codes) try(given string, spend bool, kinds []CodeKind) (CodeKind, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return kinds[0], ErrWrongCode
	}
	now := c.now()
	for _, k := range kinds {
		if now.Before(c.state[k].lockedUntil) {
			return k, ErrCodeLocked
		}
	}
	for _, k := range kinds {
		if subtle.ConstantTimeCompare([]byte(given), []byte(c.state[k].value)) == 1 {
			if spend {
				c.rotate(k)
			}
			return k, nil
		}
	}
	for _, k := range kinds {
		c.state[k].wrong++
		if c.state[k].wrong >= codeBudget {
			c.rotate(k)
			c.state[k].lockedUntil = now.Add(codeLock)
			c.log.Warn("security code budget spent, code rotated", "code", codeName(k))
		}
	}
	return kinds[0], ErrWrongCode
}

func codeName(k CodeKind) string {
	if k == OperatorCode {
		return "operator"
	}
	return "new account"
}
