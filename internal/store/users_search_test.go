package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

func logins(t *testing.T, s *Store, q users.ListQuery) []string {
	t.Helper()
	list, err := list(t, s, q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range list {
		out = append(out, u.Login)
	}
	return out
}

func insertAll(t *testing.T, s *Store, us ...*users.User) {
	t.Helper()
	err := s.Update(context.Background(), func(tx users.Tx) error {
		for _, u := range us {
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchAnywhereIgnoringCaseAndAccents(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	insertAll(t, s, newUser("karaoke_kappa", "Karaoke Kappa"), newUser("elo", "Élodie"), newUser("zed", "Zed Sings"),
		newUser("bjork", "BJÖRK"), newUser("ann@kara.moe", "Ann"))
	for q, want := range map[string][]string{
		"kappa":   {"karaoke_kappa"},
		"KAPPA":   {"karaoke_kappa"},
		"oke kap": {"karaoke_kappa"},
		"elodie":  {"elo"},
		"élodie":  {"elo"},
		"LODI":    {"elo"},
		"bjo":     {"bjork"},
		"örk":     {"bjork"},
		"kara":    {"ann@kara.moe", "karaoke_kappa"}, // the host of an online login too
		"e":       {"elo"},                           // one character: a prefix
		"xyz":     nil,
		"  zed  ": {"zed"},
	} {
		got := logins(t, s, users.ListQuery{Filter: q})
		if !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
		n, err := s.CountUsers(ctx, users.ListQuery{Filter: q})
		if err != nil || n != int64(len(want)) {
			t.Errorf("count %q: %d %v", q, n, err)
		}
	}

	// The index follows nickname changes, renames and deletions.
	err := s.Update(ctx, func(tx users.Tx) error {
		u, err := tx.UserByLogin("zed")
		if err != nil {
			return err
		}
		u.Nickname, u.NicknameKey = "Chorus Capybara", "chorus capybara"
		if err := tx.Save(u); err != nil {
			return err
		}
		u, err = tx.UserByLogin("elo")
		if err != nil {
			return err
		}
		u.Login = "elodie2"
		if err := tx.Rename("elo", u); err != nil {
			return err
		}
		return tx.Delete("bjork")
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{"sings": nil, "zed": {"zed"}, "capy": {"zed"}, "elodie": {"elodie2"}, "ie2": {"elodie2"}, "bjo": nil} {
		if got := logins(t, s, users.ListQuery{Filter: q}); !slices.Equal(got, want) {
			t.Errorf("after edits, search %q: %v, want %v", q, got, want)
		}
	}
	var orphans int64
	s.r.Raw("SELECT count(*) FROM user_suffixes WHERE login NOT IN (SELECT login FROM users)").Scan(&orphans)
	if orphans != 0 {
		t.Fatalf("%d suffix rows of deleted users", orphans)
	}
}

func TestNicknameSortIsAlphabetical(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	nicks := map[string]string{"a": "emma", "b": "Élodie", "c": "eddy", "d": "Zoé", "e": "zara", "f": "Adam", "g": "ábel", "h": "Ōtaku"}
	var us []*users.User
	for l, n := range nicks {
		us = append(us, newUser(l, n))
	}
	insertAll(t, s, us...)
	var got []string
	list, _ := list(t, s, users.ListQuery{Sort: users.SortNickname})
	for _, u := range list {
		got = append(got, u.Nickname)
	}
	want := []string{"ábel", "Adam", "eddy", "Élodie", "emma", "Ōtaku", "zara", "Zoé"}
	if !slices.Equal(got, want) {
		t.Fatalf("nickname order %v, want %v", got, want)
	}
	page, _ := nicknames(t, s, users.ListQuery{Sort: users.SortNickname, Desc: true, Limit: 2, Offset: 1})
	if strings.Join(page, ",") != "zara,Ōtaku" {
		t.Fatalf("descending page: %v", page)
	}
}

func nicknames(t *testing.T, s *Store, q users.ListQuery) ([]string, error) {
	l, err := list(t, s, q)
	var out []string
	for _, u := range l {
		out = append(out, u.Nickname)
	}
	return out, err
}

func TestCreatedSortAndGuestFilters(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old, mid, young := newUser("old", "Old"), newUser("mid", "Mid"), newUser("young", "Young")
	old.CreatedAt, mid.CreatedAt, young.CreatedAt = base, base.Add(time.Hour), base.Add(2*time.Hour)
	// kana_kangaroo is a built-in guest's login; "made" a guest an operator made.
	unused, used, temp, made := newUser("kana_kangaroo", "Unused"), newUser("used", "Used"), newUser("temp", "Temp"), newUser("made", "Made")
	made.Type = users.TypeGuest
	for _, g := range []*users.User{unused, used, temp} {
		g.Type, g.CreatedAt = users.TypeGuest, base.Add(3*time.Hour)
	}
	used.LastLoginAt = base
	temp.FlagTemporary, temp.LastLoginAt = true, base
	insertAll(t, s, young, old, mid, unused, used, temp, made)
	if got := logins(t, s, users.ListQuery{Sort: users.SortCreated, Limit: 3}); !slices.Equal(got, []string{"old", "mid", "young"}) {
		t.Fatalf("created order: %v", got)
	}
	got := logins(t, s, users.ListQuery{HideUnusedGuests: true, Type: ptr(users.TypeGuest)})
	if !slices.Equal(got, []string{"made", "temp", "used"}) {
		t.Fatalf("guests without unused ones: %v", got)
	}
	for q, want := range map[*users.ListQuery]int64{
		{HideUnusedGuests: true, Type: ptr(users.TypeGuest)}: 3,
		{HideUnusedGuests: true}:                             6,
		{HideUnusedGuests: true, Filter: "kana"}:             0,
		{}:                                                   7,
	} {
		if n, err := s.CountUsers(context.Background(), *q); err != nil || n != want {
			t.Errorf("count %+v: %d %v, want %d", *q, n, err, want)
		}
	}
	if got := logins(t, s, users.ListQuery{TemporaryOnly: true}); !slices.Equal(got, []string{"temp"}) {
		t.Fatalf("temporary guests: %v", got)
	}
}

func ptr[T any](v T) *T { return &v }

// TestMigration230Backfills: users saved before migration 230 are found
// and sorted once it ran.
func TestMigration230Backfills(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	insertAll(t, s, newUser("kk", "Karaoke Kappa"), newUser("el", "Élodie"))
	for _, sql := range []string{"DROP TABLE user_suffixes", "DROP INDEX idx_users_nickname_sort_login",
		"DROP INDEX idx_users_created_at_login", "ALTER TABLE users DROP COLUMN nickname_sort",
		"DELETE FROM schema_migrations WHERE version = 230"} {
		if err := s.w.Exec(sql).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logins(t, s, users.ListQuery{Filter: "elodie"}); !slices.Equal(got, []string{"el"}) {
		t.Fatalf("search after backfill: %v", got)
	}
	if got := logins(t, s, users.ListQuery{Sort: users.SortNickname}); !slices.Equal(got, []string{"el", "kk"}) {
		t.Fatalf("sort after backfill: %v", got)
	}
}

// TestPagesHidingUnusedGuests: every page of every sort, without the unused
// built-in guests, is the slice of the whole view without them.
func TestPagesHidingUnusedGuests(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var us []*users.User
	builtIn := users.BuiltInGuestLogins()
	for i := range 30 {
		u := newUser(fmt.Sprintf("u%02d", i), fmt.Sprintf("Nick %02d", (i*7)%30))
		if i%3 == 0 { // a built-in guest's login, unused
			u.Login, u.Type = builtIn[i], users.TypeGuest
		}
		if i%4 == 0 {
			u.LastLoginAt = base.Add(time.Duration(i) * time.Minute)
		}
		u.CreatedAt = base.Add(time.Duration(30-i) * time.Hour)
		us = append(us, u)
	}
	insertAll(t, s, us...)
	// Both ways of reading a page: one query near the top, the walk deeper.
	for _, walkFrom := range []int{0, -1} {
		s.walkHidingFrom = walkFrom
		pagesHidingUnusedGuests(t, s)
	}
}

func pagesHidingUnusedGuests(t *testing.T, s *Store) {
	t.Helper()
	for _, sort := range []string{users.SortLogin, users.SortNickname, users.SortLastSeen, users.SortType, users.SortCreated} {
		for _, desc := range []bool{false, true} {
			q := users.ListQuery{Sort: sort, Desc: desc, HideUnusedGuests: true}
			whole := logins(t, s, q) // no limit: the filter in SQL
			n, _ := s.CountUsers(context.Background(), q)
			if int(n) != len(whole) || len(whole) >= 30 {
				t.Fatalf("%s: count %d, rows %d", sort, n, len(whole))
			}
			for off := 0; off <= len(whole); off++ {
				q.Offset, q.Limit = off, 4
				got := logins(t, s, q)
				want := whole[off:min(off+4, len(whole))]
				if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("%s desc=%v offset %d (walk from %d): %v, want %v", sort, desc, off, s.walkHidingFrom, got, want)
				}
			}
		}
	}
}
