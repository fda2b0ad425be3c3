package users

import (
	"errors"
	"testing"
)

// Easily guessed passwords beyond the dictionary's exact entries: one
// character repeated, a plain sequence, a common password with one symbol
// added. Longer or less usual passwords stay valid.
func TestEasilyGuessedPasswords(t *testing.T) {
	for _, pw := range []string{"00000000", "aaaaaaaa", "zzzzzzzz", "abcdefgh", "12345678", "Password1!", "!password1"} {
		if err := checkWeak(pw); !errors.Is(err, ErrPasswordTooWeak) {
			t.Errorf("%q accepted", pw)
		}
	}
	for _, pw := range []string{"ceciestuntest", "ilyenapas2", "trololo2020", "correct horse", "a long password", "Password1!x?"} {
		if err := checkWeak(pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}
