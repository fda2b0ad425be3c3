package users

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kmusers/kmusers/internal/events"
)

// Edit is an operator's edit of any account (editUser). target is the
// current login; p.Login, when set and different, renames the account.
func (s *Service) Edit(ctx context.Context, target string, p Patch) (*User, error) {
	hash, err := s.hashPatchPassword(p, target, p.Login.V, p.Nickname.V)
	if err != nil {
		return nil, err
	}
	out, err := s.update(ctx, NormalizeLogin(target), func(tx Tx, u *User) error {
		if err := checkVersion(u, p.Version); err != nil {
			return err
		}
		if err := guardAdmin(u, p); err != nil {
			return err
		}
		var err error
		if u.IsOnline() {
			err = applyOnlineOnly(u, p)
		} else {
			err = s.applyLocal(tx, u, p, hash)
		}
		if err != nil {
			return err
		}
		return s.applyRename(tx, u, p)
	})
	if err != nil {
		return nil, fmt.Errorf("users: edit %s: %w", target, err)
	}
	return out, nil
}

// update changes one account in one transaction: fn edits the row, which is
// then saved (or renamed); a replaced avatar file goes once committed.
func (s *Service) update(ctx context.Context, login string, fn func(Tx, *User) error) (*User, error) {
	var out *User
	var oldAvatar string
	var before User
	var animeMoved bool
	err := s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByLogin(login)
		if err != nil {
			return err
		}
		oldAvatar = u.AvatarFile
		before = *u
		source := animeSourceKey(u)
		if err := fn(tx, u); err != nil {
			return err
		}
		animeMoved = dropMovedAnimeList(source, u)
		out = u
		if err := saveOrRename(tx, login, u); err != nil {
			return err
		}
		return revokeOnChange(ctx, tx, &before, u)
	})
	if err != nil {
		return nil, err
	}
	s.afterAvatarChange(oldAvatar, out)
	actor := ClientFrom(ctx).Actor
	s.auditChange(ctx, actor != "" && actor != login, &before, out)
	if animeMoved {
		s.animeListStale(out.Login, true)
	}
	if out.Login != login {
		s.publish(events.UserUpdated, login, out.Login)
	} else {
		s.publish(events.UserUpdated, login, "")
	}
	return out, nil
}

// EditMe is a user's edit of their own account (editMyAccount).
func (s *Service) EditMe(ctx context.Context, me *User, p Patch) (*User, error) {
	if me.Type == TypeGuest {
		return nil, ErrGuestCannotEdit
	}
	if t, ok := p.Type.Value(); ok && t != me.Type {
		return nil, ErrCannotChangeType
	}
	if l, ok := p.Login.Value(); ok && NormalizeLogin(l) != me.Login {
		return nil, fieldErr("login", "cannot be changed here")
	}
	p.Type, p.Login = Opt[int]{}, Opt[string]{}
	if me.IsOnline() {
		return nil, ErrUnreachable // edits go through the account's server
	}
	if p.Password.Set {
		if err := s.checkOwnPassword(ctx, me, p.OldPassword.V); err != nil {
			return nil, err
		}
	}
	hash, err := s.hashPatchPassword(p, me.Login, me.Nickname, p.Nickname.V)
	if err != nil {
		return nil, err
	}
	out, err := s.update(ctx, me.Login, func(tx Tx, u *User) error {
		if err := checkVersion(u, p.Version); err != nil {
			return err
		}
		return s.applyLocal(tx, u, p, hash)
	})
	if err != nil {
		return nil, fmt.Errorf("users: edit own account %s: %w", me.Login, err)
	}
	return out, nil
}

// hashPatchPassword validates and hashes a new password outside the write
// transaction, so that bcrypt does not hold the writer. names are the
// account's names, which the password may not be made of.
func (s *Service) hashPatchPassword(p Patch, names ...string) (string, error) {
	pw, ok := p.Password.Value()
	if !ok {
		return "", nil
	}
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	if err := checkWeak(pw, names...); err != nil {
		return "", err
	}
	return s.hasher.Hash(pw)
}

