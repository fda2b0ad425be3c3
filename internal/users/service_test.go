package users_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/store"
	"github.com/kmusers/kmusers/internal/testkit"
	"github.com/kmusers/kmusers/internal/users"
)

func open(t *testing.T, path string, log *bytes.Buffer) *users.Service {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc, err := users.New(context.Background(), users.Options{
		Store: db, JWTSecret: []byte("0123456789abcdef0123456789abcdef"), Log: slog.New(slog.NewTextHandler(log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestRestartRemovesTemporaryGuestsAndKeepsSettings(t *testing.T) {
	t.Parallel()
	path := testkit.DB(t)
	var log bytes.Buffer
	svc := open(t, path, &log)
	st := svc.Settings()
	st.AllowTemporaryGuests, st.FrontendMode, st.RequireSecurityCode = true, 1, true
	st.OnlineAllowedHosts = []string{"kara.example", "other.example:8443"}
	if err := svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`new account code: \d{6}`).MatchString(log.String()) {
		t.Fatal("turning the code on did not log the new account code")
	}
	u, _, err := svc.LoginGuest(context.Background(), "Short Lived")
	if err != nil || !u.FlagTemporary {
		t.Fatalf("temporary guest: %+v %v", u, err)
	}
	svc2 := open(t, path, &log)
	if _, err := svc2.Get(context.Background(), users.System(), u.Login); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("temporary guest survived a restart: %v", err)
	}
	got := svc2.Settings()
	if got.FrontendMode != 1 || !got.AllowTemporaryGuests || len(got.OnlineAllowedHosts) != 2 || !got.HostAllowed("other.example:8443") {
		t.Fatalf("settings not kept: %+v", got)
	}
	guests, err := svc2.List(context.Background(), users.System(), users.ListQuery{Type: ptr(users.TypeGuest)})
	if err != nil || len(guests) < 40 {
		t.Fatalf("%d guests, %v", len(guests), err)
	}
}

func TestSettingsValidation(t *testing.T) {
	t.Parallel()
	svc := open(t, testkit.DB(t), &bytes.Buffer{})
	st := svc.Settings()
	st.FrontendMode = 5
	if _, ok := users.AsFieldError(svc.SaveSettings(context.Background(), st)); !ok {
		t.Fatal("mode 5 accepted")
	}
	st = svc.Settings()
	st.OnlineAllowedHosts = []string{"http://evil/"}
	if _, ok := users.AsFieldError(svc.SaveSettings(context.Background(), st)); !ok {
		t.Fatal("a URL accepted as a host")
	}
}

func TestCodesAreSixDigitsAndRotate(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	now := time.Now()
	c := users.NewCodes(slog.New(slog.NewTextHandler(&log, nil)), func() time.Time { return now })
	re := regexp.MustCompile(`security code: (\d{6})"`)
	m := re.FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("log: %s", log.String())
	}
	if _, err := c.Use(m[1], users.OperatorCode); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Use(m[1], users.OperatorCode); !errors.Is(err, users.ErrWrongCode) {
		t.Fatalf("spent code accepted: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
