package users

import (
	"context"
	"errors"
	"fmt"

	"github.com/kmusers/kmusers/internal/events"
)

// NewAccount is a createUser request. Code is nil when none was sent.
type NewAccount struct {
	Login    string
	Password string
	Role     string // "", user, admin or guest
	Type     *int   // the type asked for (0, 1 or 2); an operator's wins over Role
	Nickname string
	Language string
	Code     *string
}

// Create makes a local account, following the contract's rules on who may
// create which role and when a security code is needed. actor may be nil.
func (s *Service) Create(ctx context.Context, actor *User, in NewAccount) error {
	if in.Code != nil && *in.Code == "" {
		in.Code = nil // an empty code field is no code
	}
	// Non-operators create accounts at a bounded rate per address, so that
	// one client cannot fill the database; checked before any bcrypt work.
	if !s.takeSignup(ctx, actor) {
		return ErrTooManyAttempts
	}
	u, err := s.prepareAccount(actor, in)
	if err != nil {
		return s.createRefusal(ctx, in.Nickname, err)
	}
	if kinds := s.createCodes(actor, u.Type); kinds != nil {
		// A taken name is answered before a right code is spent on it.
		if err := s.precheckNames(ctx, u.Login, u.NicknameKey); err != nil {
			return err
		}
		if err := s.spendCreateCode(in.Code, u.Type, kinds); err != nil {
			return err
		}
		s.audit(ctx, "", u.Login, AuditCodeUsed, "for", "account creation")
	}
	if u.IsOnline() {
		// The host first: a local copy without its account would be a lie.
		if err := s.precheckNames(ctx, u.Login, u.NicknameKey); err != nil {
			return err
		}
		if err := s.remoteCreate(ctx, u.Login, in.Password); err != nil {
			return fmt.Errorf("users: create %s online: %w", u.Login, err)
		}
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := checkNames(tx, u.Login, u.NicknameKey, ""); err != nil {
			return err
		}
		return tx.Insert(u)
	})
	if err != nil {
		return fmt.Errorf("users: create %s: %w", u.Login, err)
	}
	s.log.Info("user created", "login", u.Login, "type", u.Type)
	s.publish(events.UsersUpdated, u.Login, "")
	return nil
}

// prepareAccount checks everything that needs no database and no code.
func (s *Service) prepareAccount(actor *User, in NewAccount) (*User, error) {
	op := isOperator(actor)
	typ, err := roleType(in.Role)
	if err != nil {
		return nil, err
	}
	if in.Type != nil && op {
		if *in.Type < TypeOperator || *in.Type > TypeGuest {
			return nil, fieldErr("type", "must be 0, 1 or 2")
		}
		typ = *in.Type
	}
	if typ == TypeOperator && actor == nil && in.Code == nil {
		typ = TypeUser // KM's first-run page: a plain user, promoted at login with the code
	}
	if (typ == TypeGuest && !op) || (typ == TypeOperator && !op && in.Code == nil) {
		return nil, ErrUnauthorized
	}
	if !op && typ != TypeOperator && !s.Settings().AllowUserCreation {
		return nil, ErrCreationDisabled
	}
	login := NormalizeLogin(in.Login)
	if err := ValidateLogin(login); err != nil {
		return nil, err
	}
	local, host := SplitLogin(login)
	if host != "" {
		if err := s.onlineCreate(local, host); err != nil {
			return nil, err
		}
	}
	u := s.newUser(login, local, typ)
	if in.Nickname != "" {
		if u.Nickname, err = CleanNickname(in.Nickname); err != nil {
			return nil, err
		}
		u.NicknameKey, u.NicknameSkeleton = NicknameKey(u.Nickname), NicknameSkeleton(u.Nickname)
	}
	if err := s.setInitialPassword(u, in.Password); err != nil {
		return nil, err
	}
	if u.Language, err = cleanUILanguage(in.Language); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) setInitialPassword(u *User, pw string) error {
	if u.Type == TypeGuest {
		if pw != "" {
			return ErrGuestWithPassword
		}
		return nil
	}
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	if err := checkWeak(pw, u.Login, u.Nickname); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(pw)
	u.Password = hash
	return err
}

// onlineCreate answers for name@host accounts, which live on their server.
func (s *Service) onlineCreate(local, host string) error {
	st := s.Settings()
	switch {
	case local == AdminLogin:
		return ErrOnlineAdmin
	case !st.OnlineAccountsEnabled:
		return ErrOnlineDisabled
	}
	return s.onlineHostOK(host)
}

// createCodes is the codes a creation needs, in the order tried: none for
// an operator, the operator code for a new operator, and either code for a
// sign-up when the setting asks for one.
func (s *Service) createCodes(actor *User, typ int) []CodeKind {
	switch {
	case isOperator(actor):
		return nil
	case typ == TypeOperator:
		return []CodeKind{OperatorCode}
	case s.Settings().RequireSecurityCode:
		return []CodeKind{AccountCode, OperatorCode}
	}
	return nil
}

// spendCreateCode uses the code; a wrong one for a new operator is the
// contract's UNAUTHORIZED rather than a wrong sign-up code.
func (s *Service) spendCreateCode(code *string, typ int, kinds []CodeKind) error {
	if code == nil {
		return ErrCodeNeeded // forgetting the code is not guessing it: no try spent
	}
	_, err := s.codes.Use(*code, kinds...)
	if typ == TypeOperator && errors.Is(err, ErrWrongCode) {
		return ErrUnauthorized
	}
	return err
}

func codeString(c *string) string {
	if c == nil {
		return ""
	}
	return *c
}

func roleType(role string) (int, error) {
	switch role {
	case "", "user":
		return TypeUser, nil
	case "admin":
		return TypeOperator, nil
	case "guest":
		return TypeGuest, nil
	}
	return 0, fieldErr("role", "must be user, admin or guest")
}

func isOperator(u *User) bool { return u != nil && u.Type == TypeOperator }

// precheckNames answers a taken name before any code is spent; the write
// transaction checks again, so this is only about the code.
func (s *Service) precheckNames(ctx context.Context, login, nickKey string) error {
	return s.store.Update(ctx, func(tx Tx) error { return checkNames(tx, login, nickKey, "") })
}

// checkNames refuses a login that is another user's login or nickname, and a
// nickname that is another user's nickname or login.
func checkNames(tx Tx, login, nickKey, except string) error {
	if login != "" {
		owner, err := tx.NameOwner(login, except)
		if err != nil {
			return err
		}
		if owner != "" {
			return ErrLoginTaken
		}
	}
	if nickKey == "" {
		return nil
	}
	owner, err := tx.NameOwner(nickKey, except)
	if err != nil {
		return err
	}
	if owner != "" {
		return ErrNicknameTaken
	}
	return nil
}
