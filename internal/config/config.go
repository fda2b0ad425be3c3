// Package config reads the command line and its KMUSERS_* environment twins.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server is started with.
type Config struct {
	Addr           string
	DataDir        string
	DB             string
	LogFormat      string
	LogLevel       slog.Level
	TrustedProxies []*net.IPNet
	OnlineWindow   time.Duration
	BcryptCost     int
	TokenLife      time.Duration
	AuditRetention time.Duration
	SignupsPerHour int
	SignupBurst    int
	MaxConnsPerIP  int
	AnimeLists     AnimeLists
}

// AnimeLists are the anime list providers' base URLs ("" for the public
// service) and MyAnimeList's client id.
type AnimeLists struct {
	AniListURL, MALURL, KitsuURL, MALClientID string
}

// Parse reads flags from args, each defaulting to its env twin
// KMUSERS_<NAME> (dashes become underscores), then to the built-in default.
func Parse(name string, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	env := func(key, def string) string {
		if v := getenv("KMUSERS_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	c := &Config{}
	var level, proxies, window string
	fs.StringVar(&c.Addr, "addr", env("addr", "127.0.0.1:1337"), "listen address")
	fs.StringVar(&c.DataDir, "data", env("data", "./data"), "data directory (database, avatars, secrets)")
	fs.StringVar(&c.DB, "db", env("db", ""), "database DSN (default: the SQLite file <data>/kmusers.db)")
	fs.StringVar(&c.LogFormat, "log-format", env("log-format", "text"), "log format: text or json")
	fs.StringVar(&level, "log-level", env("log-level", "info"), "log level: debug, info, warn or error")
	fs.StringVar(&proxies, "trusted-proxies", env("trusted-proxies", ""), "comma-separated CIDRs whose X-Forwarded-For is trusted")
	fs.StringVar(&window, "online-window", env("online-window", "15m"), "how long after a request a user counts as online")
	var life, retention string
	fs.StringVar(&life, "token-life", env("token-life", "720h"), "an API token ends this long after its last use")
	fs.StringVar(&retention, "audit-retention", env("audit-retention", "2160h"), "how long the audit trail is kept")
	fs.IntVar(&c.SignupsPerHour, "signup-per-hour", atoiOr(env("signup-per-hour", ""), 5), "accounts one address may create an hour (operators and loopback clients: no limit)")
	fs.IntVar(&c.SignupBurst, "signup-burst", atoiOr(env("signup-burst", ""), 10), "accounts one address may create at once")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", atoiOr(env("max-conns-per-ip", ""), 128), "connections one address may hold open")
	fs.IntVar(&c.BcryptCost, "bcrypt-cost", atoiOr(env("bcrypt-cost", ""), 10), "bcrypt cost (10 or more)")
	fs.StringVar(&c.AnimeLists.AniListURL, "anilist-url", env("anilist-url", ""), "AniList GraphQL endpoint (default https://graphql.anilist.co)")
	fs.StringVar(&c.AnimeLists.MALURL, "mal-url", env("mal-url", ""), "MyAnimeList API v2 base URL (default https://api.myanimelist.net/v2)")
	fs.StringVar(&c.AnimeLists.KitsuURL, "kitsu-url", env("kitsu-url", ""), "Kitsu JSON:API base URL (default https://kitsu.app/api/edge)")
	fs.StringVar(&c.AnimeLists.MALClientID, "mal-client-id", env("mal-client-id", ""), "MyAnimeList API client id (MyAnimeList lists are not fetched without one)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if d, err := time.ParseDuration(life); err != nil || d < time.Minute {
		return nil, fmt.Errorf("--token-life: %q is not a duration of a minute or more", life)
	} else {
		c.TokenLife = d
	}
	if c.SignupsPerHour < 1 || c.SignupBurst < 1 || c.MaxConnsPerIP < 1 {
		return nil, fmt.Errorf("--signup-per-hour, --signup-burst and --max-conns-per-ip must be 1 or more")
	}
	if d, err := time.ParseDuration(retention); err != nil || d < time.Hour {
		return nil, fmt.Errorf("--audit-retention: %q is not a duration of an hour or more", retention)
	} else {
		c.AuditRetention = d
	}
	return c, c.finish(level, proxies, window)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func (c *Config) finish(level, proxies, window string) error {
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	d, err := time.ParseDuration(window)
	if err != nil || d <= 0 {
		return fmt.Errorf("--online-window: %q is not a positive duration", window)
	}
	c.OnlineWindow = d
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			p += map[bool]string{true: "/32", false: "/128"}[net.ParseIP(p).To4() != nil]
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return fmt.Errorf("--trusted-proxies: %w", err)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "kmusers.db")
	}
	return nil
}
