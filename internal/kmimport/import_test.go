package kmimport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // imported avatars are read back
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/kmimport"
	"github.com/kmusers/kmusers/internal/kmimport/kmtest"
	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

// TestMain runs every test on a SQLite target, then on a PostgreSQL one:
// the import goes through the domain, whatever the store.
func TestMain(m *testing.M) {
	os.Exit(testkit.RunBackends(m, func(dsn string) error {
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			s.Close()
		}
		return err
	}))
}

// target is a kmusers instance to import into: the domain over a store,
// and the avatar pipeline, as the command wires them.
type target struct {
	db      *store.Store
	users   *users.Service
	avatars *avatars.Service
	dir     string // avatar files
}

func openTarget(t *testing.T) *target {
	t.Helper()
	data := t.TempDir()
	db, err := store.Open(context.Background(), testkit.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	dir := filepath.Join(data, "avatars")
	av, err := avatars.New(dir, db, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := users.New(context.Background(), users.Options{Store: db, Avatars: av, Log: log, Tool: true,
		JWTSecret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	return &target{db: db, users: svc, avatars: av, dir: dir}
}

func (tg *target) run(t *testing.T, dsn, avatarDir string, dry bool) *kmimport.Report {
	t.Helper()
	rows, err := kmimport.Read(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := kmimport.Run(context.Background(), rows, tg.users, tg.avatars,
		kmimport.Options{AvatarDir: avatarDir, DryRun: dry})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// snapshot is everything an import may change: every user as the
// operator's list shows it, and the avatar files.
func (tg *target) snapshot(t *testing.T) string {
	t.Helper()
	list, err := tg.users.List(context.Background(), users.System(), users.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range list {
		full, err := tg.users.Get(context.Background(), users.System(), u.Login)
		if err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(full)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteString("\n")
	}
	entries, _ := os.ReadDir(tg.dir)
	for _, e := range entries {
		b.WriteString("file " + e.Name() + "\n")
	}
	return b.String()
}

func hash(t *testing.T, pw string, cost int) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func jpegFile(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// kmFixture is a KM database of every case the import must handle, and
// KM's avatar folder beside it. It answers the passwords of the accounts
// that must keep working.
func kmFixture(t *testing.T) (dsn, avatarDir string, passwords map[string]string) {
	t.Helper()
	dsn = kmtest.DB(t, kmtest.Schema)
	avatarDir = t.TempDir()
	jpegFile(t, filepath.Join(avatarDir, "alice-3f2a.jpg"), 300, 200)
	if err := os.WriteFile(filepath.Join(avatarDir, "frank.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	passwords = map[string]string{
		"alice":         "alice's long password",
		"bob":           "short", // KM never asked for 8 characters: it still works
		"heidi":         "Heidi pass 123",
		"gina@kara.moe": "gina online pw",
	}
	// bcryptjs writes $2a$ (v2) or $2b$ (v3) hashes of cost 10 of the
	// password itself, with no pre-hash (KM's services/user.ts).
	bobHash := "$2b$" + strings.TrimPrefix(hash(t, passwords["bob"], 10), "$2a$")
	legacySHA := "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8" // sha256("password")
	no := false
	other := hash(t, "whatever pw", 10)
	kmtest.Insert(t, dsn,
		kmtest.User{Login: "admin", Nickname: "Dummy Plug System", Type: 0, Password: hash(t, "admin password", 10)},
		kmtest.User{Login: "alice", Nickname: "Alice", Type: 1, Password: hash(t, passwords["alice"], 10),
			AvatarFile: "alice-3f2a.jpg", Email: "alice@example.org", URL: "https://alice.example.org",
			Bio: "sings\nloudly", Language: "fr", Location: "FR", MainSeriesLang: "fre",
			SocialNetworks: `{"discord": "alice#1", "twitter": "@alice", "twitch": "alicetv", "instagram": ""}`,
			AnimeList:      "anilist", AnimeListIDs: []int{21, 1535}, LastLoginAt: time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC)},
		kmtest.User{Login: "bob", Nickname: "Bob the Operator", Type: 0, Password: bobHash, AvatarFile: "gone.png"},
		kmtest.User{Login: "Bad Login!", Nickname: "Bad", Type: 1, Password: other},
		kmtest.User{Login: "alice2", Nickname: "ALICE", Type: 1, Password: other},
		kmtest.User{Login: "carol", Nickname: "\u0410lice", Type: 1, Password: other}, // Cyrillic А
		kmtest.User{Login: "ivan", Nickname: "bob", Type: 1, Password: other},
		kmtest.User{Login: "hooin_kyoma", Nickname: "Hooin Kyoma", Type: 2},
		kmtest.User{Login: "tempo", Nickname: "Tempo", Type: 1, FlagTemporary: true},
		kmtest.User{Login: "dave", Nickname: "Dave", Type: 1, Password: legacySHA, FlagPublic: &no},
		kmtest.User{Login: "weak", Nickname: "Weak", Type: 1, Password: hash(t, "weak cost", 4)},
		kmtest.User{Login: "erin", Nickname: "Erin", Type: 1, Password: other,
			URL: "www.erin.example", Location: "Atlantis"},
		kmtest.User{Login: "frank", Nickname: "Frank", Type: 1, Password: other, AvatarFile: "frank.svg"},
		kmtest.User{Login: "Heidi", Nickname: "Heidi", Type: 1, Password: hash(t, passwords["heidi"], 10)},
		kmtest.User{Login: "gina@kara.moe", Nickname: "Gina", Type: 1, Password: hash(t, passwords["gina@kara.moe"], 10)},
		kmtest.User{Login: "mallory@evil.example", Nickname: "Mallory", Type: 1, Password: other},
		kmtest.User{Login: "zed", Nickname: "Ze\u200bd", Type: 1, Password: other},
		kmtest.User{Login: "sneaky", Nickname: "../../etc/passwd", Type: 1, Password: other, AvatarFile: "../alice-3f2a.jpg"},
	)
	return dsn, avatarDir, passwords
}

// outcomes maps each KM login to its outcome and reason.
func outcomes(rep *kmimport.Report) map[string]string {
	m := map[string]string{}
	names := map[kmimport.Outcome]string{kmimport.Imported: "imported", kmimport.Unchanged: "unchanged", kmimport.Skipped: "skipped"}
	for _, r := range rep.Results {
		m[r.Login] = names[r.Outcome] + ": " + r.Reason
	}
	return m
}

func dropped(rep *kmimport.Report, login string) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Login == login {
			for _, d := range r.Dropped {
				out = append(out, d.Field)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestImportFromKM(t *testing.T) {
	t.Parallel()
	dsn, avatarDir, passwords := kmFixture(t)
	tg := openTarget(t)
	ctx := context.Background()
	before := tg.snapshot(t)

	// A dry run reports everything and writes nothing.
	dry := tg.run(t, dsn, avatarDir, true)
	if after := tg.snapshot(t); after != before {
		t.Fatalf("the dry run wrote:\nbefore %s\nafter %s", before, after)
	}
	wantSkips := map[string]string{
		"admin":                "admin is kmusers' own system account",
		"Bad Login!":           "login is not valid",
		"alice2":               "nickname is taken by alice",
		"carol":                "nickname is taken by alice",
		"ivan":                 "nickname is taken by bob",
		"hooin_kyoma":          "guest accounts are not moved in",
		"tempo":                "temporary accounts are not moved in",
		"mallory@evil.example": "online account of a server",
		"zed":                  "nickname must not contain control or invisible characters",
	}
	got := outcomes(dry)
	for login, reason := range wantSkips {
		if !strings.HasPrefix(got[login], "skipped: ") || !strings.Contains(got[login], reason) {
			t.Errorf("dry run: %s: %q, want skipped for %q", login, got[login], reason)
		}
	}
	for _, login := range []string{"alice", "bob", "dave", "weak", "erin", "frank", "Heidi", "gina@kara.moe", "sneaky"} {
		if got[login] != "imported: " {
			t.Errorf("dry run: %s: %q, want imported", login, got[login])
		}
	}
	if dry.Count(kmimport.Imported) != 9 || dry.Count(kmimport.Skipped) != 9 {
		t.Fatalf("dry run counts: %+v", got)
	}
	var text bytes.Buffer
	dry.Write(&text)
	for _, want := range []string{"dry run, nothing written: 18 KM users: 9 would import (1 with their avatar), 0 already imported, 9 skipped",
		"skip admin: admin is kmusers' own system account", "would import dave without its password: not a bcrypt hash",
		"would import alice without its social_networks.twitter: kmusers has no such network"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("dry run report lacks %q:\n%s", want, text.String())
		}
	}

	// The real run does what the dry run said, account for account.
	rep := tg.run(t, dsn, avatarDir, false)
	if !reflect.DeepEqual(outcomes(rep), got) {
		t.Fatalf("the run differs from its dry run:\nrun %v\ndry %v", outcomes(rep), got)
	}
	for _, r := range rep.Results {
		if d := dropped(dry, r.Login); !reflect.DeepEqual(dropped(rep, r.Login), d) {
			t.Errorf("%s: dropped %v, the dry run said %v", r.Login, dropped(rep, r.Login), d)
		}
	}
	wantDropped := map[string][]string{
		"alice":  {"social_networks.twitter"},
		"bob":    {"avatar"},
		"dave":   {"password"},
		"weak":   {"password"},
		"erin":   {"location", "url"},
		"frank":  {"avatar"},
		"sneaky": {"avatar"},
	}
	for login, want := range wantDropped {
		if d := dropped(rep, login); !reflect.DeepEqual(d, want) {
			t.Errorf("%s dropped %v, want %v", login, d, want)
		}
	}

	// Types and profiles came in under the domain's rules.
	get := func(login string) *users.User {
		u, err := tg.users.Get(ctx, users.System(), login)
		if err != nil {
			t.Fatalf("get %s: %v", login, err)
		}
		return u
	}
	alice, bob, dave, gina := get("alice"), get("bob"), get("dave"), get("gina@kara.moe")
	if alice.Type != users.TypeUser || bob.Type != users.TypeOperator || gina.Type != users.TypeUser || !gina.IsOnline() {
		t.Fatalf("types: alice %d bob %d gina %d", alice.Type, bob.Type, gina.Type)
	}
	if alice.Nickname != "Alice" || *alice.Email != "alice@example.org" || *alice.URL != "https://alice.example.org" ||
		*alice.Bio != "sings\nloudly" || *alice.Language != "fr" || *alice.Location != "FR" || *alice.MainSeriesLang != "fre" ||
		alice.SocialNetworks.Discord != "alice#1" || alice.SocialNetworks.Twitch != "alicetv" ||
		*alice.AnimeListToFetch != "anilist" || !reflect.DeepEqual([]int(alice.AnimeListIDs), []int{21, 1535}) ||
		!alice.LastLoginAt.Equal(time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC)) || !alice.FlagTutorialDone ||
		alice.FlagSendstats == nil || *alice.FlagSendstats || !alice.FlagPublic {
		t.Fatalf("alice's profile: %+v", alice)
	}
	if dave.FlagPublic || dave.Password != "" {
		t.Fatalf("dave: public %v, password %q", dave.FlagPublic, dave.Password)
	}

	// Every kept password still works, through the domain's login.
	for login, pw := range passwords {
		if login == "gina@kara.moe" {
			continue // an online account logs in through its server; checked below
		}
		res, err := tg.users.Login(ctx, "127.0.0.1", strings.ToUpper(login), pw, nil)
		if err != nil {
			t.Fatalf("login %s with its KM password: %v", login, err)
		}
		if _, err := tg.users.Login(ctx, "127.0.0.1", login, pw+"x", nil); !errors.Is(err, users.ErrBadCredentials) {
			t.Fatalf("login %s with a wrong password: %v", login, err)
		}
		if res.User.Login != strings.ToLower(login) {
			t.Fatalf("login %s answered %s", login, res.User.Login)
		}
	}
	for _, login := range []string{"dave", "weak"} {
		if _, err := tg.users.Login(ctx, "127.0.0.1", login, "password", nil); !errors.Is(err, users.ErrBadCredentials) {
			t.Fatalf("%s has a password after an import without one: %v", login, err)
		}
	}

	// Alice's avatar went through the upload pipeline: a 256×256 image of
	// our own naming, no pending upload left, served like any avatar.
	if alice.AvatarFile == users.BlankAvatar || bob.AvatarFile != users.BlankAvatar || get("frank").AvatarFile != users.BlankAvatar {
		t.Fatalf("avatars: alice %s bob %s", alice.AvatarFile, bob.AvatarFile)
	}
	data, _, ok := tg.avatars.Open(alice.AvatarFile)
	if !ok {
		t.Fatalf("alice's avatar %s is not served", alice.AvatarFile)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != avatars.Size || cfg.Height != avatars.Size {
		t.Fatalf("alice's avatar: %+v %v", cfg, err)
	}
	if n, err := tg.db.PendingUploads(ctx, "alice", time.Time{}); err != nil || n != 0 {
		t.Fatalf("pending uploads left: %d %v", n, err)
	}

	// A second run changes nothing and says so.
	snap := tg.snapshot(t)
	again := tg.run(t, dsn, avatarDir, false)
	if after := tg.snapshot(t); after != snap {
		t.Fatalf("the second run changed the store:\nbefore %s\nafter %s", snap, after)
	}
	for login, o := range outcomes(again) {
		want := got[login]
		if strings.HasPrefix(want, "imported") {
			want = "unchanged: already imported"
		}
		if o != want {
			t.Errorf("second run: %s: %q, want %q", login, o, want)
		}
	}
	// And so does a second dry run.
	if d := tg.run(t, dsn, avatarDir, true); d.Count(kmimport.Unchanged) != 9 || d.Count(kmimport.Imported) != 0 {
		t.Fatalf("dry run after the import: %v", outcomes(d))
	}
}

// An installation that never ran a KM migration after the first one still
// moves in: the columns it lacks read as NULL and take kmusers' defaults.
func TestImportFromTheFirstKMSchema(t *testing.T) {
	t.Parallel()
	dsn := kmtest.DB(t, kmtest.Schema2019)
	kmtest.Exec(t, dsn, `INSERT INTO users (pk_login, nickname, password, type, email, last_login_at)
		VALUES ('oldtimer', NULL, $1, 1, 'old@example.org', '2019-02-03 04:05:06')`, hash(t, "from 2019 on", 10))
	tg := openTarget(t)
	var bar bytes.Buffer
	rows, err := kmimport.Read(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := kmimport.Run(context.Background(), rows, tg.users, tg.avatars, kmimport.Options{Progress: &bar})
	if err != nil || rep.Count(kmimport.Imported) != 1 {
		t.Fatalf("import: %v %v", outcomes(rep), err)
	}
	if !strings.Contains(bar.String(), "100% 1/1 users") {
		t.Fatalf("progress bar: %q", bar.String())
	}
	u, err := tg.users.Get(context.Background(), users.System(), "oldtimer")
	if err != nil || u.Nickname != "oldtimer" || *u.Email != "old@example.org" || !u.FlagPublic || !u.FlagParentsonly ||
		u.FlagSendstats != nil || u.LastLoginAt.Year() != 2019 {
		t.Fatalf("oldtimer: %+v %v", u, err)
	}
	if _, err := tg.users.Login(context.Background(), "127.0.0.1", "oldtimer", "from 2019 on", nil); err != nil {
		t.Fatalf("login: %v", err)
	}
}

func TestReadRefusesWhatIsNotKM(t *testing.T) {
	t.Parallel()
	if _, err := kmimport.Read(context.Background(), "/var/lib/km.sqlite"); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("a path: %v", err)
	}
	dsn := kmtest.DB(t, `CREATE TABLE users (id serial PRIMARY KEY, name text)`)
	if _, err := kmimport.Read(context.Background(), dsn); !errors.Is(err, kmimport.ErrNotKM) {
		t.Fatalf("another users table: %v", err)
	}
	// The password of the URL never reaches an error message.
	bad := strings.Replace(dsn, "postgres@", "postgres:s3cret@", 1)
	bad = strings.Replace(bad, "/kmimport_", "/kmimport_missing_", 1)
	if _, err := kmimport.Read(context.Background(), bad); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("a missing database: %v", err)
	}
}
