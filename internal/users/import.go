package users

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kmusers/kmusers/internal/events"
)

// Imported is an account moved in from another system (Karaoke Mugen's own
// users table). Its password hash is kept as it is, so that every password
// keeps working; the other values pass the same rules as an edit.
type Imported struct {
	Login        string
	Nickname     string
	PasswordHash string // bcrypt; anything else is not kept (see Dropped)
	Type         int
	Temporary    bool
	// Profile holds the profile fields and flags; its Login, Type,
	// Password, Avatar and Nickname are not read.
	Profile                 Patch
	AnimeListIDs            []int
	AnimeListLastModifiedAt *time.Time
	LastLoginAt             *time.Time
}

// Dropped is a value of an imported account that the rules refuse: the
// account comes in without it, and the importer says so.
type Dropped struct {
	Field  string
	Reason string
}

// PreparedImport is an imported account that passed every rule needing no
// database; CheckImport and CommitImport check its names.
type PreparedImport struct {
	User    *User
	Dropped []Dropped
}

// Why an account is not imported, beyond the rules of every account.
var (
	ErrImportGuest     = errors.New("guest accounts are not moved in: kmusers makes its own guests")
	ErrImportTemporary = errors.New("temporary accounts are not moved in")
	ErrImportType      = errors.New("unknown account type")
	ErrAlreadyImported = errors.New("already imported")
	errDryRun          = errors.New("dry run: rolled back")
)

// PrepareImport checks an imported account against the rules that need no
// database: the type, the login (online accounts only when this instance
// takes their server), admin, the nickname, the hash. A refused profile value
// is dropped, not fatal.
func (s *Service) PrepareImport(in Imported) (*PreparedImport, error) {
	// The kind of account first: a guest is not moved in, whatever its name.
	switch {
	case in.Type == TypeGuest:
		return nil, ErrImportGuest
	case in.Type != TypeOperator && in.Type != TypeUser:
		return nil, fmt.Errorf("%w: %d", ErrImportType, in.Type)
	case in.Temporary:
		return nil, ErrImportTemporary
	}
	login := NormalizeLogin(in.Login)
	if err := ValidateLogin(login); err != nil {
		return nil, err
	}
	local, host := SplitLogin(login)
	switch {
	case host == "" && local == AdminLogin:
		return nil, ErrAdminProtected
	case host != "":
		if err := s.onlineCreate(local, host); err != nil {
			return nil, err
		}
	}
	nick, err := CleanNickname(in.Nickname)
	if err != nil {
		return nil, err
	}
	u := s.newUser(login, nick, in.Type)
	p := &PreparedImport{User: u}
	if reason := keptHash(in.PasswordHash); reason != "" {
		p.Dropped = append(p.Dropped, Dropped{"password", reason})
	} else {
		u.Password = in.PasswordHash
	}
	p.Dropped = append(p.Dropped, importProfile(u, in.Profile)...)
	if in.AnimeListIDs != nil {
		if validAnimeIDs(in.AnimeListIDs) {
			u.AnimeListIDs = IntList(in.AnimeListIDs)
			u.AnimeListLastModifiedAt = in.AnimeListLastModifiedAt
		} else {
			p.Dropped = append(p.Dropped, Dropped{"anime_list_ids", "not a list of positive ids"})
		}
	}
	if in.LastLoginAt != nil {
		u.LastLoginAt = in.LastLoginAt.UTC()
	}
	return p, nil
}

// keptHash tells why a stored hash cannot be kept, or "" when it can: a
// bcrypt hash of the contract's cost verifies with the same password.
func keptHash(hash string) string {
	if hash == "" {
		return "there is none: set one with kmusers reset-password"
	}
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return "not a bcrypt hash (KM's SHA-256 hashes from before mid-2020 are refused by KM too): set one with kmusers reset-password"
	}
	if cost < bcrypt.DefaultCost {
		return fmt.Sprintf("bcrypt cost %d is below %d: set one with kmusers reset-password", cost, bcrypt.DefaultCost)
	}
	return ""
}

