package users

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kmusers/kmusers/internal/events"
)

// Frontend modes.
const (
	FrontendClosed     = 0
	FrontendRestricted = 1
	FrontendOpen       = 2
)

// Settings are the instance settings an operator changes in the panel.
type Settings struct {
	FrontendMode          int
	AllowGuestLogin       bool
	AllowTemporaryGuests  bool
	AllowUserCreation     bool
	RequireSecurityCode   bool
	OnlineAccountsEnabled bool
	OnlineDefaultHost     string
	OnlineAllowedHosts    []string
}

// DefaultSettings are the contract's defaults.
func DefaultSettings() Settings {
	return Settings{
		FrontendMode:          FrontendOpen,
		AllowGuestLogin:       true,
		AllowUserCreation:     true,
		OnlineAccountsEnabled: true,
		OnlineDefaultHost:     "kara.moe",
	}
}

// Setting keys in the settings table.
const (
	keyFrontendMode   = "frontend_mode"
	keyGuestLogin     = "allow_guest_login"
	keyTempGuests     = "allow_temporary_guests"
	keyUserCreation   = "allow_user_creation"
	keyRequireCode    = "require_security_code"
	keyOnlineEnabled  = "online_accounts_enabled"
	keyOnlineDefault  = "online_default_host"
	keyOnlineAllowed  = "online_allowed_hosts"
	settingsListSplit = ","
)

func (s Settings) toMap() map[string]string {
	return map[string]string{
		keyFrontendMode:  strconv.Itoa(s.FrontendMode),
		keyGuestLogin:    strconv.FormatBool(s.AllowGuestLogin),
		keyTempGuests:    strconv.FormatBool(s.AllowTemporaryGuests),
		keyUserCreation:  strconv.FormatBool(s.AllowUserCreation),
		keyRequireCode:   strconv.FormatBool(s.RequireSecurityCode),
		keyOnlineEnabled: strconv.FormatBool(s.OnlineAccountsEnabled),
		keyOnlineDefault: s.OnlineDefaultHost,
		keyOnlineAllowed: strings.Join(s.OnlineAllowedHosts, settingsListSplit),
	}
}

// settingsFromMap reads stored values over the defaults; an unreadable value
// keeps its default rather than stopping the server.
func settingsFromMap(kv map[string]string) Settings {
	s := DefaultSettings()
	boolean := func(k string, dst *bool) {
		if v, err := strconv.ParseBool(kv[k]); err == nil {
			*dst = v
		}
	}
	if v, err := strconv.Atoi(kv[keyFrontendMode]); err == nil && v >= 0 && v <= 2 {
		s.FrontendMode = v
	}
	boolean(keyGuestLogin, &s.AllowGuestLogin)
	boolean(keyTempGuests, &s.AllowTemporaryGuests)
	boolean(keyUserCreation, &s.AllowUserCreation)
	boolean(keyRequireCode, &s.RequireSecurityCode)
	boolean(keyOnlineEnabled, &s.OnlineAccountsEnabled)
	if v, ok := kv[keyOnlineDefault]; ok {
		s.OnlineDefaultHost = v
	}
	s.OnlineAllowedHosts = ParseHosts(kv[keyOnlineAllowed])
	return s
}

// ParseHosts reads a host list separated by commas, spaces or new lines.
func ParseHosts(s string) []string {
	var out []string
	for _, h := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' }) {
		out = append(out, strings.ToLower(h))
	}
	return out
}

// Validate checks settings before they are stored.
func (s Settings) Validate() error {
	if s.FrontendMode < 0 || s.FrontendMode > 2 {
		return fieldErr("frontend_mode", "must be 0, 1 or 2")
	}
	for _, h := range append([]string{s.OnlineDefaultHost}, s.OnlineAllowedHosts...) {
		if h != "" && !validHost(h) {
			return fieldErr("online_allowed_hosts", fmt.Sprintf("%q is not a host name", h))
		}
	}
	return nil
}

// HostAllowed tells whether an online server may be contacted.
func (s Settings) HostAllowed(host string) bool {
	if host == s.OnlineDefaultHost {
		return true
	}
	for _, h := range s.OnlineAllowedHosts {
		if h == host {
			return true
		}
	}
	return false
}

// Settings returns the current settings (cached; the service is their only
// writer).
func (s *Service) Settings() Settings {
	s.settingsMu.RLock()
	defer s.settingsMu.RUnlock()
	out := s.settings
	out.OnlineAllowedHosts = append([]string(nil), s.settings.OnlineAllowedHosts...)
	return out
}

// SaveSettings validates and stores new settings.
func (s *Service) SaveSettings(ctx context.Context, in Settings) error {
	in.OnlineDefaultHost = strings.ToLower(strings.TrimSpace(in.OnlineDefaultHost))
	if err := in.Validate(); err != nil {
		return err
	}
	s.settingsMu.Lock()
	defer s.settingsMu.Unlock()
	if err := s.store.SaveSettings(ctx, in.toMap()); err != nil {
		return fmt.Errorf("users: save settings: %w", err)
	}
	s.settings = in
	s.codes.SetAccountCodeNeeded(in.RequireSecurityCode)
	s.publish(events.SettingsUpdated, "", "")
	return nil
}

func (s *Service) loadSettings(ctx context.Context) error {
	kv, err := s.store.LoadSettings(ctx)
	if err != nil {
		return fmt.Errorf("users: load settings: %w", err)
	}
	st := settingsFromMap(kv)
	if len(kv) == 0 {
		if err := s.store.SaveSettings(ctx, st.toMap()); err != nil {
			return fmt.Errorf("users: store default settings: %w", err)
		}
	}
	s.settingsMu.Lock()
	s.settings = st
	s.settingsMu.Unlock()
	s.codes.SetAccountCodeNeeded(st.RequireSecurityCode)
	return nil
}
