package users

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors of online accounts, beyond ErrUnreachable and ErrHostNotAllowed.
var (
	ErrOnlineTaken     = errors.New("the account already exists on its online server")
	ErrRemoteDisabled  = errors.New("the online server does not take online accounts")
	ErrOnlineToken     = errors.New("the online token is missing or refused")
	ErrRemoteCreate    = errors.New("the online server refused to create the account")
	ErrAlreadyOnline   = errors.New("the account is already an online account")
	ErrResetLinkExpire = errors.New("the reset link is unknown, used or expired")
)

// RemoteAccount is an account as its online server shows it to its owner:
// the profile as a patch (so that the domain's rules check every value
// before it is stored) and the server's avatar file name.
type RemoteAccount struct {
	Login      string
	Profile    Patch
	AvatarFile string
	// The anime list the host fetched for the account; nil: not sent.
	AnimeListIDs            []int
	AnimeListLastModifiedAt *time.Time
}

// maxAnimeIDs bounds a synced anime list.
const maxAnimeIDs = 100_000

func validAnimeIDs(ids []int) bool {
	if len(ids) > maxAnimeIDs {
		return false
	}
	for _, id := range ids {
		if id <= 0 {
			return false
		}
	}
	return true
}

// Remote is the online server of name@host accounts, as the app side sees
// it. Every method contacts only an allowed host; a host that does not
// answer, answers junk or too much is ErrUnreachable.
type Remote interface {
	// Mapped tells a host the operator mapped to an address at start: it is
	// allowed even when the settings do not list it.
	Mapped(host string) bool
	// Login checks a password: ErrBadCredentials when the host refuses it.
	Login(ctx context.Context, host, name, password string) (token string, err error)
	// Account reads the token owner's full profile.
	Account(ctx context.Context, host, token string) (RemoteAccount, error)
	// Avatar reads an avatar file of the host.
	Avatar(ctx context.Context, host, file string) ([]byte, error)
	// Exists tells whether the host has an account of that name.
	Exists(ctx context.Context, host, name string) (bool, error)
	// Create makes the account on the host: ErrOnlineTaken, ErrRemoteDisabled.
	Create(ctx context.Context, host, name, password string) error
	// Edit pushes a profile change (and a new avatar when avatar is not
	// nil); the token is refreshed when the password changed.
	Edit(ctx context.Context, host, name, token string, p Patch, avatar []byte) (newToken string, acct RemoteAccount, err error)
	// Delete removes the token owner's account.
	Delete(ctx context.Context, host, token string) error
	// RequestReset asks the host to mail a reset link.
	RequestReset(ctx context.Context, host, name string) error
	// Check tells whether the host accepts the token now.
	Check(ctx context.Context, host, token string) (bool, error)
	// RefreshAnimeList has the host fetch the token owner's anime list
	// again and answers the ids it then stores (POST /api/myaccount/myanime).
	RefreshAnimeList(ctx context.Context, host, token string) (RemoteAnimeList, error)
}

// AvatarIO turns bytes into a pending avatar upload and reads avatar files,
// for the avatars of online accounts.
type AvatarIO interface {
	UploadAvatar(ctx context.Context, owner string, data []byte) (id string, err error)
	AvatarBytes(name string) ([]byte, bool)
}

// onlineHostOK tells whether host may be contacted: online accounts are on
// and the host is allowed by the settings or mapped by the operator.
func (s *Service) onlineHostOK(host string) error {
	st := s.Settings()
	switch {
	case !st.OnlineAccountsEnabled:
		return ErrOnlineDisabled
	case !validHost(host):
		return ErrHostNotAllowed
	case st.HostAllowed(host), s.remote != nil && s.remote.Mapped(host):
		return nil
	}
	return ErrHostNotAllowed
}

// onlineLogin logs name@host in through its server, then syncs the local
// copy. When the server does not answer, the local copy's password (the
// last one synced) still works.
func (s *Service) onlineLogin(ctx context.Context, clientIP, login, password string, code *string, local *User) (*LoginResult, error) {
	name, host := SplitLogin(login)
	if ValidateLogin(login) != nil || s.onlineHostOK(host) != nil {
		return s.finishLogin(ctx, clientIP, login, password, code, local, "")
	}
	tok, err := "", error(ErrUnreachable)
	if s.remote != nil {
		tok, err = s.remote.Login(ctx, host, name, password)
	}
	if errors.Is(err, ErrBadCredentials) {
		return nil, s.loginFailed(ctx, clientIP, login, false)
	}
	if err != nil {
		s.log.Warn("online server not answering: offline login", "login", login, "err", err)
		if local == nil {
			s.hasher.Check("", password)
			return nil, ErrUnreachable
		}
		return s.finishLogin(ctx, clientIP, login, password, code, local, "")
	}
	synced, err := s.syncFromHost(ctx, login, password, tok, local)
	if err != nil {
		s.log.Warn("online profile not synced: offline login", "login", login, "err", err)
		if local == nil {
			return nil, ErrUnreachable
		}
		return s.finishLogin(ctx, clientIP, login, password, code, local, "")
	}
	attemptOf(ctx).end(ctx, true)
	return s.grant(ctx, clientIP, synced, code, tok)
}

