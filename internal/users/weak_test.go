package users

import (
	"errors"
	"testing"
)

func TestWeakPasswords(t *testing.T) {
	t.Parallel()
	weak := map[string][]string{
		"password": nil, "12345678": nil, "qwertyuiop": nil, "iloveyou1": nil, "p4ssw0rd": nil,
		"drowssap": nil, "football": nil, "trustno1": nil,
		"bobross123": {"bobross"}, "Karaoke Kappa": {"karaoke_kappa", "Karaoke Kappa"}, "olga2024!": {"olga"},
	}
	for pw, names := range weak {
		if err := checkWeak(pw, names...); !errors.Is(err, ErrPasswordTooWeak) {
			t.Errorf("%q (names %v) accepted", pw, names)
		}
	}
	strong := []string{"ceciestuntest", "ilyenapas2", "trololo2020", "correct horse", "olga likes songs"}
	for _, pw := range strong {
		if err := checkWeak(pw, "olga", "Olga"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
	if r := WeakReason(checkWeak("password")); r != "is one of the most common passwords" {
		t.Errorf("reason %q", r)
	}
}
