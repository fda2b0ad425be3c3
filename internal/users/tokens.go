package users

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Claims are what a KM token carries.
type Claims struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	IAT      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	JTI      string `json:"jti"` // the token's row in the session registry
}

// tokenHardLife bounds the JWT itself; the registry row, which slides with
// use, is what really ends a token.
const tokenHardLife = 10 * 365 * 24 * time.Hour

// Tokens signs and checks HS256 JWTs. Each token is signed with a key derived
// from the server secret and the user's own token key; whether a token is
// still alive is the session registry's business (its jti names the row).
type Tokens struct {
	secret []byte
}

// NewTokens makes a signer from the server's JWT secret.
func NewTokens(secret []byte) *Tokens { return &Tokens{secret: secret} }

var (
	b64         = base64.RawURLEncoding
	jwtHeader   = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	errBadToken = ErrInvalidToken
)

func (t *Tokens) key(userKey string) []byte {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte("kmusers token key\x00" + userKey))
	return m.Sum(nil)
}

// Sign makes a token for u whose registry row is jti.
func (t *Tokens) Sign(u *User, jti string, now time.Time) (string, error) {
	payload, err := json.Marshal(Claims{Username: u.Login, Role: u.Role(), IAT: now.Unix(),
		Exp: now.Add(tokenHardLife).Unix(), JTI: jti})
	if err != nil {
		return "", err
	}
	signing := jwtHeader + "." + b64.EncodeToString(payload)
	return signing + "." + t.sig(u.TokenKey, signing), nil
}

func (t *Tokens) sig(userKey, signing string) string {
	m := hmac.New(sha256.New, t.key(userKey))
	m.Write([]byte(signing))
	return b64.EncodeToString(m.Sum(nil))
}

// Peek reads the claims without checking the signature: the caller must load
// the user named in them and call Verify with the user's key.
func (t *Tokens) Peek(token string) (Claims, error) {
	var c Claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > 4096 {
		return c, errBadToken
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &hdr) != nil || hdr.Alg != "HS256" {
		return c, errBadToken
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &c) != nil || c.Username == "" || c.JTI == "" {
		return c, errBadToken
	}
	return c, nil
}

// Verify checks the signature of token against the user's key.
func (t *Tokens) Verify(token string, u *User) error {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return errBadToken
	}
	want := t.sig(u.TokenKey, token[:i])
	if !hmac.Equal([]byte(want), []byte(token[i+1:])) {
		return errBadToken
	}
	return nil
}

// NewTokenKey returns a fresh random per-user key.
func NewTokenKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