// finishLogin checks the password against the local copy.
func (s *Service) finishLogin(ctx context.Context, clientIP, login, password string, code *string, u *User, onlineToken string) (*LoginResult, error) {
	if !s.passwordMatches(u, password) {
		return nil, s.loginFailed(ctx, clientIP, login, u != nil)
	}
	attemptOf(ctx).end(ctx, true)
	return s.grant(ctx, clientIP, u, code, onlineToken)
}

// loginFailed ends the login's attempt as a failure (the try was taken
// before the compare). The name is logged only when it is an account: a
// password typed into the login field must not land in the log.
func (s *Service) loginFailed(ctx context.Context, clientIP, login string, known bool) error {
	attemptOf(ctx).end(ctx, false)
	if known {
		s.log.Info("login failed", "client_ip", clientIP, "login", login)
	} else {
		s.log.Info("login failed", "client_ip", clientIP)
	}
	return ErrBadCredentials
}

// grant ends a successful login: the operator code, activity, a device
// cookie; the caller opens the token or the panel session.
func (s *Service) grant(ctx context.Context, clientIP string, u *User, code *string, onlineToken string) (*LoginResult, error) {
	res := &LoginResult{User: u, OnlineToken: onlineToken, Device: s.newDevice(u.Login)}
	var err error
	if code != nil {
		if res.Promoted, err = s.promote(ctx, u, *code); err != nil {
			return nil, err
		}
	}
	s.Touch(ctx, u)
	s.log.Info("login", "client_ip", clientIP, "login", u.Login, "role", u.Role(), "online", onlineToken != "")
	s.animeListStale(u.Login, false)
	return res, nil
}

// syncFromHost reads the profile from the host and stores it in the local
// copy, with the password's hash so that it also works offline. Nothing is
// stored unless every value passes the domain's rules.
func (s *Service) syncFromHost(ctx context.Context, login, password, token string, local *User) (*User, error) {
	name, host := SplitLogin(login)
	acct, err := s.remote.Account(ctx, host, token)
	if err != nil {
		return nil, err
	}
	if NormalizeLogin(acct.Login) != name {
		return nil, fmt.Errorf("%w: the host answered for %q", ErrUnreachable, acct.Login)
	}
	hash := ""
	if local == nil || !s.hasher.Check(local.Password, password) {
		if hash, err = s.hasher.Hash(password); err != nil {
			return nil, err
		}
	}
	avatar := s.fetchAvatar(ctx, login, host, acct.AvatarFile)
	return s.storeRemote(ctx, login, acct, hash, avatar)
}

// fetchAvatar brings the host's avatar in as a pending upload; "" when
// there is none or it cannot be had (the avatar is not worth a failed login).
func (s *Service) fetchAvatar(ctx context.Context, login, host, file string) string {
	if s.avatarIO == nil || file == "" || file == BlankAvatar {
		return ""
	}
	data, err := s.remote.Avatar(ctx, host, file)
	if err == nil {
		var id string
		if id, err = s.avatarIO.UploadAvatar(ctx, login, data); err == nil {
			return id
		}
	}
	s.log.Warn("online avatar not synced", "login", login, "err", err)
	return ""
}

