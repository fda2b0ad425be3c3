package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAccessLogLosesNoLineOnShutdown: the access log is buffered (a write
// per request cost a system call); every request answered before a SIGTERM
// still has its line once the process has stopped.
func TestAccessLogLosesNoLineOnShutdown(t *testing.T) {
	data := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "stderr.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	addr := freePort(t)
	cmd := exec.Command(buildBinary(t), "serve", "--addr", addr, "--data", data, "--log-format", "json")
	cmd.Stderr = logFile // a file, not a pipe: nothing is left unread when it exits
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	const requests = 300
	for i := range requests {
		resp, err := http.Get(base + "/no-such-page-" + string(rune('a'+i%26)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("unclean stop: %v", err)
	}
	text, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(text), `"msg":"request","request_id"`)
	if n != requests {
		t.Fatalf("%d access lines for %d requests:\n%s", n, requests, text)
	}
	if !strings.Contains(string(text), `"msg":"stopped"`) {
		t.Fatalf("no stop line:\n%s", text)
	}
}
