package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// summaryColumns are what a list needs, in the order EachUser scans them;
// profiles read the whole row.
const summaryColumns = "login, nickname, type, avatar_file, last_login_at, flag_public, flag_temporary, created_at"

// maxRune ends a prefix range: every string that starts with p sorts below
// p + maxRune, so a prefix search is an index range in any SQL dialect.
const maxRune = "\U0010FFFF"

var sortColumns = map[string][]string{
	users.SortLogin:    {"login"},
	users.SortNickname: {"nickname_sort", "login"},
	users.SortCreated:  {"created_at", "login"},
	users.SortLastSeen: {"last_login_at", "login"},
	users.SortType:     {"type", "login"},
}

// UserByLogin reads one account.
func (s *Store) UserByLogin(ctx context.Context, login string) (*users.User, error) {
	return s.readUserByLogin(ctx, login)
}

// userByLogin reads one row and scans it by hand: every request reads its
// user, and GORM's reflective scan was most of that cost (see
// docs/PERFORMANCE.md). The SQL is still built by GORM, so it stays neutral.
func userByLogin(db *gorm.DB, login string) (*users.User, error) {
	var u users.User
	err := db.Raw("SELECT "+userColumns+" FROM users WHERE login = ?", login).Row().Scan(userTargets(&u)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, users.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// EachUser streams summaries. A deep page is found on a covering index
// first (logins only), then only its rows are read.
func (s *Store) EachUser(ctx context.Context, q users.ListQuery, fn func(*users.User) error) error {
	if q.HideUnusedGuests && q.Limit > 0 {
		return s.eachHiding(ctx, q, fn)
	}
	order := orderClause(q)
	db := s.r.WithContext(ctx)
	query := filtered(db.Model(&users.User{}), q)
	if q.Limit > 0 {
		page, err := s.pageOf(ctx, db, query, q)
		if err != nil {
			return err
		}
		query = db.Model(&users.User{}).Where("login IN (?)", page.Select("login").Order(order).Limit(q.Limit))
	}
	return scanSummaries(query.Select(summaryColumns).Order(order), fn)
}

// scanSummaries runs a query of summaryColumns and calls fn on each row.
func scanSummaries(query *gorm.DB, fn func(*users.User) error) error {
	rows, err := query.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var u users.User
	for rows.Next() {
		err := rows.Scan(&u.Login, &u.Nickname, &u.Type, &u.AvatarFile, &u.LastLoginAt, &u.FlagPublic, &u.FlagTemporary, &u.CreatedAt)
		if err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountUsers counts the users of a query, without paging.
func (s *Store) CountUsers(ctx context.Context, q users.ListQuery) (int64, error) {
	return s.keptCountUsers(ctx, q, func() (int64, error) { return s.countView(ctx, q) })
}

func filtered(db *gorm.DB, q users.ListQuery) *gorm.DB {
	db = moreFilters(searchFilter(db, q.Filter), q)
	if q.Type != nil {
		db = db.Where("type = ?", *q.Type)
	}
	if q.PublicOnly {
		db = db.Where("flag_public = ?", true)
	}
	if q.ActiveSince != nil {
		db = db.Where("last_login_at >= ?", *q.ActiveSince)
	}
	switch q.Kind {
	case "local":
		db = db.Where("login NOT LIKE ?", "%@%")
	case "online":
		db = db.Where("login LIKE ?", "%@%")
	}
	return db
}

func orderClause(q users.ListQuery) string {
	cols, ok := sortColumns[q.Sort]
	if !ok {
		cols = sortColumns[users.SortLogin]
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	return strings.Join(cols, dir+", ") + dir
}

// TouchUser records activity, only when the stored time is older than
// before, and tells whether it wrote: of two requests (or processes) that
// both saw an old time, one writes.
func (s *Store) TouchUser(ctx context.Context, login string, at, before time.Time) (bool, error) {
	res := s.w.WithContext(ctx).Model(&users.User{}).
		Where("login = ? AND last_login_at < ?", login, before).
		Update("last_login_at", at)
	return res.RowsAffected > 0, res.Error
}

// DeleteTemporaryUsers removes the temporary guests of the last run.
func (s *Store) DeleteTemporaryUsers(ctx context.Context) (int64, error) {
	// The bare column is the condition of the partial index
	// idx_users_temporary. Raw SQL: this runs at every start, before the
	// server answers, and parsing the model costs more than the delete.
	res := s.w.WithContext(ctx).Exec("DELETE FROM users WHERE flag_temporary")
	return res.RowsAffected, res.Error
}

// Update runs fn in one write transaction (see write: on PostgreSQL fn may
// run again after a serialization failure).
func (s *Store) Update(ctx context.Context, fn func(users.Tx) error) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return fn(userTx{db: tx, read: map[string]users.User{}})
	})
}

// userTx is a write transaction. read keeps each row as the transaction
// read or last wrote it, so that Save writes only the columns that changed
// (save_columns.go).
type userTx struct {
	db   *gorm.DB
	read map[string]users.User
}

func (t userTx) UserByLogin(login string) (*users.User, error) {
	u, err := userByLogin(t.db, login)
	if err == nil && t.read != nil {
		t.read[u.Login] = copyUser(*u)
	}
	return u, err
}

// nameOwnerWhere finds a name's owner through three indexes. The
// skeleton's index is partial (only rows with a skeleton), so the
// condition repeats that; without it SQLite cannot use the index and reads
// every user for each sign-up, rename or import.
const nameOwnerWhere = "(login = ? OR nickname_key = ? OR (nickname_skeleton = ? AND nickname_skeleton <> '')) AND login <> ?"

func (t userTx) NameOwner(name, except string) (string, error) {
	var logins []string
	err := t.db.Model(&users.User{}).
		Where(nameOwnerWhere, name, name, users.NicknameSkeleton(name), except).
		Limit(1).Pluck("login", &logins).Error
	if err != nil || len(logins) == 0 {
		return "", err
	}
	return logins[0], nil
}

func (t userTx) Insert(u *users.User) error {
	err := t.db.Create(u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return users.ErrLoginTaken
	}
	if err != nil {
		return err
	}
	return indexUser(t.db, u.Login, u.Nickname, true)
}

// Save writes the columns of userFields but the key, zero values included:
// those that changed since the transaction read the row, or all of them.
func (t userTx) Save(u *users.User) error {
	cols := t.changedColumns(u)
	if len(cols) == 0 {
		return nil // read in this transaction and unchanged: it exists
	}
	res := t.db.Model(u).Select(cols).Updates(u)
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return users.ErrNicknameTaken
	}
	if res.Error == nil && res.RowsAffected == 0 {
		return users.ErrNotFound
	}
	if res.Error == nil && t.read != nil {
		t.read[u.Login] = copyUser(*u)
	}
	if res.Error != nil {
		return res.Error
	}
	return indexUser(t.db, u.Login, u.Nickname, false)
}

func (t userTx) Rename(oldLogin string, u *users.User) error {
	res := t.db.Model(&users.User{}).Where("login = ?", oldLogin).Update("login", u.Login)
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return users.ErrLoginTaken
	}
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return users.ErrNotFound
	}
	if err := t.Save(u); err != nil {
		return err
	}
	return indexUser(t.db, u.Login, u.Nickname, true) // the login's suffixes
}

func (t userTx) Delete(login string) error {
	res := t.db.Where("login = ?", login).Delete(&users.User{})
	if res.Error == nil && res.RowsAffected == 0 {
		return users.ErrNotFound
	}
	return res.Error
}

func (t userTx) IdleGuests(before time.Time) ([]string, error) {
	var logins []string
	err := t.db.Model(&users.User{}).
		Where("type = ? AND flag_temporary = ? AND last_login_at < ?", users.TypeGuest, false, before).
		Pluck("login", &logins).Error
	return logins, err
}