// storeRemoteOnce writes the host's view of the account into the local copy,
// creating it on first login. hash, when set, is the new password hash;
// avatar, when set, a pending upload of login.
func (s *Service) storeRemoteOnce(ctx context.Context, login string, acct RemoteAccount, hash, avatar string) (*User, error) {
	local, _ := SplitLogin(login)
	p := acct.Profile
	p.Type, p.Login, p.Password, p.OldPassword = Opt[int]{}, Opt[string]{}, Opt[string]{}, Opt[string]{}
	if avatar != "" {
		p.Avatar, p.Uploader = Some(avatar), login
	}
	if err := applyProfile(&User{}, p); err != nil {
		return nil, fmt.Errorf("%w: invalid profile: %v", ErrUnreachable, err)
	}
	if !validAnimeIDs(acct.AnimeListIDs) {
		return nil, fmt.Errorf("%w: invalid anime list", ErrUnreachable)
	}
	var out *User
	var oldAvatar string
	err := s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByLogin(login)
		isNew := errors.Is(err, ErrNotFound)
		switch {
		case isNew:
			u = s.newUser(login, local, TypeUser)
		case err != nil:
			return err
		}
		oldAvatar = u.AvatarFile
		if err := applyProfile(u, p); err != nil {
			return err
		}
		if err := s.syncNickname(tx, u, p, isNew); err != nil {
			return err
		}
		if err := s.applyAvatar(tx, u, p); err != nil {
			return err
		}
		if hash != "" {
			u.Password = hash
		}
		if acct.AnimeListIDs != nil {
			u.AnimeListIDs, u.AnimeListLastModifiedAt = IntList(acct.AnimeListIDs), acct.AnimeListLastModifiedAt
		}
		out = u
		if isNew {
			return tx.Insert(u)
		}
		return tx.Save(u)
	})
	if err != nil {
		return nil, fmt.Errorf("users: sync %s: %w", login, err)
	}
	s.afterAvatarChange(oldAvatar, out)
	return out, nil
}

// storeRemote writes the host's view, once more when a login at the same
// moment made the local copy first.
func (s *Service) storeRemote(ctx context.Context, login string, acct RemoteAccount, hash, avatar string) (*User, error) {
	u, err := s.storeRemoteOnce(ctx, login, acct, hash, avatar)
	if errors.Is(err, ErrLoginTaken) {
		u, err = s.storeRemoteOnce(ctx, login, acct, hash, avatar)
	}
	return u, err
}

// syncNickname takes the host's nickname unless another local user has it:
// then the local copy keeps its own (or, when new, its login).
func (s *Service) syncNickname(tx Tx, u *User, p Patch, isNew bool) error {
	before, beforeKey := u.Nickname, u.NicknameKey
	key, err := applyNickname(u, p)
	if err != nil {
		u.Nickname, u.NicknameKey = before, beforeKey
		return nil
	}
	if key == "" {
		return nil
	}
	owner, err := tx.NameOwner(key, u.Login)
	if err != nil {
		return err
	}
	if owner != "" {
		u.Nickname, u.NicknameKey = before, beforeKey
		if isNew {
			u.Nickname, u.NicknameKey = u.Login, NicknameKey(u.Login)
		}
	}
	return nil
}

// remoteCreate makes a new online account on its host, before the local
// copy is written.
func (s *Service) remoteCreate(ctx context.Context, login, password string) error {
	name, host := SplitLogin(login)
	if s.remote == nil {
		return ErrUnreachable
	}
	exists, err := s.remote.Exists(ctx, host, name)
	if err != nil {
		return err
	}
	if exists {
		return ErrOnlineTaken
	}
	return s.remote.Create(ctx, host, name, password)
}

// EditOnline is an online user's edit of their own account: it goes to the
// host first (with the online token), then the host's answer is stored.
// The host's new token, after a password change, is returned.
func (s *Service) EditOnline(ctx context.Context, me *User, onlineToken string, p Patch) (*User, string, error) {
	if !me.IsOnline() {
		u, err := s.EditMe(ctx, me, p)
		return u, "", err
	}
	if t, ok := p.Type.Value(); ok && t != me.Type {
		return nil, "", ErrCannotChangeType
	}
	if l, ok := p.Login.Value(); ok && NormalizeLogin(l) != me.Login {
		return nil, "", fieldErr("login", "cannot be changed here")
	}
	p.Type, p.Login = Opt[int]{}, Opt[string]{}
	if p.Password.Set {
		if err := s.checkOwnPassword(ctx, me, p.OldPassword.V); err != nil {
			return nil, "", err
		}
	}
	hash, err := s.hashPatchPassword(p, me.Login, me.Nickname, p.Nickname.V)
	if err != nil {
		return nil, "", err
	}
	probe := *me
	if err := applyProfile(&probe, p); err != nil {
		return nil, "", err
	}
	key, err := applyNickname(&probe, p)
	if err != nil {
		return nil, "", err
	}
	if key != "" {
		if err := s.store.Update(ctx, func(tx Tx) error { return checkNames(tx, "", key, me.Login) }); err != nil {
			return nil, "", err
		}
	}
	var avatar []byte
	if id, ok := p.Avatar.Value(); ok {
		if avatar, err = s.pendingAvatar(ctx, id, p.Uploader); err != nil {
			return nil, "", err
		}
	}
	name, host := SplitLogin(me.Login)
	if err := s.onlineHostOK(host); err != nil || s.remote == nil {
		return nil, "", ErrUnreachable
	}
	if onlineToken == "" {
		return nil, "", ErrOnlineToken
	}
	push := p
	push.OldPassword, push.Avatar = Opt[string]{}, Opt[string]{}
	newTok, acct, err := s.remote.Edit(ctx, host, name, onlineToken, push, avatar)
	if err != nil {
		return nil, "", err
	}
	if NormalizeLogin(acct.Login) != name {
		return nil, "", fmt.Errorf("%w: the host answered for %q", ErrUnreachable, acct.Login)
	}
	// The host's answer is the truth, but an avatar we sent is ours already.
	if avatar != nil {
		acct.Profile.Avatar, acct.Profile.Uploader = p.Avatar, p.Uploader
	}
	upload := ""
	if avatar != nil {
		upload, _ = p.Avatar.Value()
	}
	u, err := s.storeRemote(ctx, me.Login, acct, hash, upload)
	if err != nil {
		return nil, "", err
	}
	if hash != "" {
		u, err = s.update(ctx, me.Login, func(_ Tx, row *User) error {
			row.TokenKey = NewTokenKey() // a new password ends the older tokens
			return nil
		})
		if err != nil {
			return nil, "", err
		}
	}
	return u, newTok, nil
}

