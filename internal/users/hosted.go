package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// The host side: this instance keeps the accounts that apps elsewhere use
// as name@this-host. The rules are the local accounts' own.

// ResetLinkLife is how long a mailed reset link works.
const ResetLinkLife = 2 * time.Hour

// resetMails is how many reset mails an account gets within ResetLinkLife:
// enough for a lost mail, too few to flood an inbox.
const resetMails = 3

// HostedAccount returns a local account that apps may use online: users
// and operators, not guests, not the admin account, not online copies.
func (s *Service) HostedAccount(ctx context.Context, name string) (*User, error) {
	u, err := s.store.UserByLogin(ctx, NormalizeLogin(name))
	if err != nil {
		return nil, err
	}
	if !Hostable(u) {
		return nil, ErrNotFound
	}
	return u, nil
}

// Hostable tells an account this instance serves to other instances.
func Hostable(u *User) bool {
	return !u.IsOnline() && u.Login != AdminLogin && u.Type != TypeGuest && !u.FlagTemporary
}

// EditHosted is an edit pushed by an app with the owner's online token. The
// token stands for the password, as on KM Server: an old password is
// checked when sent, not required.
func (s *Service) EditHosted(ctx context.Context, me *User, p Patch) (*User, error) {
	if !Hostable(me) {
		return nil, ErrNotFound
	}
	p.Type, p.Login = Opt[int]{}, Opt[string]{}
	if p.Password.Set && p.OldPassword.Set {
		if err := s.checkOwnPassword(ctx, me, p.OldPassword.V); err != nil {
			return nil, err
		}
	}
	hash, err := s.hashPatchPassword(p, me.Login, me.Nickname, p.Nickname.V)
	if err != nil {
		return nil, err
	}
	out, err := s.update(ctx, me.Login, func(tx Tx, u *User) error { return s.applyLocal(tx, u, p, hash) })
	if err != nil {
		return nil, fmt.Errorf("users: hosted edit of %s: %w", me.Login, err)
	}
	return out, nil
}

// ResetMail is a reset link to send: the token goes only into the mail.
type ResetMail struct {
	Login string
	Email string
	Token string
}

// RequestResetMail makes a one-time reset token for a hosted account with an
// e-mail; it replaces any older one. nil (and no error) when there is no
// such account or no address: the caller answers the same either way.
func (s *Service) RequestResetMail(ctx context.Context, name string) (*ResetMail, error) {
	u, err := s.HostedAccount(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("users: reset mail: %w", err)
	}
	if u.Email == nil || *u.Email == "" {
		return nil, nil
	}
	if !s.resetLimit.Allowed(u.Login) {
		s.log.Warn("reset mail not sent: too many asked", "login", u.Login)
		return nil, nil
	}
	s.resetLimit.Fail(u.Login)
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	expires := s.now().UTC().Add(ResetLinkLife)
	err = s.store.Update(ctx, func(tx Tx) error { return tx.PutReset(u.Login, resetHash(token), expires) })
	if err != nil {
		return nil, fmt.Errorf("users: reset mail: %w", err)
	}
	s.log.Info("password reset link made", "login", u.Login)
	return &ResetMail{Login: u.Login, Email: *u.Email, Token: token}, nil
}

// resetHash is what the database keeps of a reset token.
func resetHash(token string) string {
	h := sha256.Sum256([]byte("kmusers reset\x00" + token))
	return hex.EncodeToString(h[:])
}

// ResetWithToken sets a new password with a mailed token. The token is spent
// whatever happens next; every token and session of the account ends.
func (s *Service) ResetWithToken(ctx context.Context, token, password string) (string, error) {
	if err := ValidatePassword(password); err != nil {
		return "", err
	}
	if token == "" || len(token) > 128 {
		return "", ErrResetLinkExpire
	}
	if err := checkWeak(password); err != nil {
		return "", err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return "", err
	}
	var login string
	var spent bool
	err = s.store.Update(ctx, func(tx Tx) error {
		l, expires, err := tx.TakeReset(resetHash(token))
		if err != nil {
			return err
		}
		spent = true
		if !s.now().UTC().Before(expires) {
			return nil
		}
		u, err := tx.UserByLogin(l)
		if err != nil {
			return err
		}
		u.Password, u.TokenKey, u.SessionKey = hash, NewTokenKey(), NewTokenKey()
		login = l
		if err := tx.Save(u); err != nil {
			return err
		}
		return tx.EndSessions(l, "") // a reset ends every session and token
	})
	switch {
	case errors.Is(err, ErrNotFound), err == nil && login == "":
		if spent {
			s.log.Info("expired reset link used")
		}
		return "", ErrResetLinkExpire
	case err != nil:
		return "", fmt.Errorf("users: reset with link: %w", err)
	}
	s.loginLimit.Reset(login)
	s.log.Info("password reset by mail", "login", login)
	return login, nil
}

// ResetLinkValid tells whether a reset token can still be used, without
// spending it (for the page that asks for the new password).
func (s *Service) ResetLinkValid(ctx context.Context, token string) bool {
	if token == "" || len(token) > 128 {
		return false
	}
	ok := false
	_ = s.store.Update(ctx, func(tx Tx) error {
		_, expires, err := tx.TakeReset(resetHash(token))
		ok = err == nil && s.now().UTC().Before(expires)
		return errProbe // never spend it here
	})
	return ok
}
