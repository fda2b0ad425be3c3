package main

import (
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/kmusers/kmusers/internal/testkit"
)

// TestMigrateCommandsAtOnce: a deploy pipeline's `kmusers migrate`, four
// at once on one empty PostgreSQL database (and on a SQLite file): each
// exits 0 having logged the same schema version, and a server could start.
func TestMigrateCommandsAtOnce(t *testing.T) {
	bin := buildBinary(t)
	for _, b := range []testkit.Backend{testkit.SQLite, testkit.Postgres} {
		t.Run(string(b), func(t *testing.T) {
			dsn := testkit.EmptyDB(t, b)
			n := 4
			if b == testkit.SQLite {
				n = 1 // one process per SQLite file (datalock)
			}
			outs := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cmd := exec.Command(bin, "migrate", "--db", dsn, "--data", t.TempDir())
					out, err := cmd.CombinedOutput()
					if err != nil {
						t.Errorf("migrate %d: %v\n%s", i, err, out)
					}
					outs[i] = string(out)
				}()
			}
			wg.Wait()
			for i, out := range outs {
				if !strings.Contains(out, "migrated") || !strings.Contains(out, "version=") {
					t.Errorf("migrate %d said %q", i, out)
				}
				if versionOf(out) != versionOf(outs[0]) {
					t.Errorf("migrate %d: %q, the first: %q", i, out, outs[0])
				}
			}
		})
	}
}

func versionOf(out string) string {
	i := strings.Index(out, "version=")
	if i < 0 {
		return "no version"
	}
	return strings.Fields(out[i:])[0]
}