// errProbe rolls a probing transaction back.
var errProbe = errors.New("probe")

// pendingAvatar reads a pending upload of uploader without spending it.
func (s *Service) pendingAvatar(ctx context.Context, id, uploader string) ([]byte, error) {
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := tx.ClaimUpload(id, uploader, s.now().UTC().Add(-PendingUploadLife)); err != nil {
			return err
		}
		return errProbe
	})
	if !errors.Is(err, errProbe) {
		return nil, ErrInvalidAvatar
	}
	if s.avatarIO == nil {
		return nil, ErrInvalidAvatar
	}
	data, ok := s.avatarIO.AvatarBytes(id)
	if !ok {
		return nil, ErrInvalidAvatar
	}
	return data, nil
}

// Converted is the result of a conversion between local and online.
type Converted struct {
	User        *User
	Token       string
	OnlineToken string
	Renamed     bool // the local name was taken: the account got a variant
}

// ConvertToOnline moves a local account to host: the account is created
// there with the same password and profile, then every local reference is
// renamed to name@host in one transaction.
func (s *Service) ConvertToOnline(ctx context.Context, me *User, instance, password string) (*Converted, error) {
	switch {
	case me.Login == AdminLogin:
		return nil, ErrAdminProtected
	case me.IsOnline():
		return nil, ErrAlreadyOnline
	case me.Type == TypeGuest:
		return nil, ErrGuestCannotEdit
	}
	if err := s.checkOwnPassword(ctx, me, password); err != nil {
		return nil, err
	}
	host := NormalizeLogin(instance)
	if err := s.onlineHostOK(host); err != nil {
		return nil, err
	}
	login := me.Login + "@" + host
	if err := ValidateLogin(login); err != nil {
		return nil, ErrHostNotAllowed
	}
	if err := s.precheckNames(ctx, login, ""); err != nil {
		return nil, err
	}
	if err := s.remoteCreate(ctx, login, password); err != nil {
		return nil, err
	}
	tok, err := s.remote.Login(ctx, host, me.Login, password)
	if err != nil {
		return nil, fmt.Errorf("%w: login after creation: %v", ErrUnreachable, err)
	}
	s.pushProfile(ctx, me, host, tok)
	u, err := s.update(ctx, me.Login, func(_ Tx, row *User) error {
		row.Login, row.TokenKey = login, NewTokenKey()
		return nil
	})
	if err != nil {
		// Leave no account on the host that nobody here uses.
		if derr := s.remote.Delete(ctx, host, tok); derr != nil {
			s.log.Error("conversion failed and the new online account stays on its host", "login", login, "err", derr)
		}
		return nil, fmt.Errorf("users: convert %s: %w", me.Login, err)
	}
	out := &Converted{User: u, OnlineToken: tok}
	if out.Token, err = s.IssueToken(ctx, u); err != nil {
		return nil, err
	}
	s.log.Info("user converted to online", "login", me.Login, "online_login", login)
	return out, nil
}

