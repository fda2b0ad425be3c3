package kmimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/progress"
	"github.com/kmusers/kmusers/internal/users"
)

// Accounts is the domain's side of an import (users.Service).
type Accounts interface {
	PrepareImport(in users.Imported) (*users.PreparedImport, error)
	CheckImport(ctx context.Context, p *users.PreparedImport) error
	CommitImport(ctx context.Context, p *users.PreparedImport, avatar string) error
	DryRunImport(ctx context.Context, ps []*users.PreparedImport, each func(i int, err error)) error
}

// Uploader turns an image into a pending avatar upload, as an upload from a
// client does (avatars.Service).
type Uploader interface {
	Upload(ctx context.Context, owner, originalName string, data []byte) (avatars.Upload, error)
}

// Options of a run.
type Options struct {
	AvatarDir string    // KM's avatars folder; "" imports no avatar
	DryRun    bool      // check everything, write nothing
	Progress  io.Writer // a terminal to draw a progress bar on; nil for none
}

// Outcome of one KM account.
type Outcome int

// Outcomes, in the order a report lists them.
const (
	Imported  Outcome = iota // inserted (or, in a dry run, would be)
	Unchanged                // imported by an earlier run
	Skipped                  // refused by the rules
)

// Result is what became of one KM account.
type Result struct {
	Login   string // as KM stores it
	Outcome Outcome
	Reason  string          // why it was skipped
	Dropped []users.Dropped // values not kept
	Avatar  bool            // its KM avatar came (or would come) in
}

// Report is the outcome of a run, one result per KM row in login order.
type Report struct {
	DryRun  bool
	Results []Result
	Took    time.Duration
}

