package store

import (
	"cmp"
	"context"
	"database/sql/driver"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/users"
)

// The user list's search finds a text anywhere in a login or a nickname,
// ignoring case and accents, and its nickname sort is alphabetical. Both
// rest on values computed here in Go, so the same SQL serves SQLite and
// PostgreSQL (plain B-tree indexes, no FTS module, no unaccent):
//
//   - user_suffixes holds every suffix of the folded login and nickname
//     (lowercase, accents removed): a text occurs in a name exactly when
//     it is the prefix of one of its suffixes, which is one index range.
//   - users.nickname_sort is the nickname's collation key (root locale),
//     indexed with the login, so a nickname-sorted page is an index walk.
//
// Both are written by the store's own writes (Insert, Save, Rename) inside
// their transaction; the suffix rows follow renames and deletions through
// their foreign key.

// userSuffixV230 is one suffix of a user's folded login or nickname.
type userSuffixV230 struct {
	Suffix string
	Login  string
}

func (userSuffixV230) TableName() string { return "user_suffixes" }

// userV230 adds the nickname's sort key.
type userV230 struct {
	NicknameSort []byte
}

func (userV230) TableName() string { return "users" }

// migrateV230 adds the search and sort columns and fills them for every
// existing user, in login order, a batch at a time.
func migrateV230(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.AddColumn(&userV230{}, "NicknameSort"); err != nil {
		return err
	}
	// Suffixes compare byte by byte (a range ends at maxRune): SQLite's
	// default; PostgreSQL needs the "C" collation for that. The rows follow
	// their user's renames and deletion.
	suffixType, rowid := "TEXT", " WITHOUT ROWID"
	if tx.Dialector.Name() != "sqlite" {
		suffixType, rowid = `TEXT COLLATE "C"`, ""
	}
	for _, sql := range []string{
		"CREATE TABLE user_suffixes (suffix " + suffixType + " NOT NULL, " +
			"login TEXT NOT NULL REFERENCES users(login) ON UPDATE CASCADE ON DELETE CASCADE, " +
			"PRIMARY KEY (suffix, login))" + rowid,
		"CREATE INDEX idx_user_suffixes_login ON user_suffixes (login)",
		"CREATE INDEX idx_users_nickname_sort_login ON users (nickname_sort, login)",
		"CREATE INDEX idx_users_created_at_login ON users (created_at, login)",
	} {
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	after := ""
	for {
		var rows []struct{ Login, Nickname string }
		err := tx.Table("users").Select("login, nickname").Where("login > ?", after).Order("login").Limit(1000).Find(&rows).Error
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			if err := indexUser(tx, r.Login, r.Nickname, true); err != nil {
				return err
			}
		}
		after = rows[len(rows)-1].Login
	}
}

// indexUser keeps login's sort key and suffixes in step with its nickname.
// Unless force, nothing is written when the stored key already matches (a
// save that did not touch the nickname costs one UPDATE that changes
// nothing).
func indexUser(db *gorm.DB, login, nickname string, force bool) error {
	key := nicknameSortKey(nickname)
	res := db.Exec("UPDATE users SET nickname_sort = ? WHERE login = ? AND (nickname_sort IS NULL OR nickname_sort <> ?)", key, login, key)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 && !force {
		return nil
	}
	if err := db.Exec("DELETE FROM user_suffixes WHERE login = ?", login).Error; err != nil {
		return err
	}
	return insertSuffixes(db, suffixRows(login, nickname))
}

// suffixBatch rows go in one INSERT. Every INSERT has this many rows, the
// last batch padded with copies that ON CONFLICT drops: one SQL text, so
// one prepared statement, whatever the names' lengths.
const suffixBatch = 16

var insertSuffixesSQL = "INSERT INTO user_suffixes (suffix, login) VALUES " +
	strings.TrimSuffix(strings.Repeat("(?, ?), ", suffixBatch), ", ") + " ON CONFLICT DO NOTHING"