// pushProfile gives the host the profile the account had here; a failure
// only costs the profile, the account is converted.
func (s *Service) pushProfile(ctx context.Context, u *User, host, token string) {
	p := Patch{
		Nickname: Some(u.Nickname), FlagPublic: Some(u.FlagPublic), FlagParentsonly: Some(u.FlagParentsonly),
		FlagDisplayfavorites: Some(u.FlagDisplayfavorites), FlagTutorialDone: Some(u.FlagTutorialDone),
		SocialNetworks: Some(u.SocialNetworks),
	}
	texts := []struct {
		dst *Opt[string]
		v   *string
	}{
		{&p.Bio, u.Bio}, {&p.URL, u.URL}, {&p.Email, u.Email}, {&p.Location, u.Location}, {&p.Language, u.Language},
		{&p.MainSeriesLang, u.MainSeriesLang}, {&p.FallbackSeriesLang, u.FallbackSeriesLang},
		{&p.AnimeListToFetch, u.AnimeListToFetch},
	}
	for _, t := range texts {
		if t.v != nil {
			*t.dst = Some(*t.v)
		}
	}
	if u.FlagSendstats != nil {
		p.FlagSendstats = Some(*u.FlagSendstats)
	}
	var avatar []byte
	if s.avatarIO != nil && u.AvatarFile != BlankAvatar {
		avatar, _ = s.avatarIO.AvatarBytes(u.AvatarFile)
	}
	if _, _, err := s.remote.Edit(ctx, host, u.Login, token, p, avatar); err != nil {
		s.log.Warn("profile not pushed to the online server", "login", u.Login, "err", err)
	}
}

// ConvertToLocal moves an online account back here: the password is checked
// by the host, the host's account is deleted, and the local copy is renamed
// to its local part (or a free variant), keeping its password.
func (s *Service) ConvertToLocal(ctx context.Context, me *User, password string) (*Converted, error) {
	if !me.IsOnline() {
		return nil, ErrNotOnline
	}
	name, host := SplitLogin(me.Login)
	tok, err := "", error(ErrUnreachable)
	if s.remote != nil && s.onlineHostOK(host) == nil {
		tok, err = s.remote.Login(ctx, host, name, password)
	}
	if errors.Is(err, ErrBadCredentials) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		// The host cannot say: the last synced password answers for it.
		if err := s.checkOwnPassword(ctx, me, password); err != nil {
			return nil, err
		}
		return nil, err
	}
	hash := ""
	if !s.hasher.Check(me.Password, password) {
		if hash, err = s.hasher.Hash(password); err != nil {
			return nil, err
		}
	}
	if err := s.remote.Delete(ctx, host, tok); err != nil {
		return nil, err
	}
	out := &Converted{}
	u, err := s.update(ctx, me.Login, func(tx Tx, row *User) error {
		free, err := freeLogin(tx, name, row.Login)
		if err != nil {
			return err
		}
		out.Renamed = free != name
		row.Login, row.TokenKey = free, NewTokenKey()
		if hash != "" {
			row.Password = hash
		}
		return nil
	})
	if err != nil {
		s.log.Error("online account deleted but the local copy was not renamed", "login", me.Login, "err", err)
		return nil, fmt.Errorf("users: convert %s to local: %w", me.Login, err)
	}
	out.User = u
	if out.Token, err = s.IssueToken(ctx, u); err != nil {
		return nil, err
	}
	s.log.Info("user converted to local", "online_login", me.Login, "login", u.Login)
	return out, nil
}

// freeLogin is name, or name-2, name-3... when taken by someone else.
func freeLogin(tx Tx, name, except string) (string, error) {
	for i := 1; i < 1000; i++ {
		cand := name
		if i > 1 {
			suffix := "-" + strconv.Itoa(i)
			if len(name)+len(suffix) > 64 {
				cand = name[:64-len(suffix)]
			}
			cand += suffix
		}
		owner, err := tx.NameOwner(cand, except)
		if err != nil {
			return "", err
		}
		if owner == "" {
			return cand, nil
		}
	}
	return "", ErrLoginTaken
}

// OnlineResetPassword asks the host of name@host to mail a reset link.
func (s *Service) OnlineResetPassword(ctx context.Context, login string) error {
	login = NormalizeLogin(login)
	if err := ValidateLogin(login); err != nil {
		return err
	}
	name, host := SplitLogin(login)
	if err := s.onlineHostOK(host); err != nil {
		return err
	}
	if s.remote == nil {
		return ErrUnreachable
	}
	return s.remote.RequestReset(ctx, host, name)
}

// OnlineAvailable tells whether u's host accepted the online token just now.
func (s *Service) OnlineAvailable(ctx context.Context, u *User, onlineToken string) bool {
	_, host := SplitLogin(u.Login)
	if !u.IsOnline() || onlineToken == "" || s.remote == nil || s.onlineHostOK(host) != nil {
		return false
	}
	ok, err := s.remote.Check(ctx, host, onlineToken)
	return err == nil && ok
}
