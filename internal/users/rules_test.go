package users

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateLogin(t *testing.T) {
	t.Parallel()
	good := []string{"a", "bob_1.x-y", strings.Repeat("z", 64), "axel@kara.moe", "axel@mykmrepo.net:8443", "a@b@kara.moe"[2:]}
	bad := []string{"", "Bob", "a b", strings.Repeat("z", 65), "a@", "@kara.moe", "a@-x.moe", "a@kara.moe:0", "a@kara.moe:99999", "é", "a/b", "a@kara..moe"}
	for _, l := range good {
		if err := ValidateLogin(l); err != nil {
			t.Errorf("%q refused", l)
		}
	}
	for _, l := range bad {
		if err := ValidateLogin(l); err == nil {
			t.Errorf("%q accepted", l)
		}
	}
	if NormalizeLogin("  BoB ") != "bob" {
		t.Error("normalize")
	}
	if l, h := SplitLogin("a@b@kara.moe"); l != "a@b" || h != "kara.moe" {
		t.Errorf("rightmost @: %q %q", l, h)
	}
}

func TestValidatePasswordNeverTruncates(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"":                            ErrPasswordEmpty,
		"1234567":                     ErrPasswordTooShort,
		"12345678":                    nil,
		" padded ":                    nil, // spaces count, and are kept
		strings.Repeat("a", 72):       nil,
		strings.Repeat("a", 73):       ErrPasswordTooLong,
		strings.Repeat("é", 36):       nil, // 72 bytes
		strings.Repeat("é", 36) + "a": ErrPasswordTooLong,
	}
	for pw, want := range cases {
		if err := ValidatePassword(pw); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", pw, err, want)
		}
	}
}

func TestNickname(t *testing.T) {
	t.Parallel()
	if n, err := CleanNickname("  Zelda  "); err != nil || n != "Zelda" {
		t.Errorf("trim: %q %v", n, err)
	}
	for _, bad := range []string{"", "   ", "a\nb", "a\x00b", strings.Repeat("é", 65), "bad\xffutf8"} {
		if _, err := CleanNickname(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := CleanNickname(strings.Repeat("é", 64)); err != nil {
		t.Error("64 characters refused")
	}
}

func TestHasherChecksAndDummy(t *testing.T) {
	t.Parallel()
	h, err := NewHasher(4) // raised to 10: never below
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := h.Hash("correct horse")
	if !strings.HasPrefix(hash, "$2a$10$") {
		t.Fatalf("cost not 10: %s", hash)
	}
	if !h.Check(hash, "correct horse") || h.Check(hash, "correct horse ") || h.Check("", "") {
		t.Fatal("check")
	}
}
