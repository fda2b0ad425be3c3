package users

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"

	"github.com/kmusers/kmusers/internal/confusable"
	"github.com/kmusers/kmusers/internal/iso"
)

// Limits of the profile fields.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72 // bcrypt reads no further: refuse, never truncate
	MaxNicknameLen = 64
	maxLocalLen    = 64
	maxBioLen      = 2000
	maxURLLen      = 500
	maxEmailLen    = 254
	maxSocialLen   = 100
	maxBannerLen   = 100
)

var (
	localPartRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_.\-]{1,64}$`) })
	hostLabelRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?$`) })
	uiLangRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}$`) })
)

// NormalizeLogin trims and lowercases a login, as every comparison does.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NicknameKey is the case-insensitive identity of a nickname.
func NicknameKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SplitLogin splits name@host at the rightmost @; host is empty for a local
// account.
func SplitLogin(login string) (local, host string) {
	i := strings.LastIndex(login, "@")
	if i < 0 {
		return login, ""
	}
	return login[:i], login[i+1:]
}

// ValidateLogin checks a normalized login: a local part of 1 to 64 allowed
// characters and, for online accounts, a host name with an optional port.
func ValidateLogin(login string) error {
	local, host := SplitLogin(login)
	if !localPartRe().MatchString(local) {
		return ErrLoginInvalid
	}
	if strings.Contains(login, "@") && !validHost(host) {
		return ErrLoginInvalid
	}
	return nil
}

func validHost(hostport string) bool {
	host := hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return false
		}
		host = h
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if !hostLabelRe().MatchString(label) {
			return false
		}
	}
	return true
}

// ValidatePassword checks length without ever changing the password.
func ValidatePassword(pw string) error {
	switch {
	case pw == "":
		return ErrPasswordEmpty
	case len(pw) > MaxPasswordLen:
		return ErrPasswordTooLong
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return ErrPasswordTooShort
	}
	return nil
}

// CleanNickname trims and checks a nickname.
func CleanNickname(s string) (string, error) {
	if !utf8.ValidString(s) || hasControl(s) || hasInvisible(s) {
		return "", fieldErr("nickname", "must not contain control or invisible characters")
	}
	// PRECIS nickname profile: width and compatibility forms folded, spaces
	// trimmed and collapsed, unassigned and disallowed code points refused.
	n, err := precis.Nickname.String(s)
	if err != nil {
		return "", fieldErr("nickname", "contains characters that are not allowed in a nickname")
	}
	if c := utf8.RuneCountInString(n); c == 0 || c > MaxNicknameLen {
		return "", fieldErr("nickname", "must be 1 to 64 characters")
	}
	return n, nil
}

// hasInvisible finds format characters (zero-width spaces and joiners,
// direction marks, soft hyphens...) that make two names look the same.
func hasInvisible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || r == '\u3164' || r == '\u115f' || r == '\u1160'
	}) >= 0
}

// NicknameSkeleton is the identity of a name for uniqueness: its UTS #39
// confusable skeleton, case-folded, so that names that look the same
// (Cyrillic or full-width letters, rn for m) are the same.
func NicknameSkeleton(s string) string {
	// Skeleton before lowering too: a Greek capital Kappa is confusable
	// with K, but its lower case κ is not confusable with k.
	return strings.ToLower(confusable.Skeleton(strings.ToLower(confusable.Skeleton(s))))
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0
}

// cleanText trims an optional free-text field; empty becomes null.
func cleanText(field, s string, max int, multiline bool) (*string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return nil, fieldErr(field, "is too long")
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return nil, fieldErr(field, "contains control characters")
		}
	}
	return &s, nil
}

func cleanURL(s string) (*string, error) {
	v, err := cleanText("url", s, maxURLLen, false)
	if err != nil || v == nil {
		return v, err
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fieldErr("url", "must be an http or https address")
	}
	return v, nil
}

func cleanEmail(s string) (*string, error) {
	v, err := cleanText("email", s, maxEmailLen, false)
	if err != nil || v == nil {
		return v, err
	}
	at := strings.LastIndex(*v, "@")
	if at < 1 || at == len(*v)-1 || strings.ContainsAny(*v, " <>\"") || !strings.Contains((*v)[at:], ".") {
		return nil, fieldErr("email", "is not an e-mail address")
	}
	return v, nil
}

func cleanCode(field, s string, ok func(string) bool, upper bool) (*string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if upper {
		s = strings.ToUpper(s)
	} else {
		s = strings.ToLower(s)
	}
	if !ok(s) {
		return nil, fieldErr(field, "is not a known code")
	}
	return &s, nil
}

func cleanLocation(s string) (*string, error) { return cleanCode("location", s, iso.IsCountry, true) }

func cleanUILanguage(s string) (*string, error) {
	return cleanCode("language", s, uiLangRe().MatchString, false)
}

func cleanSeriesLang(field, s string) (*string, error) {
	return cleanCode(field, s, iso.IsLanguage, false)
}

func cleanAnimeList(s string) (*string, error) {
	return cleanCode("anime_list_to_fetch", s, func(v string) bool {
		return v == "myanimelist" || v == "anilist" || v == "kitsu"
	}, false)
}

func cleanSocial(in SocialNetworks) (SocialNetworks, error) {
	fields := []struct {
		name string
		v    *string
	}{{"discord", &in.Discord}, {"twitch", &in.Twitch}, {"instagram", &in.Instagram}, {"mastodon", &in.Mastodon},
		{"bluesky", &in.Bluesky}, {"gitlab", &in.Gitlab}, {"anilist", &in.Anilist}, {"myanimelist", &in.Myanimelist},
		{"kitsu", &in.Kitsu}}
	var errs []error
	for _, f := range fields {
		v, err := cleanText("social_networks", *f.v, maxSocialLen, false)
		if fe, ok := AsFieldError(err); ok {
			fe.Sub = f.name
			errs = append(errs, fe) // every refused network, not only the first
			continue
		}
		*f.v = ""
		if v != nil {
			*f.v = *v
		}
	}
	return in, errors.Join(errs...)
}
