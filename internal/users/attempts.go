package users

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Every password check (login, old_password, a conversion's or a deletion's
// password) takes one try of the budgets that apply before the bcrypt
// compare, atomically, so that concurrent guesses cannot overrun them and
// a throttled try costs no compare. A success gives the tries back.
//
// A client that logged in successfully before carries a device cookie
// (OWASP "device cookies"): signed, naming the login. With it, the tries
// count against that device only, so strangers who lock the account and
// the address out do not lock it out; without it, against the account and
// the client's address.

// attempt is one password check in progress.
type attempt struct {
	s      *Service
	login  string
	ip     string
	device string // the device cookie's nonce, when it is valid for login
}

// beginAttempt takes a try, or answers ErrTooManyAttempts.
func (s *Service) beginAttempt(ctx context.Context, ip, login string) (*attempt, error) {
	a := &attempt{s: s, login: login, ip: ip}
	if nonce, ok := s.verifyDevice(ClientFrom(ctx).Device, login); ok {
		a.device = nonce
		if !s.deviceLimit.Take(nonce) {
			return nil, ErrTooManyAttempts
		}
		return a, nil
	}
	if !s.ipLimit.Take(ip) {
		return nil, ErrTooManyAttempts
	}
	if !s.loginLimit.Take(login) {
		s.ipLimit.Refund(ip)
		return nil, ErrTooManyAttempts
	}
	return a, nil
}

type attemptKey struct{}

// withAttempt carries a login's attempt to the paths that end it.
func withAttempt(ctx context.Context, a *attempt) context.Context {
	return context.WithValue(ctx, attemptKey{}, a)
}

// attemptOf is the login's attempt; a nil one ends as a no-op.
func attemptOf(ctx context.Context) *attempt {
	a, _ := ctx.Value(attemptKey{}).(*attempt)
	return a
}

// end closes the attempt: a success gives the tries back, a failure keeps
// them spent and reports a lockout when it spent the last one.
func (a *attempt) end(ctx context.Context, ok bool) {
	if a == nil {
		return
	}
	s := a.s
	switch {
	case ok && a.device != "":
		s.deviceLimit.Reset(a.device)
	case ok:
		s.ipLimit.Refund(a.ip)
		s.loginLimit.Reset(a.login)
	case a.device != "" && !s.deviceLimit.Allowed(a.device):
		s.audit(ctx, "", a.login, AuditLockout, "scope", "device")
	case !s.loginLimit.Allowed(a.login):
		s.audit(ctx, "", a.login, AuditLockout, "scope", "account")
	case !s.ipLimit.Allowed(a.ip):
		s.audit(ctx, "", a.login, AuditLockout, "scope", "address")
	}
}

// checkOwnPassword is a password check of a logged-in user (old_password,
// a conversion, a deletion): throttled like a login.
func (s *Service) checkOwnPassword(ctx context.Context, u *User, pw string) error {
	a, err := s.beginAttempt(ctx, ClientFrom(ctx).IP, u.Login)
	if err != nil {
		return err
	}
	ok := s.passwordMatches(u, pw)
	a.end(ctx, ok)
	if !ok {
		return ErrWrongPassword
	}
	return nil
}

// VerifyPassword checks the password of a logged-in user, throttled with
// the login failures: ErrWrongPassword or ErrTooManyAttempts.
func (s *Service) VerifyPassword(ctx context.Context, u *User, pw string) error {
	return s.checkOwnPassword(ctx, u, pw)
}

// CheckPassword tells whether pw is u's password; throttled like
// VerifyPassword (a throttled check is false and costs no compare).
func (s *Service) CheckPassword(u *User, pw string) bool {
	return s.checkOwnPassword(context.Background(), u, pw) == nil
}

// DeviceCookie is the name of the device cookie.
const DeviceCookie = "kmusers_device"

// newDevice signs a device cookie for login.
func (s *Service) newDevice(login string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	body := base64.RawURLEncoding.EncodeToString([]byte(login)) + "." + nonce
	return body + "." + s.deviceSig(body)
}

func (s *Service) deviceSig(body string) string {
	m := hmac.New(sha256.New, s.deviceKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verifyDevice returns the nonce of a device cookie signed for login.
func (s *Service) verifyDevice(cookie, login string) (string, bool) {
	parts := strings.Split(cookie, ".")
	if len(parts) != 3 || len(cookie) > 512 {
		return "", false
	}
	body := parts[0] + "." + parts[1]
	if !hmac.Equal([]byte(s.deviceSig(body)), []byte(parts[2])) {
		return "", false
	}
	name, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(name) != login {
		return "", false
	}
	return parts[1], true
}

// PasswordCompares counts the bcrypt compares of this service.
func (s *Service) PasswordCompares() int64 { return s.hasher.Compares() }