// importProfile applies each profile value alone, so that one refused value
// drops only itself.
func importProfile(u *User, p Patch) []Dropped {
	one := []struct {
		field string
		p     Patch
	}{
		{"bio", Patch{Bio: p.Bio}},
		{"url", Patch{URL: p.URL}},
		{"email", Patch{Email: p.Email}},
		{"location", Patch{Location: p.Location}},
		{"language", Patch{Language: p.Language}},
		{"main_series_lang", Patch{MainSeriesLang: p.MainSeriesLang}},
		{"fallback_series_lang", Patch{FallbackSeriesLang: p.FallbackSeriesLang}},
		{"banner", Patch{Banner: p.Banner}},
		{"anime_list_to_fetch", Patch{AnimeListToFetch: p.AnimeListToFetch}},
		{"social_networks", Patch{SocialNetworks: p.SocialNetworks}},
		{"flags", Patch{FlagTutorialDone: p.FlagTutorialDone, FlagSendstats: p.FlagSendstats,
			FlagParentsonly: p.FlagParentsonly, FlagPublic: p.FlagPublic, FlagDisplayfavorites: p.FlagDisplayfavorites}},
	}
	var dropped []Dropped
	for _, f := range one {
		if err := applyProfile(u, f.p); err != nil {
			reason := err.Error()
			if fe, ok := AsFieldError(err); ok {
				reason = fe.Message
			}
			dropped = append(dropped, Dropped{f.field, reason})
		}
	}
	return dropped
}

// CheckImport tells whether the prepared account would be inserted now:
// ErrAlreadyImported, or a taken login or nickname (naming its owner).
// Nothing is written.
func (s *Service) CheckImport(ctx context.Context, p *PreparedImport) error {
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := checkImport(tx, p.User); err != nil {
			return err
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// CommitImport inserts the prepared account, with the pending avatar
// upload avatar (of the account's login) when not "".
func (s *Service) CommitImport(ctx context.Context, p *PreparedImport, avatar string) error {
	u := *p.User
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := checkImport(tx, &u); err != nil {
			return err
		}
		if avatar != "" {
			if err := tx.ClaimUpload(avatar, u.Login, s.now().UTC().Add(-PendingUploadLife)); err != nil {
				return err
			}
			u.AvatarFile = avatar
		}
		return tx.Insert(&u)
	})
	if err != nil {
		return fmt.Errorf("users: import %s: %w", u.Login, err)
	}
	s.log.Debug("user imported", "login", u.Login, "type", u.Type)
	s.publish(events.UsersUpdated, u.Login, "")
	return nil
}

// DryRunImport checks the prepared accounts in order, each against the
// ones before it, inside one transaction that is then rolled back: each(i,
// err) hears what CommitImport would answer for ps[i].
func (s *Service) DryRunImport(ctx context.Context, ps []*PreparedImport, each func(i int, err error)) error {
	err := s.store.Update(ctx, func(tx Tx) error {
		for i, p := range ps {
			u := *p.User
			err := checkImport(tx, &u)
			if err == nil {
				err = tx.Insert(&u)
			}
			each(i, err)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return errDryRun // every insert above is undone
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// NameClash is a taken login or nickname (Err), with the account that has
// it, for the importer's report.
type NameClash struct {
	Err   error
	Owner string
}

func (e *NameClash) Error() string { return e.Err.Error() + " by " + e.Owner }
func (e *NameClash) Unwrap() error { return e.Err }

// checkImport refuses a login or nickname that is taken, as Create does
// (checkNames), naming the account that has it; the same account imported
// before (same login and password hash, or no hash and the same nickname)
// is ErrAlreadyImported.
func checkImport(tx Tx, u *User) error {
	old, err := tx.UserByLogin(u.Login)
	switch {
	case err == nil:
		if old.Password == u.Password && (u.Password != "" || old.NicknameKey == u.NicknameKey) {
			return ErrAlreadyImported
		}
		return &NameClash{ErrLoginTaken, old.Login}
	case !errors.Is(err, ErrNotFound):
		return err
	}
	err = checkNames(tx, u.Login, u.NicknameKey, "")
	name := u.NicknameKey
	switch {
	case errors.Is(err, ErrLoginTaken):
		name = u.Login
	case !errors.Is(err, ErrNicknameTaken):
		return err
	}
	owner, oerr := tx.NameOwner(name, "")
	if oerr != nil {
		return oerr
	}
	return &NameClash{err, owner}
}