// Count counts the results of one outcome.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Run imports the rows. Refusals of the rules skip a row and say why; a
// failure of the database or of the avatar folder stops the run.
func Run(ctx context.Context, rows []Row, accts Accounts, up Uploader, o Options) (*Report, error) {
	start := time.Now()
	rep := &Report{DryRun: o.DryRun, Results: make([]Result, len(rows))}
	bar := progress.New(o.Progress, len(rows), "importing KM users", "users")
	defer bar.Done()
	prepared := make([]*users.PreparedImport, len(rows))
	for i, row := range rows {
		res := &rep.Results[i]
		res.Login = row.Login
		in, dropped := toImported(row)
		p, err := accts.PrepareImport(in)
		if err != nil {
			if err := skip(res, err); err != nil {
				return nil, err
			}
			continue
		}
		p.Dropped = append(p.Dropped, dropped...)
		prepared[i] = p
	}
	var err error
	if o.DryRun {
		err = dryRun(ctx, rows, prepared, accts, o, rep, bar)
	} else {
		err = commit(ctx, rows, prepared, accts, up, o, rep, bar)
	}
	if err != nil {
		return nil, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func commit(ctx context.Context, rows []Row, prepared []*users.PreparedImport, accts Accounts, up Uploader,
	o Options, rep *Report, bar *progress.Bar) error {
	for i, p := range prepared {
		bar.Step()
		res := &rep.Results[i]
		if p == nil {
			continue // skipped already
		}
		// The names first: no avatar is uploaded for an account that
		// cannot come in.
		if err := accts.CheckImport(ctx, p); err != nil {
			if err := skip(res, err); err != nil {
				return err
			}
			continue
		}
		avatar, err := uploadAvatar(ctx, up, p, rows[i], o.AvatarDir)
		if err != nil {
			return err
		}
		if err := accts.CommitImport(ctx, p, avatar); err != nil {
			if err := skip(res, err); err != nil {
				return err
			}
			continue
		}
		res.Outcome, res.Dropped, res.Avatar = Imported, p.Dropped, avatar != ""
	}
	return nil
}

func dryRun(ctx context.Context, rows []Row, prepared []*users.PreparedImport, accts Accounts,
	o Options, rep *Report, bar *progress.Bar) error {
	var ps []*users.PreparedImport
	var at []int
	for i, p := range prepared {
		if p != nil {
			ps, at = append(ps, p), append(at, i)
		}
	}
	var failed error
	err := accts.DryRunImport(ctx, ps, func(j int, err error) {
		if j == 0 {
			failed = nil // a transaction retried on a conflict starts over
		}
		res := &rep.Results[at[j]]
		res.Outcome, res.Reason = Imported, ""
		if err != nil && failed == nil {
			failed = skip(res, err)
		}
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return err
	}
	for i, p := range prepared {
		bar.Step()
		res := &rep.Results[i]
		if p == nil || res.Outcome != Imported {
			continue
		}
		data, err := readAvatar(p, rows[i], o.AvatarDir)
		if err != nil {
			return err
		}
		if data != nil {
			if _, _, err := avatars.Process(data); err != nil {
				p.Dropped = append(p.Dropped, users.Dropped{Field: "avatar", Reason: err.Error()})
				data = nil
			}
		}
		res.Dropped, res.Avatar = p.Dropped, data != nil
	}
	return nil
}

// skip records a refusal of the rules, or returns err when it is not one.
func skip(res *Result, err error) error {
	if errors.Is(err, users.ErrAlreadyImported) {
		res.Outcome, res.Reason = Unchanged, "already imported"
		return nil
	}
	reason, ok := refusal(err)
	if !ok {
		return fmt.Errorf("kmimport: %s: %w", res.Login, err)
	}
	var clash *users.NameClash
	if errors.As(err, &clash) {
		reason = strings.Replace(reason, "is taken", "is taken by "+clash.Owner, 1)
	}
	res.Outcome, res.Reason = Skipped, reason
	return nil
}

// refusal words a refusal of the rules for the operator; ok is false for
// anything else (a database failure).
func refusal(err error) (string, bool) {
	if fe, ok := users.AsFieldError(err); ok {
		return fe.Field + " " + fe.Message, true
	}
	reasons := []struct {
		err    error
		reason string
	}{
		{users.ErrLoginInvalid, "login is not valid in kmusers (1 to 64 of a-z 0-9 _ . -, then @server for online accounts)"},
		{users.ErrAdminProtected, "admin is kmusers' own system account"},
		{users.ErrLoginTaken, "login is taken (as a login or a nickname)"},
		{users.ErrNicknameTaken, "nickname is taken (as a nickname or a login, ignoring case and look-alike letters)"},
		{users.ErrImportGuest, users.ErrImportGuest.Error()},
		{users.ErrImportTemporary, users.ErrImportTemporary.Error()},
		{users.ErrImportType, err.Error()},
		{users.ErrOnlineDisabled, "online account, and online accounts are off in kmusers' settings"},
		{users.ErrOnlineAdmin, "an admin account cannot be an online account"},
		{users.ErrHostNotAllowed, "online account of a server kmusers' settings do not allow"},
		{users.ErrInvalidAvatar, "its avatar upload was gone before the import"},
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason, true
		}
	}
	return "", false
}

// toImported maps a KM row to the domain's imported account. A social
// network kmusers does not have is dropped here.
func toImported(r Row) (users.Imported, []users.Dropped) {
	in := users.Imported{
		Login: r.Login, Type: r.Type, PasswordHash: deref(r.Password), Temporary: deref(r.FlagTemporary),
		Nickname: r.Login, AnimeListIDs: r.AnimeListIDs, AnimeListLastModifiedAt: r.AnimeListLastModifiedAt,
		LastLoginAt: r.LastLoginAt,
	}
	if r.Nickname != nil {
		in.Nickname = *r.Nickname
	}
	p := &in.Profile
	p.Bio, p.URL, p.Email = text(r.Bio), text(r.URL), text(r.Email)
	p.Location, p.Language = text(r.Location), text(r.Language)
	p.MainSeriesLang, p.FallbackSeriesLang = text(r.MainSeriesLang), text(r.FallbackSeriesLang)
	p.Banner, p.AnimeListToFetch = text(r.Banner), text(r.AnimeListToFetch)
	p.FlagTutorialDone, p.FlagSendstats, p.FlagParentsonly = flag(r.FlagTutorialDone), flag(r.FlagSendstats), flag(r.FlagParentsonly)
	p.FlagPublic, p.FlagDisplayfavorites = flag(r.FlagPublic), flag(r.FlagDisplayfavorites)
	var dropped []users.Dropped
	if r.SocialNetworks != nil {
		sn, extra, err := socialNetworks(*r.SocialNetworks)
		if err != nil {
			dropped = append(dropped, users.Dropped{Field: "social_networks", Reason: "not a JSON object of strings"})
		} else {
			p.SocialNetworks = users.Some(sn)
		}
		for _, name := range extra {
			dropped = append(dropped, users.Dropped{Field: "social_networks." + name, Reason: "kmusers has no such network"})
		}
	}
	return in, dropped
}

// socialNetworks reads KM's jsonb object; extra names the non-empty
// networks kmusers has no field for (KM's twitter, say).
func socialNetworks(s string) (users.SocialNetworks, []string, error) {
	var sn users.SocialNetworks
	if err := json.Unmarshal([]byte(s), &sn); err != nil {
		return sn, nil, err
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(s), &all); err != nil {
		return sn, nil, err
	}
	known, _ := json.Marshal(sn)
	var ours map[string]any
	_ = json.Unmarshal(known, &ours)
	var extra []string
	for k, v := range all {
		if _, ok := ours[k]; !ok && v != nil && v != "" {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return sn, extra, nil
}

// avatarOf is the KM avatar file of a row, "" for none (KM's default).
func avatarOf(r Row) string {
	if r.AvatarFile == nil || *r.AvatarFile == "" || *r.AvatarFile == "blank.png" {
		return ""
	}
	return *r.AvatarFile
}

// readAvatar reads the row's avatar from KM's folder. A missing, foreign
// or oversized file drops the avatar (p.Dropped says why) and is nil.
func readAvatar(p *users.PreparedImport, r Row, dir string) ([]byte, error) {
	name := avatarOf(r)
	drop := func(reason string) ([]byte, error) {
		p.Dropped = append(p.Dropped, users.Dropped{Field: "avatar", Reason: reason})
		return nil, nil
	}
	switch {
	case name == "":
		return nil, nil
	case dir == "":
		return drop(fmt.Sprintf("%s not imported: no --avatars folder given", name))
	case filepath.Base(name) != name || !filepath.IsLocal(name):
		return drop(fmt.Sprintf("%q is not a file name", name))
	}
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return drop(fmt.Sprintf("%s is not in %s", name, dir))
	}
	if err != nil {
		return nil, fmt.Errorf("kmimport: avatar of %s: %w", r.Login, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, avatars.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("kmimport: avatar of %s: %w", r.Login, err)
	}
	if len(data) > avatars.MaxBytes {
		return drop(fmt.Sprintf("%s is larger than %d MiB", name, avatars.MaxBytes>>20))
	}
	return data, nil
}

// uploadAvatar runs the row's avatar through the upload pipeline and
// answers the pending upload's id, "" when there is none to import.
func uploadAvatar(ctx context.Context, up Uploader, p *users.PreparedImport, r Row, dir string) (string, error) {
	data, err := readAvatar(p, r, dir)
	if err != nil || data == nil {
		return "", err
	}
	u, err := up.Upload(ctx, p.User.Login, avatarOf(r), data)
	switch {
	case err == nil:
		return u.ID, nil
	case errors.Is(err, avatars.ErrInvalid), errors.Is(err, avatars.ErrUnsupported), errors.Is(err, avatars.ErrTooLarge):
		p.Dropped = append(p.Dropped, users.Dropped{Field: "avatar", Reason: err.Error()})
		return "", nil
	}
	return "", fmt.Errorf("kmimport: avatar of %s: %w", r.Login, err)
}

func text(s *string) users.Opt[string] {
	if s == nil {
		return users.Opt[string]{}
	}
	return users.Some(*s)
}

func flag(b *bool) users.Opt[bool] {
	if b == nil {
		return users.Opt[bool]{}
	}
	return users.Some(*b)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
