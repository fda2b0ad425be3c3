package users_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kmusers/kmusers/internal/users"
)

// The hashes other bcrypt libraries write ($2a$ bcryptjs 2, $2b$ bcryptjs 3
// and OpenBSD, $2y$ PHP and htpasswd) keep working; what is not a bcrypt
// hash of the contract's cost is dropped, and the account cannot log in.
func TestImportKeepsBcryptHashes(t *testing.T) {
	t.Parallel()
	svc := open(t, filepath.Join(t.TempDir(), "k.db"), &bytes.Buffer{})
	ctx := context.Background()
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), 10)
	if err != nil {
		t.Fatal(err)
	}
	low, _ := bcrypt.GenerateFromPassword([]byte("pw"), 4)
	rest := strings.TrimPrefix(string(h), "$2a$")
	cases := []struct {
		login, hash string
		works       bool
	}{
		{"twoa", "$2a$" + rest, true},
		{"twob", "$2b$" + rest, true},
		{"twoy", "$2y$" + rest, true},
		{"cheap", string(low), false},
		{"sha", "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", false},
		{"none", "", false},
	}
	for _, c := range cases {
		p, err := svc.PrepareImport(users.Imported{Login: c.login, Nickname: c.login, PasswordHash: c.hash, Type: users.TypeUser})
		if err != nil {
			t.Fatal(err)
		}
		if dropped := len(p.Dropped) == 1 && p.Dropped[0].Field == "password"; dropped == c.works {
			t.Fatalf("%s: dropped %+v", c.login, p.Dropped)
		}
		if err := svc.CommitImport(ctx, p, ""); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Login(ctx, "127.0.0.1", c.login, "pw", nil)
		if (err == nil) != c.works {
			t.Fatalf("%s: login with the password: %v", c.login, err)
		}
	}
}

// Every refusal of PrepareImport is one of the domain's errors, so that the
// importer can tell a refused account from a failure.
func TestImportRefusals(t *testing.T) {
	t.Parallel()
	svc := open(t, filepath.Join(t.TempDir(), "k.db"), &bytes.Buffer{})
	st := svc.Settings()
	st.OnlineAccountsEnabled = false
	if err := svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in   users.Imported
		want error
	}{
		{users.Imported{Login: " ADMIN ", Nickname: "Boss"}, users.ErrAdminProtected},
		{users.Imported{Login: "admin@kara.moe", Nickname: "Boss"}, users.ErrOnlineAdmin},
		{users.Imported{Login: "gina@kara.moe", Nickname: "Gina", Type: users.TypeUser}, users.ErrOnlineDisabled},
		{users.Imported{Login: "élodie", Nickname: "Élodie", Type: users.TypeUser}, users.ErrLoginInvalid},
		{users.Imported{Login: "guest", Nickname: "Guest", Type: users.TypeGuest}, users.ErrImportGuest},
		{users.Imported{Login: "hooin kyoma", Nickname: "Hooin Kyoma", Type: users.TypeGuest}, users.ErrImportGuest}, // KM's guests before 2024
		{users.Imported{Login: "odd", Nickname: "Odd", Type: 3}, users.ErrImportType},
		{users.Imported{Login: "temp", Nickname: "Temp", Type: users.TypeUser, Temporary: true}, users.ErrImportTemporary},
	}
	for _, c := range cases {
		if _, err := svc.PrepareImport(c.in); !errors.Is(err, c.want) {
			t.Errorf("%q: %v, want %v", c.in.Login, err, c.want)
		}
	}
	if _, err := svc.PrepareImport(users.Imported{Login: "x", Nickname: "a\x00b", Type: users.TypeUser}); err == nil {
		t.Error("a nickname with a control character was taken")
	} else if _, ok := users.AsFieldError(err); !ok {
		t.Errorf("a bad nickname: %v, want a field error", err)
	}
}
