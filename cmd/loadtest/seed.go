package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/benchdata"
	"github.com/kmusers/kmusers/internal/store"
)

// The accounts the harness uses; every seeded user has benchdata.Password.
const (
	operatorLogin = "loadop"
	viewerLogin   = "user000002"
)

// buildKmusers builds ./cmd/kmusers of the current module into dir.
func buildKmusers(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "kmusers")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/kmusers")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/kmusers (run from the repository root, or pass -bin): %w", err)
	}
	return bin, nil
}

// seedDir returns a data dir of n seeded users plus the operator, seeding it
// the first time only: a READY file marks a finished seed.
func seedDir(ctx context.Context, o options, bin string, log io.Writer) (string, error) {
	dir := filepath.Join(o.dir, fmt.Sprintf("seed-%d", o.users))
	ready := filepath.Join(dir, "READY")
	if _, err := os.Stat(ready); err == nil && !o.reseed {
		fmt.Fprintf(log, "seed: reusing %s\n", dir)
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	t := time.Now()
	db, err := store.Open(ctx, filepath.Join(dir, "kmusers.db"))
	if err != nil {
		return "", err
	}
	err = benchdata.Seed(ctx, db, o.users)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	// The binary itself adds admin, the guests and the operator.
	cmd := exec.CommandContext(ctx, bin, "create-operator", operatorLogin, "--data", dir)
	cmd.Env = serverEnv()
	cmd.Stdin = strings.NewReader(benchdata.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("create-operator: %w\n%s", err, out)
	}
	if err := os.WriteFile(ready, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "seed: %d users in %s (%.1f s)\n", o.users, dir, time.Since(t).Seconds())
	return dir, nil
}

// freshCopy copies the seed to dst, so that every run starts from the same
// data whatever the last run wrote.
func freshCopy(seed, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return filepath.WalkDir(seed, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(seed, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
