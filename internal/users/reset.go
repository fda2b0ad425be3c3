package users

import (
	"context"
	"fmt"
)

// ResetPassword sets a local account's password with the operator code. It
// ends every token and session of the account.
func (s *Service) ResetPassword(ctx context.Context, login, password string, code *string) error {
	// The code comes first: without it, nothing tells whether the account
	// exists. A missing code is a wrong one and counts against the budget.
	if _, err := s.codes.Check(codeString(code), OperatorCode); err != nil {
		return err
	}
	login = NormalizeLogin(login)
	u, err := s.store.UserByLogin(ctx, login)
	if err != nil {
		return fmt.Errorf("users: reset: %w", err)
	}
	switch {
	case u.IsOnline():
		return ErrUnreachable // the account's server mails the reset link
	case u.Login == AdminLogin:
		return ErrAdminProtected
	case u.Type == TypeGuest:
		return ErrGuestWithPassword
	}
	if err := ValidatePassword(password); err != nil {
		return err
	}
	if err := checkWeak(password, u.Login, u.Nickname); err != nil {
		return err // before the code is spent
	}
	if _, err := s.codes.Use(codeString(code), OperatorCode); err != nil {
		return err
	}
	s.audit(ctx, "", login, AuditCodeUsed, "for", "password reset")
	// A reset by code ends every session, the caller's too.
	cl := ClientFrom(ctx)
	cl.Session = ""
	return s.SetPassword(WithClient(ctx, cl), login, password)
}

// SetPassword sets a local account's password with no code: for the
// command line of a headless install, and for ResetPassword once the code
// is checked. It ends every token and session of the account.
func (s *Service) SetPassword(ctx context.Context, login, password string) error {
	login = NormalizeLogin(login)
	if err := ValidatePassword(password); err != nil {
		return err
	}
	if err := checkWeak(password, login); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	_, err = s.update(ctx, login, func(_ Tx, u *User) error {
		switch {
		case u.Login == AdminLogin:
			return ErrAdminProtected
		case u.Type == TypeGuest:
			return ErrGuestWithPassword
		case u.IsOnline():
			return ErrOnlinePassword
		}
		u.Password = hash // update ends the sessions
		return nil
	})
	if err != nil {
		return fmt.Errorf("users: set password of %s: %w", login, err)
	}
	s.loginLimit.Reset(login)
	s.audit(ctx, "", login, AuditPasswordSet)
	return nil
}
