package users

import (
	"context"
	"errors"
	"fmt"
)

// LoginResult is a successful login.
type LoginResult struct {
	User        *User
	Token       string   // API logins
	OnlineToken string   // the host's token, for online accounts logged in through it
	Session     *Session // panel logins
	Promoted    bool     // the operator code made this user an operator
	Device      string   // a device cookie for the client (see attempts.go)
}

// PanelLogin checks a password like Login and opens a panel session
// instead of a token.
func (s *Service) PanelLogin(ctx context.Context, clientIP, username, password string, code *string, remember bool) (*LoginResult, error) {
	res, err := s.checkLogin(ctx, clientIP, username, password, code)
	if err != nil {
		return nil, err
	}
	if res.Session, err = s.StartPanelSession(withIP(ctx, clientIP), res.User, remember); err != nil {
		return nil, err
	}
	return res, nil
}

// withIP fills the client address of ctx when the face did not.
func withIP(ctx context.Context, ip string) context.Context {
	cl := ClientFrom(ctx)
	if cl.IP != "" {
		return ctx
	}
	cl.IP = ip
	return WithClient(ctx, cl)
}

// Login checks a password. A wrong password and an unknown login look the
// same to the caller, in answer and in time. A right operator code promotes
// the user to operator for good; a wrong one only spends a try.
func (s *Service) Login(ctx context.Context, clientIP, username, password string, code *string) (*LoginResult, error) {
	res, err := s.checkLogin(ctx, clientIP, username, password, code)
	if err != nil {
		return nil, err
	}
	if res.Token, err = s.IssueToken(withIP(ctx, clientIP), res.User); err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Service) checkLogin(ctx context.Context, clientIP, username, password string, code *string) (*LoginResult, error) {
	login := NormalizeLogin(username)
	a, err := s.beginAttempt(ctx, clientIP, login)
	if err != nil {
		return nil, err // no compare: a throttled try costs nothing
	}
	ctx = withAttempt(ctx, a)
	u, err := s.store.UserByLogin(ctx, login)
	switch {
	case errors.Is(err, ErrNotFound):
		u = nil
	case err != nil:
		s.ipLimit.Refund(clientIP)
		return nil, fmt.Errorf("users: login: %w", err)
	}
	if _, host := SplitLogin(login); host != "" {
		return s.onlineLogin(ctx, clientIP, login, password, code, u)
	}
	release, err := s.bcrypt.acquire(ctx)
	if err != nil {
		a.refund()
		return nil, err
	}
	defer release()
	return s.finishLogin(ctx, clientIP, login, password, code, u, "")
}

// passwordMatches always runs one bcrypt compare; admin and guests have no
// password that works.
func (s *Service) passwordMatches(u *User, password string) bool {
	if u == nil || u.Login == AdminLogin || u.Type == TypeGuest {
		s.hasher.Check("", password)
		return false
	}
	return s.hasher.Check(u.Password, password)
}

func (s *Service) promote(ctx context.Context, u *User, code string) (bool, error) {
	if u.Type == TypeOperator {
		return false, nil // nothing to grant: the code is not spent
	}
	_, err := s.codes.Use(code, OperatorCode)
	if errors.Is(err, ErrWrongCode) {
		s.log.Warn("wrong security code at login", "login", u.Login)
		return false, nil
	}
	if err != nil {
		return false, ErrTooManyAttempts
	}
	promoted, err := s.update(ctx, u.Login, func(_ Tx, row *User) error {
		row.Type = TypeOperator
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("users: promote %s: %w", u.Login, err)
	}
	*u = *promoted
	s.audit(ctx, u.Login, u.Login, AuditCodeUsed, "for", "promotion")
	s.log.Info("user promoted to operator with the security code", "login", u.Login)
	return true, nil
}
