// Command mutate is kmusers' mutation runner: it breaks one rule at a time
// and checks that a test notices. Each file of testdata/mutations names a
// rule, one exact edit of one source file, and the tests that must fail
// with it. The edit is applied through the go command's -overlay (in
// GOFLAGS, so binaries that tests build are mutants too): the tree is never
// touched and only the mutated package is rebuilt.
//
//	go run ./cmd/mutate [-dir testdata/mutations] [NAME...]
//
// It prints one line per mutation and exits 1 when a mutation survives
// (the tests still pass), does not compile, or no longer matches its file.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// mutation is one file of the mutations folder.
type mutation struct {
	name    string
	rule    string   // the contract's rule this breaks, for people
	file    string   // the source file, from the repository root
	find    string   // text that occurs exactly once in file
	replace string   // what it becomes
	pkgs    []string // packages whose tests must notice
	run     string   // optional -run pattern, to keep the run short
}

func main() {
	dir := flag.String("dir", "testdata/mutations", "folder of mutation files")
	timeout := flag.Duration("timeout", 5*time.Minute, "time limit for one mutation's tests")
	flag.Parse()
	muts, err := load(*dir, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	failed := 0
	for i, m := range muts {
		start := time.Now()
		verdict, detail := try(m, *timeout)
		fmt.Printf("%2d/%d %-8s %-40s %5.1fs  %s\n", i+1, len(muts), verdict, m.name, time.Since(start).Seconds(), m.rule)
		if verdict != "killed" {
			failed++
			if detail != "" {
				fmt.Println(indent(detail))
			}
		}
	}
	fmt.Printf("%d mutations, %d killed, %d not\n", len(muts), len(muts)-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// load reads every *.txt of dir, or only the named ones.
func load(dir string, only []string) ([]mutation, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no mutations in %s", dir)
	}
	slices.Sort(paths)
	var muts []mutation
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		if len(only) > 0 && !slices.Contains(only, name) {
			continue
		}
		m, err := parse(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		m.name = name
		muts = append(muts, m)
	}
	return muts, nil
}

// parse reads "key: value" lines; # starts a comment line. A value in
// double quotes is a Go string literal (for edits over several lines).
func parse(path string) (mutation, error) {
	f, err := os.Open(path)
	if err != nil {
		return mutation{}, err
	}
	defer f.Close()
	var m mutation
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if !ok {
			return m, fmt.Errorf("not a key: value line: %q", line)
		}
		if strings.HasPrefix(val, `"`) { // a Go string, for tabs and newlines
			if val, err = strconv.Unquote(val); err != nil {
				return m, fmt.Errorf("%s: %w", key, err)
			}
		}
		switch key {
		case "rule":
			m.rule = val
		case "file":
			m.file = val
		case "find":
			m.find = val
		case "replace":
			m.replace = val
		case "test":
			m.pkgs = strings.Fields(val)
		case "run":
			m.run = val
		default:
			return m, fmt.Errorf("unknown key %q", key)
		}
	}
	if m.rule == "" || m.file == "" || m.find == "" || len(m.pkgs) == 0 {
		return m, errors.New("rule, file, find and test are required")
	}
	return m, sc.Err()
}

// try applies m through an overlay and runs its tests: "killed" when they
// fail, "SURVIVED" when they pass, "BROKEN" when the edit cannot be tried.
func try(m mutation, timeout time.Duration) (verdict, detail string) {
	src, err := os.ReadFile(m.file)
	if err != nil {
		return "BROKEN", err.Error()
	}
	if n := strings.Count(string(src), m.find); n != 1 {
		return "BROKEN", fmt.Sprintf("find text occurs %d times in %s (want exactly once): %q", n, m.file, m.find)
	}
	tmp, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return "BROKEN", err.Error()
	}
	defer os.RemoveAll(tmp)
	mutated := filepath.Join(tmp, filepath.Base(m.file))
	abs, _ := filepath.Abs(m.file)
	overlay := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(mutated, []byte(strings.Replace(string(src), m.find, m.replace, 1)), 0o600); err != nil {
		return "BROKEN", err.Error()
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: mutated}})
	if err := os.WriteFile(overlay, ov, 0o600); err != nil {
		return "BROKEN", err.Error()
	}
	// One failing test kills a mutant: stop at the first (-failfast), and
	// skip the PostgreSQL pass when the SQLite pass already failed.
	args := []string{"test", "-count=1", "-failfast"}
	if m.run != "" {
		args = append(args, "-run", m.run)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(args, m.pkgs...)...)
	// Through GOFLAGS, so that a test that builds the binary itself (the
	// end-to-end tests) builds the mutant too.
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -overlay="+overlay), "KMUSERS_TEST_FAILFAST=1")
	out, err := cmd.CombinedOutput()
	switch {
	case ctx.Err() != nil:
		return "BROKEN", "timed out"
	case strings.Contains(string(out), "[build failed]") || strings.Contains(string(out), "[setup failed]"):
		return "BROKEN", "the mutated code does not compile:\n" + tail(string(out), 15)
	case err != nil:
		return "killed", ""
	case strings.Contains(string(out), "no tests to run"):
		return "BROKEN", "the run pattern matches no test"
	}
	return "SURVIVED", "the tests still pass with this rule broken"
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func indent(s string) string { return "        " + strings.ReplaceAll(s, "\n", "\n        ") }
