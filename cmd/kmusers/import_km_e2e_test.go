package main

import (
	"image/color"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kmusers/kmusers/internal/kmimport/kmtest"
)

// TestImportKMEndToEnd moves a KM database in with the built binary, as an
// operator would (dry run first), then logs in to the server with the
// password the user had in KM.
func TestImportKMEndToEnd(t *testing.T) {
	km := kmtest.DB(t, kmtest.Schema)
	avatarDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(avatarDir, "yuki.png"), testPNG(t, color.NRGBA{200, 30, 90, 255}), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := bcrypt.GenerateFromPassword([]byte("yuki sings well"), 10)
	if err != nil {
		t.Fatal(err)
	}
	kmtest.Insert(t, km,
		kmtest.User{Login: "admin", Nickname: "Dummy Plug System", Type: 0, Password: string(h)},
		kmtest.User{Login: "yuki", Nickname: "Yuki", Type: 0, Password: string(h), AvatarFile: "yuki.png", Email: "yuki@example.org"},
		kmtest.User{Login: "yuki2", Nickname: "YUKI", Type: 1, Password: string(h)},
	)
	data := t.TempDir()
	importKM := func(extra ...string) string {
		t.Helper()
		args := append([]string{"import-km", "--from", km, "--avatars=" + avatarDir, "--data", data}, extra...)
		cmd := exec.Command(buildBinary(t), args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output() // stdout is a pipe: a plain report, no bar
		if err != nil {
			t.Fatalf("import-km %v: %v\n%s%s", extra, err, out, stderr.String())
		}
		if strings.Contains(string(out), "\r") || strings.Contains(string(out), "[#") {
			t.Fatalf("a progress bar on a pipe:\n%q", out)
		}
		return string(out)
	}
	out := importKM("--dry-run")
	for _, want := range []string{"reading postgres://postgres@127.0.0.1", ": 3 users",
		"skip admin: admin is kmusers' own system account", "skip yuki2: nickname is taken by yuki",
		"dry run, nothing written: 3 KM users: 1 would import (1 with their avatar), 0 already imported, 2 skipped"} {
		if !strings.Contains(out, want) {
			t.Fatalf("dry run lacks %q:\n%s", want, out)
		}
	}
	out = importKM()
	if !strings.Contains(out, "3 KM users: 1 imported (1 with their avatar), 0 already imported, 2 skipped") {
		t.Fatalf("import:\n%s", out)
	}
	if out = importKM(); !strings.Contains(out, "3 KM users: 0 imported (0 with their avatar), 1 already imported, 2 skipped") {
		t.Fatalf("second import:\n%s", out)
	}
	// Refusals of the command line itself.
	for _, args := range [][]string{{"import-km", "--data", data}, {"import-km", "--from", "/tmp/km.db", "--data", data}} {
		if out, err := exec.Command(buildBinary(t), args...).CombinedOutput(); err == nil || !strings.Contains(string(out), "postgres://") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}

	p := start(t, data)
	tok := p.login(t, "yuki", "yuki sings well")
	a := p.command(t, tok, "checkAuth", nil)
	if a.status != 200 || !strings.Contains(string(a.Data), `"role":"admin"`) {
		t.Fatalf("checkAuth: %d %s", a.status, a.Data)
	}
	acct := p.myAccount(t, tok)
	if acct.Nickname != "Yuki" || acct.Email == nil || *acct.Email != "yuki@example.org" || acct.AvatarFile == "yuki.png" || acct.AvatarFile == "blank.png" {
		t.Fatalf("account: %+v", acct)
	}
	resp, err := http.Get(p.base + "/avatars/" + acct.AvatarFile)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("avatar: %d", resp.StatusCode)
	}
}
