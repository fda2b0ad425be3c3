// Package kmtest builds Karaoke Mugen databases for the import tests: a
// fresh PostgreSQL database with KM's users table, as KM's migrations leave
// it, filled with the rows a test asks for.
package kmtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment the tests read (the same names as the other PostgreSQL
// tests).
const (
	EnvPG         = "KMUSERS_TEST_PG"     // a server URL where tests may create databases
	EnvPGOptional = "KMUSERS_PG_OPTIONAL" // =1: skip instead of failing when EnvPG is absent
)

// Schema is KM's users table today: the table of KM's first migration
// (2019) with every later ALTER applied (nickname made mandatory, series
// languages, the tutorial, location, statistics and language columns, the
// public profile, social networks and banner, temporary guests and anime
// lists; flag_online and series_lang_mode dropped). Written for these tests
// from the migrations' effect, in the column order they leave.
const Schema = `
CREATE TABLE users (
	pk_login character varying PRIMARY KEY,
	nickname character varying NOT NULL UNIQUE,
	password character varying,
	type smallint NOT NULL,
	avatar_file character varying NOT NULL DEFAULT 'blank.png',
	bio character varying,
	url character varying,
	email character varying,
	last_login_at timestamptz,
	fingerprint character varying,
	main_series_lang character varying,
	fallback_series_lang character varying,
	flag_tutorial_done boolean DEFAULT false,
	location character varying,
	flag_sendstats boolean,
	language text,
	flag_parentsonly boolean DEFAULT true,
	flag_public boolean NOT NULL DEFAULT true,
	flag_displayfavorites boolean NOT NULL DEFAULT false,
	social_networks jsonb NOT NULL DEFAULT '{"discord": "", "twitter": "", "twitch": "", "instagram": ""}',
	banner character varying NOT NULL DEFAULT 'default.jpg',
	flag_temporary boolean DEFAULT false,
	anime_list_to_fetch text,
	anime_list_last_modified_at timestamptz,
	anime_list_ids integer[]
);
CREATE TABLE favorites (
	fk_login character varying NOT NULL REFERENCES users(pk_login) ON DELETE CASCADE ON UPDATE CASCADE,
	fk_kid uuid NOT NULL
);
`

// Schema2019 is the users table of KM's first migration, before any ALTER:
// an installation that never upgraded.
const Schema2019 = `
CREATE TABLE users (
	pk_login character varying PRIMARY KEY,
	nickname character varying UNIQUE,
	password character varying,
	type smallint NOT NULL,
	avatar_file character varying NOT NULL DEFAULT 'blank.png',
	bio character varying,
	url character varying,
	email character varying,
	flag_online boolean DEFAULT false,
	last_login_at timestamp,
	fingerprint character varying
);
`

// DB creates a fresh database named for this branch (kmimport_…) on the
// EnvPG server, runs schema in it, and drops it when t ends. It answers
// the database's URL. Without EnvPG the test fails, saying how to get one,
// or skips with EnvPGOptional=1.
func DB(t testing.TB, schema string) string {
	t.Helper()
	server := os.Getenv(EnvPG)
	if server == "" {
		msg := EnvPG + " is not set: the KM import tests need a PostgreSQL server where they may create databases, " +
			"e.g. " + EnvPG + "=postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable (" +
			EnvPGOptional + "=1 skips them instead)"
		if os.Getenv(EnvPGOptional) == "1" {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s=%q is not a postgres:// URL", EnvPG, server)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("%s: %v", EnvPG, err)
	}
	defer admin.Close(context.Background())
	var b [6]byte
	rand.Read(b[:])
	name := "kmimport_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer admin.Close(context.Background())
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	db := *u
	db.Path = "/" + name
	dsn := db.String()
	Exec(t, dsn, schema)
	return dsn
}

// Exec runs SQL (several statements, no arguments) in the database.
func Exec(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, strings.TrimSpace(sql))
	}
}

// User is a row of KM's users table; nil fields take KM's defaults.
type User struct {
	Login, Nickname string
	Password        string // a bcrypt hash, "" for NULL
	Type            int
	AvatarFile      string // "" for KM's default blank.png
	Email, URL, Bio string
	Language        string
	Location        string
	MainSeriesLang  string
	SocialNetworks  string // jsonb text; "" for KM's default
	FlagPublic      *bool
	FlagTemporary   bool
	AnimeList       string
	AnimeListIDs    []int
	LastLoginAt     time.Time
}

// Insert adds KM users to the database, as KM's own inserts would.
func Insert(t testing.TB, dsn string, us ...User) {
	t.Helper()
	for _, u := range us {
		avatar := u.AvatarFile
		if avatar == "" {
			avatar = "blank.png"
		}
		social := u.SocialNetworks
		if social == "" {
			social = `{"discord": "", "twitter": "", "twitch": "", "instagram": ""}`
		}
		public := true
		if u.FlagPublic != nil {
			public = *u.FlagPublic
		}
		var last *time.Time
		if !u.LastLoginAt.IsZero() {
			last = &u.LastLoginAt
		}
		Exec(t, dsn, `INSERT INTO users (pk_login, nickname, password, type, avatar_file, email, url, bio,
			language, location, main_series_lang, social_networks, flag_public, flag_temporary,
			anime_list_to_fetch, anime_list_ids, last_login_at, flag_tutorial_done, flag_sendstats)
			VALUES ($1, $2, NULLIF($3, ''), $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''),
			NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''), $12::jsonb, $13, $14, NULLIF($15, ''), $16, $17, true, false)`,
			u.Login, u.Nickname, u.Password, u.Type, avatar, u.Email, u.URL, u.Bio,
			u.Language, u.Location, u.MainSeriesLang, social, public, u.FlagTemporary,
			u.AnimeList, u.AnimeListIDs, last)
	}
}
