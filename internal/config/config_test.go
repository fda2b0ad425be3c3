package config

import (
	"io"
	"path/filepath"
	"testing"
	"time"
)

func TestFlagsEnvAndDefaults(t *testing.T) {
	env := map[string]string{"KMUSERS_ADDR": "0.0.0.0:9", "KMUSERS_ONLINE_WINDOW": "5m", "KMUSERS_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "KMUSERS_TOKEN_LIFE": "48h"}
	c, err := Parse("t", []string{"--data", "/tmp/x"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9" || c.DataDir != "/tmp/x" || c.DB != filepath.Join("/tmp/x", "kmusers.db") ||
		c.OnlineWindow != 5*time.Minute || len(c.TrustedProxies) != 2 || c.BcryptCost != 10 ||
		c.TokenLife != 48*time.Hour || c.AuditRetention != 90*24*time.Hour {
		t.Fatalf("%+v", c)
	}
	c, err = Parse("t", []string{"--addr", "127.0.0.1:1"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || c.Addr != "127.0.0.1:1" {
		t.Fatalf("flag does not win over env: %+v %v", c, err)
	}
	for _, bad := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}, {"--online-window", "-1m"}, {"--trusted-proxies", "nope"}, {"--token-life", "1s"}, {"--token-life", "soon"}, {"--audit-retention", "1m"}, {"extra"}} {
		if _, err := Parse("t", bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
