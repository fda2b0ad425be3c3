// Package secrets keeps the server's keys: in the data directory (SQLite,
// one process), made on first start with crypto/rand, mode 0600, reused
// after; or in the database shared by many processes (Shared), made by the
// first one to start.
package secrets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Secrets are the keys of tokens and cookies.
type Secrets struct {
	JWT         []byte `json:"jwt"`
	CookieHash  []byte `json:"cookie_hash"`
	CookieBlock []byte `json:"cookie_block"`
}

const fileName = "secrets.json"

// Load reads the secrets of dataDir, making them on first start.
func Load(dataDir string) (*Secrets, error) {
	path := filepath.Join(dataDir, fileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return create(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("secrets: %s is damaged: %w", path, err)
	}
	return decode(raw, path)
}

// decode reads the hex keys of raw; from names where they came from.
func decode(raw map[string]string, from string) (*Secrets, error) {
	s := &Secrets{}
	for k, dst := range map[string]*[]byte{"jwt": &s.JWT, "cookie_hash": &s.CookieHash, "cookie_block": &s.CookieBlock} {
		var err error
		if *dst, err = hex.DecodeString(raw[k]); err != nil || len(*dst) < 32 {
			return nil, fmt.Errorf("secrets: %s: key %q is missing or short", from, k)
		}
	}
	return s, nil
}

// fresh makes new keys, hex-encoded by name.
func fresh() (*Secrets, map[string]string) {
	s := &Secrets{JWT: random(64), CookieHash: random(64), CookieBlock: random(32)}
	return s, map[string]string{
		"jwt": hex.EncodeToString(s.JWT), "cookie_hash": hex.EncodeToString(s.CookieHash),
		"cookie_block": hex.EncodeToString(s.CookieBlock),
	}
}

// KeyStore keeps keys in a database shared by many processes.
type KeyStore interface {
	// SharedKeys stores each offered key that has no value yet and returns
	// every stored key.
	SharedKeys(ctx context.Context, offer map[string]string) (map[string]string, error)
}

// Shared returns the keys kept in the database: every process offers new
// keys, the first offer is kept, and every process reads that one back, so
// a token or a cookie made by one process is good on every other.
func Shared(ctx context.Context, db KeyStore) (*Secrets, error) {
	_, offer := fresh()
	raw, err := db.SharedKeys(ctx, offer)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return decode(raw, "the database's server_keys")
}

func create(path string) (*Secrets, error) {
	s, raw := fresh()
	b, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return nil, err
	}
	// O_EXCL: two processes starting at once never overwrite each other.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return s, nil
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return b
}
