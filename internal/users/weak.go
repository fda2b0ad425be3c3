package users

import (
	"strings"
	"unicode"

	"github.com/kmusers/kmusers/internal/zxcvbn/matching"
)

// ErrPasswordTooWeak is a common password, or one made of the account's
// own names. WeakReason says which, for people.
var ErrPasswordTooWeak = &weakError{}

type weakError struct{ reason string }

func (e *weakError) Error() string { return "password too weak" }

// Is makes every weak-password error match ErrPasswordTooWeak.
func (e *weakError) Is(target error) bool { return target == ErrPasswordTooWeak }

// WeakReason is the reason of a weak-password error, for the field message.
func WeakReason(err error) string {
	var we *weakError
	for err != nil {
		if e, ok := err.(*weakError); ok {
			we = e
			break
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	if we == nil || we.reason == "" {
		return "is too easy to guess"
	}
	return we.reason
}

// checkWeak refuses a new password that is, as a whole, one of the common
// passwords of zxcvbn's dictionary (30,000, from leaked password lists;
// also reversed or with l33t substitutions), or that is made of the
// account's login or nickname. It is a dictionary match, not a strength
// score: long uncommon phrases like "ceciestuntest" pass.
func checkWeak(pw string, names ...string) error {
	var inputs []string
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); len(n) >= 3 {
			inputs = append(inputs, n)
		}
	}
	lower := strings.ToLower(pw)
	for _, m := range matching.Omnimatch(pw, inputs) {
		if (m.Pattern == "repeat" || m.Pattern == "sequence") && m.Token == pw {
			return &weakError{"is a repeated character or a simple sequence"}
		}
		if m.Pattern == "dictionary" && m.DictionaryName == "passwords" && oneOff(strings.ToLower(m.Token), lower) {
			return &weakError{"is one of the most common passwords"}
		}
		if m.Pattern != "dictionary" || strings.ToLower(m.Token) != lower {
			continue
		}
		switch m.DictionaryName {
		case "passwords":
			return &weakError{"is one of the most common passwords"}
		case "user_inputs":
			return &weakError{"is made of your login or nickname"}
		}
	}
	for _, n := range inputs {
		if !strings.Contains(lower, n) {
			continue
		}
		rest := strings.ReplaceAll(lower, n, "")
		if strings.IndexFunc(rest, unicode.IsLetter) < 0 {
			return &weakError{"is made of your login or nickname"}
		}
	}
	return nil
}

// oneOff tells a common password with one symbol or digit added at either
// end ("Password1!"), the most usual way to pass a "one symbol" rule. More
// than one is left alone: "trololo2020" stays valid.
func oneOff(common, pw string) bool {
	if len(pw) != len(common)+1 {
		return false
	}
	rest := strings.TrimPrefix(pw, common)
	if rest == pw {
		rest = strings.TrimSuffix(pw, common)
	}
	return len(rest) == 1 && !unicode.IsLetter(rune(rest[0]))
}
