// Package kmimport moves the accounts of an existing Karaoke Mugen
// installation in: it reads KM's PostgreSQL users table and hands each row
// to the domain (internal/users), whose rules decide what comes in.
package kmimport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Row is one account of KM's users table. The table grew over KM's
// migrations (migrations/*.sql in karaokemugen-app); a column an older
// database lacks reads as NULL.
type Row struct {
	Login                   string // pk_login
	Nickname                *string
	Password                *string // bcrypt (bcryptjs, cost 10) since 2020
	Type                    int     // 0 admin, 1 user, 2 guest
	AvatarFile              *string // a file of KM's avatars folder
	Bio, URL, Email         *string
	Location, Language      *string
	MainSeriesLang          *string
	FallbackSeriesLang      *string
	FlagTutorialDone        *bool
	FlagSendstats           *bool
	FlagParentsonly         *bool
	FlagPublic              *bool
	FlagDisplayfavorites    *bool
	FlagTemporary           *bool
	SocialNetworks          *string // jsonb, read as text
	Banner                  *string
	AnimeListToFetch        *string
	AnimeListIDs            []int
	AnimeListLastModifiedAt *time.Time
	LastLoginAt             *time.Time
}

// column is a column of KM's users table and the SQL type of the NULL
// that stands for it in a database from before it was added.
type column struct{ name, typ string }

// columns in Row's scan order; the first three exist in every version.
var columns = []column{
	{"pk_login", ""}, {"nickname", ""}, {"type", ""},
	{"password", "text"}, {"avatar_file", "text"}, {"bio", "text"}, {"url", "text"}, {"email", "text"},
	{"location", "text"}, {"language", "text"}, {"main_series_lang", "text"}, {"fallback_series_lang", "text"},
	{"flag_tutorial_done", "boolean"}, {"flag_sendstats", "boolean"}, {"flag_parentsonly", "boolean"},
	{"flag_public", "boolean"}, {"flag_displayfavorites", "boolean"}, {"flag_temporary", "boolean"},
	{"social_networks", "text"}, {"banner", "text"}, {"anime_list_to_fetch", "text"},
	{"anime_list_ids", "integer[]"}, {"anime_list_last_modified_at", "timestamptz"},
	{"last_login_at", "timestamptz"},
}

func (r *Row) targets() []any {
	return []any{&r.Login, &r.Nickname, &r.Type,
		&r.Password, &r.AvatarFile, &r.Bio, &r.URL, &r.Email,
		&r.Location, &r.Language, &r.MainSeriesLang, &r.FallbackSeriesLang,
		&r.FlagTutorialDone, &r.FlagSendstats, &r.FlagParentsonly,
		&r.FlagPublic, &r.FlagDisplayfavorites, &r.FlagTemporary,
		&r.SocialNetworks, &r.Banner, &r.AnimeListToFetch,
		&r.AnimeListIDs, &r.AnimeListLastModifiedAt,
		&r.LastLoginAt}
}

// ErrNotKM: the database has no users table of KM's shape.
var ErrNotKM = errors.New("not a Karaoke Mugen database: no users table with pk_login, nickname and type")

// Read reads every row of KM's users table at dsn (postgres://…), inside a
// read-only transaction: KM's database is never written. Rows come in
// login order ignoring case, so that of two accounts whose names clash in
// kmusers (bakaneko, and Bakaneko2 nicknamed BAKANEKO) the login wins.
func Read(ctx context.Context, dsn string) ([]Row, error) {
	if !IsPostgresURL(dsn) {
		return nil, fmt.Errorf("kmimport: --from must be a postgres:// URL, not %q", Redact(dsn))
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("kmimport: connect to %s: %w", Redact(dsn), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("kmimport: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only: nothing to keep
	query, err := selectUsers(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("kmimport: read users: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(r.targets()...); err != nil {
			return nil, fmt.Errorf("kmimport: read users: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kmimport: read users: %w", err)
	}
	return out, nil
}

// selectUsers builds the query from the columns this database has. Column
// names come from the fixed list above, never from the database.
func selectUsers(ctx context.Context, tx pgx.Tx) (string, error) {
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_name = 'users' AND table_schema = current_schema()`)
	if err != nil {
		return "", fmt.Errorf("kmimport: read the schema: %w", err)
	}
	has := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", fmt.Errorf("kmimport: read the schema: %w", err)
		}
		has[name] = true
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("kmimport: read the schema: %w", err)
	}
	sel := make([]string, len(columns))
	for i, c := range columns {
		switch {
		case has[c.name] && c.name == "social_networks":
			sel[i] = "social_networks::text"
		case has[c.name]:
			sel[i] = c.name
		case c.typ == "":
			return "", ErrNotKM
		default:
			sel[i] = "NULL::" + c.typ
		}
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM users ORDER BY lower(pk_login), pk_login", nil
}

// IsPostgresURL tells a postgres:// or postgresql:// URL.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact shows a database URL without its password.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return "(a database URL)"
	}
	return u.Redacted()
}
