package socketio_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/socketio"
)

// repoRoot is the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// TestOfficialJSClient runs KM's own client library, socket.io-client 4 from
// npm, under node: login, getUsers, editMyAccount, and the userUpdated push.
func TestOfficialJSClient(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "socket.io-client", "package.json")); err != nil {
		t.Fatalf("node_modules/socket.io-client is missing at %s: run `npm ci` at the repository root (make test does)", root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: it runs KM's socket.io client (apt-get install nodejs npm)")
	}
	v := newEnv(t, socketio.Options{})
	v.user("bob")
	v.user("carol")
	// The deadline only stops a hung node; the test asserts on what it prints.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, filepath.Join("testdata", "km_client.cjs"), root, v.url, "bob", pw).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("node: %v\n%s%s", err, out, stderr)
	}
	var r struct {
		Role      string
		Users     []string
		Edit      map[string]any
		Bio       string
		Pushed    string
		Anonymous map[string]any
		Unknown   map[string]any
		Transport string
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("node printed %s", out)
	}
	if r.Role != "user" || !slices.Contains(r.Users, "carol") || r.Bio != "sung from node" || r.Pushed != "bob" {
		t.Fatalf("KM client saw %+v", r)
	}
	if msg := r.Edit["message"].(map[string]any); msg["code"] != "USER_EDITED" || msg["data"] == nil {
		t.Fatalf("editMyAccount: %v", r.Edit)
	}
	if r.Anonymous["code"] != 401.0 || r.Unknown["code"] != 404.0 {
		t.Fatalf("failures: %v %v", r.Anonymous, r.Unknown)
	}
	t.Logf("transport after upgrade: %s", r.Transport)
}
