package main

import (
	"fmt"
	"strings"

	"github.com/kmusers/kmusers/internal/config"
	"github.com/kmusers/kmusers/internal/mail"
	"github.com/kmusers/kmusers/internal/online"
)

// onlineEnv is the online accounts' part of the environment. These are env
// only: the SMTP password has no place on a command line.
type onlineEnv struct {
	resolve   map[string]string // KMUSERS_ONLINE_RESOLVE
	smtp      mail.Config       // KMUSERS_SMTP_ADDR, _FROM, _USER, _PASSWORD
	publicURL string            // KMUSERS_PUBLIC_URL: where mailed links point
}

func readOnlineEnv(getenv func(string) string, cfg *config.Config) (onlineEnv, error) {
	var e onlineEnv
	var err error
	if e.resolve, err = online.ParseResolve(getenv("KMUSERS_ONLINE_RESOLVE")); err != nil {
		return e, err
	}
	e.smtp = mail.Config{
		Addr: getenv("KMUSERS_SMTP_ADDR"), From: getenv("KMUSERS_SMTP_FROM"),
		User: getenv("KMUSERS_SMTP_USER"), Password: getenv("KMUSERS_SMTP_PASSWORD"),
	}
	if (e.smtp.Addr == "") != (e.smtp.From == "") {
		return e, fmt.Errorf("KMUSERS_SMTP_ADDR and KMUSERS_SMTP_FROM go together")
	}
	e.publicURL = strings.TrimRight(getenv("KMUSERS_PUBLIC_URL"), "/")
	if e.publicURL == "" {
		e.publicURL = "http://" + cfg.Addr
	}
	if !strings.HasPrefix(e.publicURL, "http://") && !strings.HasPrefix(e.publicURL, "https://") {
		return e, fmt.Errorf("KMUSERS_PUBLIC_URL %q must start with http:// or https://", e.publicURL)
	}
	return e, nil
}