func insertSuffixes(db *gorm.DB, rows []userSuffixV230) error {
	args := make([]any, 0, 2*suffixBatch)
	for start := 0; start < len(rows); start += suffixBatch {
		args = args[:0]
		for i := range suffixBatch {
			r := rows[min(start+i, len(rows)-1)]
			args = append(args, r.Suffix, r.Login)
		}
		if err := db.Exec(insertSuffixesSQL, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// suffixRows are the distinct suffixes of the folded login and nickname.
func suffixRows(login, nickname string) []userSuffixV230 {
	seen := map[string]bool{}
	var rows []userSuffixV230
	for _, s := range []string{Fold(login), Fold(nickname)} {
		for i := range s {
			if suf := s[i:]; !seen[suf] && strings.TrimSpace(suf) != "" {
				seen[suf] = true
				rows = append(rows, userSuffixV230{Suffix: suf, Login: login})
			}
		}
	}
	return rows
}

// foldT lowercases and strips combining marks after decomposition:
// "Élodie" → "elodie".
var foldT = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// Fold is the form names are searched in: accents removed, lowercase,
// spaces trimmed and collapsed.
func Fold(s string) string {
	t := foldT.Get().(transform.Transformer)
	defer foldT.Put(t)
	t.Reset()
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// collators compare letters only (primary strength: case, accents and
// width ignored), which halves the keys and the index; the nickname
// appended to the key orders what they leave equal.
var collators = sync.Pool{New: func() any { return collate.New(language.Und, collate.Loose) }}

// nicknameSortKey orders nicknames alphabetically (Unicode's root
// collation: "Élodie" between "eddy" and "emma"), then byte-wise, so that
// distinct nicknames get distinct keys.
func nicknameSortKey(nickname string) []byte {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	key := c.KeyFromString(&buf, nickname)
	out := make([]byte, 0, len(key)+1+len(nickname))
	out = append(out, key...)
	out = append(out, 0)
	return append(out, nickname...)
}

// searchFilter narrows db to the users whose login or nickname contains q.
// One character is too common to be worth the suffix index: it stays a
// prefix search over the login and nickname indexes.
//
// Dialect notes: this SQL is the same on SQLite and PostgreSQL. On
// PostgreSQL the suffix table could instead be a pg_trgm GIN index over
// the folded names (`CREATE EXTENSION pg_trgm`, `... USING gin (fold
// gin_trgm_ops)`, `fold LIKE '%' || q || '%'`), with unaccent() or the same
// Go fold written to a column.
func searchFilter(db *gorm.DB, q string) *gorm.DB {
	f := Fold(q)
	if f == "" {
		return db
	}
	hi := f + maxRune
	if utf8.RuneCountInString(f) < 2 {
		return db.Where("(login >= ? AND login < ?) OR (nickname_key >= ? AND nickname_key < ?)", f, hi, f, hi)
	}
	return db.Where("login IN (SELECT login FROM user_suffixes WHERE suffix >= ? AND suffix < ?)", f, hi)
}

// filteredAmong is the view of q among a few logins (the built-in
// guests). Its search probes each of them (one seek on the suffixes' login
// index), where searchFilter's "login IN (suffixes found)" would first
// gather every match: 10,000 for a search like "ser05", 6 ms per query.
func filteredAmong(db *gorm.DB, q users.ListQuery, logins []string) *gorm.DB {
	db = db.Model(&users.User{}).Where("login IN ?", logins)
	f := Fold(q.Filter)
	if utf8.RuneCountInString(f) >= 2 {
		db = db.Where("EXISTS (SELECT 1 FROM user_suffixes s WHERE s.login = users.login AND s.suffix >= ? AND s.suffix < ?)", f, f+maxRune)
		q.Filter = ""
	}
	return filtered(db, q)
}

// moreFilters are the list's filters beyond the first ones.
func moreFilters(db *gorm.DB, q users.ListQuery) *gorm.DB {
	if q.HideUnusedGuests {
		db = hideUnusedGuests(db)
	}
	if q.TemporaryOnly {
		db = db.Where("flag_temporary = ?", true)
	}
	return db
}

// hideUnusedGuests leaves out the built-in guests nobody used yet
// (users.User.IsUnusedGuest). They are found first, by their logins (a
// few dozen key lookups), so that the list's own filter is on the login
// alone, which every sort index holds: counts and deep pages stay on
// covering indexes instead of reading 100,000 rows. The list always has
// as many values (padded with "", never a login): one SQL text.
func hideUnusedGuests(db *gorm.DB) *gorm.DB {
	hidden, err := unusedGuests(db)
	if err != nil {
		_ = db.AddError(err)
		return db
	}
	return db.Where("login NOT IN ?", hidden)
}

// unusedGuests are the logins of the built-in guests nobody used yet,
// padded with "" to their full number.
func unusedGuests(db *gorm.DB) ([]string, error) {
	all := users.BuiltInGuestLogins()
	var unused []string
	err := db.Session(&gorm.Session{NewDB: true}).Table("users").
		Where("login IN ? AND type = ? AND flag_temporary = ? AND last_login_at <= ?", all, users.TypeGuest, false, users.NeverSeen).
		Pluck("login", &unused).Error
	hidden := make([]string, len(all))
	copy(hidden, unused)
	return hidden, err
}

// countHiding counts a view without the unused built-in guests as the
// view with them, less those of them it holds: two counts on covering
// indexes, where "NOT IN" would test each of 100,000 rows.
func (s *Store) countHiding(ctx context.Context, q users.ListQuery) (int64, error) {
	q.HideUnusedGuests = false
	n, err := s.CountUsers(ctx, q)
	if err != nil {
		return 0, err
	}
	db := s.r.WithContext(ctx)
	padded, err := s.keptUnusedGuests(db)
	if err != nil {
		return 0, err
	}
	hidden, err := hiddenIn(db, q, padded)
	return n - int64(len(hidden)), err
}

// shallowHiding is how deep a page without the unused built-in guests is
// read in one query that tests every row it walks (see eachHiding).
const shallowHiding = 1000

// eachHiding reads a page of a view without the unused built-in guests
// from the view with them, so that no row is tested against the hidden
// logins (which costs ~30 ms of CPU per 100,000 rows scanned): the few
// hidden rows of the view are found by key, the page's start is moved past
// those that sort before it, and they are dropped from the rows read.
//
// The start is k = Offset + (hidden rows before row k). One index walk
// reads a window of Limit + 2×hidden logins (with their sort key) from
// k0 = Offset: the hidden rows before its first row give k, which lies in
// the window; when no hidden row sits between k0 and k (the window says),
// k is the start and the window holds the page. Otherwise the walk starts
// again from k: at most len(hidden)+1 walks, almost always one.
func (s *Store) eachHiding(ctx context.Context, q users.ListQuery, fn func(*users.User) error) error {
	db := s.r.WithContext(ctx)
	padded, err := s.keptUnusedGuests(db)
	if err != nil {
		return err
	}
	q.HideUnusedGuests = false
	hidden, err := hiddenIn(db, q, padded)
	if err != nil {
		return err
	}
	if len(hidden) == 0 {
		return s.EachUser(ctx, q, fn)
	}
	if q.Offset < cmp.Or(s.walkHidingFrom, shallowHiding) {
		// Near the top, testing each row walked against the hidden logins
		// costs less than the walk, the count and the read by key below.
		page := filtered(db.Model(&users.User{}), q).Where("login NOT IN ?", padded)
		return scanSummaries(page.Select(summaryColumns).Order(orderClause(q)).Limit(q.Limit).Offset(q.Offset), fn)
	}
	cols, ok := sortColumns[q.Sort]
	if !ok {
		cols = sortColumns[users.SortLogin]
	}
	before := "(" + strings.Join(cols, ", ") + ") < (" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	if q.Desc {
		before = strings.Replace(before, " < ", " > ", 1)
	}
	order := orderClause(q)
	// The window's size is fixed by the page size (padded with the whole
	// list of built-in guests), so its SQL text is one per size.
	window := q.Limit + 2*len(padded)
	k := q.Offset
	var page []string
	for range len(hidden) + 1 {
		logins, first, err := walk(db, q, cols, order, k, window)
		if err != nil {
			return err
		}
		h := int64(len(hidden)) // past the end: every hidden row is before
		if first != nil {
			err := filteredAmong(db, q, padded).Where(before, first...).Count(&h).Error
			if err != nil {
				return err
			}
		}
		next := q.Offset + int(h)
		skipped := logins[:min(next-k, len(logins))]
		if !slices.ContainsFunc(skipped, func(l string) bool { return slices.Contains(hidden, l) }) {
			for _, l := range logins[len(skipped):] {
				if len(page) < q.Limit && !slices.Contains(hidden, l) {
					page = append(page, l)
				}
			}
			break
		}
		k = next
	}
	if len(page) == 0 {
		return nil
	}
	return s.eachOf(ctx, page, order, window, fn)
}

// walk reads the logins of a view from position k, and the sort key of
// the first of them (nil past the end).
func walk(db *gorm.DB, q users.ListQuery, cols []string, order string, k, n int) ([]string, []any, error) {
	rows, err := filtered(db.Model(&users.User{}), q).Select(strings.Join(cols, ", ") + ", login").Order(order).Limit(n).Offset(k).Rows()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var logins []string
	var first []any
	for rows.Next() {
		vals := make([]any, len(cols)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		for i, v := range vals {
			// GORM spreads a []byte argument into one per byte: the sort
			// key goes as a driver value, text as a string.
			if b, ok := v.([]byte); ok {
				if i < len(cols) && cols[i] == "nickname_sort" {
					vals[i] = blob(b)
				} else {
					vals[i] = string(b)
				}
			}
		}
		if first == nil {
			first = vals[:len(cols)]
		}
		l, _ := vals[len(cols)].(string)
		logins = append(logins, l)
	}
	return logins, first, rows.Err()
}

// eachOf streams the summaries of the users named, in the view's order;
// the list is padded to n with "" so that its SQL text is one per size.
func (s *Store) eachOf(ctx context.Context, logins []string, order string, n int, fn func(*users.User) error) error {
	padded := make([]string, max(n, len(logins)))
	copy(padded, logins)
	return scanSummaries(s.r.WithContext(ctx).Model(&users.User{}).Where("login IN ?", padded).Select(summaryColumns).Order(order), fn)
}

// blob binds bytes as one value.
type blob []byte

// Value is the bytes.
func (b blob) Value() (driver.Value, error) { return []byte(b), nil }