func guardAdmin(u *User, p Patch) error {
	if u.Login != AdminLogin {
		return nil
	}
	if t, ok := p.Type.Value(); ok && t != TypeOperator {
		return ErrAdminProtected
	}
	if l, ok := p.Login.Value(); ok && NormalizeLogin(l) != AdminLogin {
		return ErrAdminProtected
	}
	if p.Password.Set {
		return ErrAdminProtected
	}
	return nil
}

// applyOnlineOnly: the rest of an online profile belongs to its server.
func applyOnlineOnly(u *User, p Patch) error {
	if err := applyType(u, p, ""); err != nil {
		return err
	}
	if v, ok := p.FlagTutorialDone.Value(); ok {
		u.FlagTutorialDone = v
	}
	return nil
}

func (s *Service) applyLocal(tx Tx, u *User, p Patch, hash string) error {
	perr := applyProfile(u, p)
	key, err := applyNickname(u, p)
	err = invisibleTwin(tx, p.Nickname.V, u.Login, err)
	if err := errors.Join(perr, err); err != nil {
		return err
	}
	if key != "" {
		if err := checkNames(tx, "", key, u.Login); err != nil {
			return err
		}
	}
	if err := s.applyAvatar(tx, u, p); err != nil {
		return err
	}
	if err := applyType(u, p, hash); err != nil {
		return err
	}
	if hash != "" && u.Type == TypeGuest {
		return ErrGuestWithPassword
	}
	if hash != "" {
		u.Password = hash // update ends the other sessions
	}
	return nil
}

// applyType changes the account type. Guests have no password, so a guest
// becomes a user only with a new password, and a user becomes a guest by
// losing theirs. A demotion ends the account's other sessions (see update).
func applyType(u *User, p Patch, hash string) error {
	t, ok := p.Type.Value()
	if !ok || t == u.Type {
		return nil
	}
	if t < TypeOperator || t > TypeGuest {
		return fieldErr("type", "must be 0, 1 or 2")
	}
	switch {
	case t == TypeGuest:
		if u.IsOnline() {
			return fieldErr("type", "an online account cannot be a guest")
		}
		u.Password = ""
		u.FlagSendstats = guestSendstats()
	case u.Type == TypeGuest && hash == "":
		return fieldErr("type", "a guest becomes a user only with a password")
	}
	u.Type = t
	return nil
}

func (s *Service) applyRename(tx Tx, u *User, p Patch) error {
	v, ok := p.Login.Value()
	if !ok {
		return nil
	}
	login := NormalizeLogin(v)
	if login == u.Login {
		return nil
	}
	if u.IsOnline() || ValidateLogin(login) != nil || strings.Contains(login, "@") {
		return fieldErr("login", "must be a valid local login")
	}
	if err := checkNames(tx, login, "", u.Login); err != nil {
		return err
	}
	u.Login = login
	u.TokenKey = NewTokenKey() // tokens name the old login
	return nil
}

func saveOrRename(tx Tx, old string, u *User) error {
	if old != u.Login {
		return tx.Rename(old, u)
	}
	return tx.Save(u)
}

// applyAvatar spends a pending upload of the uploader, inside the edit's
// transaction: a failed edit leaves the upload usable.
func (s *Service) applyAvatar(tx Tx, u *User, p Patch) error {
	id, ok := p.Avatar.Value()
	if !ok {
		return nil
	}
	if err := tx.ClaimUpload(id, p.Uploader, s.now().UTC().Add(-PendingUploadLife)); err != nil {
		return err
	}
	u.AvatarFile = id
	return nil
}

// afterAvatarChange deletes the replaced file, now that the commit is done.
func (s *Service) afterAvatarChange(old string, u *User) {
	if u != nil && old != u.AvatarFile {
		s.removeAvatar(old)
	}
}
