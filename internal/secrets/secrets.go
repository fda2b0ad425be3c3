// Package secrets keeps the server's keys in the data directory: made on
// first start with crypto/rand, mode 0600, reused after.
package secrets

import (
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
	s := &Secrets{}
	for k, dst := range map[string]*[]byte{"jwt": &s.JWT, "cookie_hash": &s.CookieHash, "cookie_block": &s.CookieBlock} {
		if *dst, err = hex.DecodeString(raw[k]); err != nil || len(*dst) < 32 {
			return nil, fmt.Errorf("secrets: %s: key %q is missing or short", path, k)
		}
	}
	return s, nil
}

func create(path string) (*Secrets, error) {
	s := &Secrets{JWT: random(64), CookieHash: random(64), CookieBlock: random(32)}
	b, err := json.MarshalIndent(map[string]string{
		"jwt": hex.EncodeToString(s.JWT), "cookie_hash": hex.EncodeToString(s.CookieHash),
		"cookie_block": hex.EncodeToString(s.CookieBlock),
	}, "", "  ")
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
