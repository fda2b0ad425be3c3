package online

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// Limits of every call to a host.
const (
	QuickTimeout = 2 * time.Second  // login and token checks (the contract's default)
	SlowTimeout  = 10 * time.Second // everything else
	MaxJSON      = 1 << 20          // bytes of a JSON answer
	MaxAvatar    = 8 << 20          // bytes of an avatar
)

// Client talks to the hosts of name@host accounts. It implements
// users.Remote. The domain decides which hosts are allowed; the client
// adds what only the network layer can check: a host that is not mapped
// explicitly is never reached on a loopback, private, link-local or other
// non-public address (checked on the address actually dialled, so a name
// that resolves or rebinds to one is refused too), redirects are never
// followed, and every answer is bounded in time and size.
type Client struct {
	resolve map[string]*url.URL
	public  *http.Client
	mapped  *http.Client
	log     *slog.Logger
}

// ParseResolve reads KMUSERS_ONLINE_RESOLVE: "host=http://127.0.0.1:PORT,...".
func ParseResolve(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		host, base, ok := strings.Cut(item, "=")
		host = strings.ToLower(strings.TrimSpace(host))
		u, err := url.Parse(strings.TrimSpace(base))
		if !ok || host == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("KMUSERS_ONLINE_RESOLVE: %q is not host=http(s)://address", item)
		}
		out[host] = strings.TrimRight(u.String(), "/")
	}
	return out, nil
}

// NewClient makes a client; resolve maps hosts to base URLs (and allows them).
func NewClient(resolve map[string]string, log *slog.Logger) (*Client, error) {
	c := &Client{resolve: map[string]*url.URL{}, log: log}
	for h, base := range resolve {
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("online: %s: %w", h, err)
		}
		c.resolve[strings.ToLower(h)] = u
	}
	c.public = newHTTPClient(publicOnly)
	c.mapped = newHTTPClient(nil)
	return c, nil
}

func newHTTPClient(control func(network, address string, c syscall.RawConn) error) *http.Client {
	d := &net.Dialer{Timeout: SlowTimeout, Control: control}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us, past the address check
		DialContext:            d.DialContext,
		TLSHandshakeTimeout:    SlowTimeout,
		ResponseHeaderTimeout:  SlowTimeout,
		MaxIdleConns:           16,
		IdleConnTimeout:        time.Minute,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       SlowTimeout + time.Second, // a backstop: every call has its own deadline
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

var errForbiddenAddress = errors.New("online: address not public")

// publicOnly refuses, at dial time, any address that is not public.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return errForbiddenAddress
	}
	ip := net.ParseIP(host)
	if ip == nil || !PublicIP(ip) {
		return errForbiddenAddress
	}
	return nil
}

var nonPublic = func() []*net.IPNet {
	var out []*net.IPNet
	for _, c := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "64:ff9b:1::/48",
		"2001:db8::/32", "2002::/16", "100::/64",
	} {
		_, n, _ := net.ParseCIDR(c)
		out = append(out, n)
	}
	return out
}()

// PublicIP tells an address that may be reached without an explicit mapping.
func PublicIP(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, n := range nonPublic {
		if n.Contains(ip) {
			return false
		}
	}
	return true
}

// Mapped tells a host mapped by KMUSERS_ONLINE_RESOLVE.
func (c *Client) Mapped(host string) bool {
	_, ok := c.resolve[strings.ToLower(host)]
	return ok
}

// base is the host's base URL and the HTTP client allowed to reach it.
func (c *Client) base(host string) (string, *http.Client) {
	if u, ok := c.resolve[strings.ToLower(host)]; ok {
		return u.String(), c.mapped
	}
	return "https://" + host, c.public
}

// answer is a host's reply, read within the limits.
type answer struct {
	status int
	body   []byte
}

// errUnreachable wraps every failure to get a sensible answer.
func errUnreachable(host, what string, err error) error {
	return fmt.Errorf("%w: %s %s: %v", users.ErrUnreachable, host, what, err)
}

// do sends one request and reads the answer, at most limit bytes, within
// timeout (connection, headers and body together).
func (c *Client) do(ctx context.Context, host, method, path string, timeout time.Duration, limit int64,
	body io.Reader, header http.Header) (*answer, error) {
	base, hc := c.base(host)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return nil, errUnreachable(host, path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "kmusers")
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, errUnreachable(host, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, errUnreachable(host, path, err)
	}
	if int64(len(b)) > limit {
		return nil, errUnreachable(host, path, errors.New("answer too large"))
	}
	return &answer{status: resp.StatusCode, body: b}, nil
}

func (c *Client) doJSON(ctx context.Context, host, method, path string, timeout time.Duration, token string, in any) (*answer, error) {
	h := http.Header{}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
		h.Set("Content-Type", "application/json")
	}
	if token != "" {
		h.Set("Authorization", token)
	}
	return c.do(ctx, host, method, path, timeout, MaxJSON, body, h)
}

// decode reads a 2xx JSON answer into out.
func decode(host, what string, a *answer, out any) error {
	if a.status < 200 || a.status > 299 {
		return errUnreachable(host, what, fmt.Errorf("status %d", a.status))
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return errUnreachable(host, what, errors.New("not JSON"))
	}
	return nil
}

var nameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_.-]{1,64}$`) })

func pathName(name string) (string, error) {
	if !nameRe().MatchString(name) || strings.Contains(name, "..") {
		return "", users.ErrLoginInvalid
	}
	return url.PathEscape(name), nil
}

// Login implements users.Remote.
func (c *Client) Login(ctx context.Context, host, name, password string) (string, error) {
	a, err := c.doJSON(ctx, host, http.MethodPost, "/api/auth/login", QuickTimeout, "",
		map[string]string{"username": name, "password": password})
	if err != nil {
		return "", err
	}
	if a.status == http.StatusUnauthorized || a.status == http.StatusForbidden {
		return "", users.ErrBadCredentials
	}
	var r struct {
		Token string `json:"token"`
	}
	if err := decode(host, "login", a, &r); err != nil {
		return "", err
	}
	if r.Token == "" || len(r.Token) > 4096 {
		return "", errUnreachable(host, "login", errors.New("no token"))
	}
	return r.Token, nil
}

// account decodes a wire user into the domain's view: the profile as a patch.
func account(host string, a *answer) (users.RemoteAccount, error) {
	var acct users.RemoteAccount
	var head struct {
		Login                   string     `json:"login"`
		AvatarFile              string     `json:"avatar_file"`
		AnimeListIDs            []int      `json:"anime_list_ids"`
		AnimeListLastModifiedAt *time.Time `json:"anime_list_last_modified_at"`
	}
	if err := decode(host, "account", a, &head); err != nil {
		return acct, err
	}
	if err := json.Unmarshal(a.body, &acct.Profile); err != nil {
		return acct, errUnreachable(host, "account", errors.New("malformed profile"))
	}
	p := &acct.Profile
	p.Login, p.Type, p.Password, p.OldPassword = users.Opt[string]{}, users.Opt[int]{}, users.Opt[string]{}, users.Opt[string]{}
	acct.Login, acct.AvatarFile = head.Login, head.AvatarFile
	acct.AnimeListIDs, acct.AnimeListLastModifiedAt = head.AnimeListIDs, head.AnimeListLastModifiedAt
	return acct, nil
}

// Account implements users.Remote.
func (c *Client) Account(ctx context.Context, host, token string) (users.RemoteAccount, error) {
	a, err := c.doJSON(ctx, host, http.MethodGet, "/api/myaccount", SlowTimeout, token, nil)
	if err != nil {
		return users.RemoteAccount{}, err
	}
	if a.status == http.StatusUnauthorized || a.status == http.StatusForbidden {
		return users.RemoteAccount{}, users.ErrOnlineToken
	}
	return account(host, a)
}

var avatarNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}\.(png|jpg|jpeg|gif|webp)$`) })

// Avatar implements users.Remote.
func (c *Client) Avatar(ctx context.Context, host, file string) ([]byte, error) {
	if !avatarNameRe().MatchString(file) {
		return nil, errUnreachable(host, "avatar", errors.New("unusable avatar name"))
	}
	a, err := c.do(ctx, host, http.MethodGet, "/avatars/"+file, SlowTimeout, MaxAvatar, nil, http.Header{"Accept": {"image/*"}})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, errUnreachable(host, "avatar", fmt.Errorf("status %d", a.status))
	}
	return a.body, nil
}

// Exists implements users.Remote.
func (c *Client) Exists(ctx context.Context, host, name string) (bool, error) {
	n, err := pathName(name)
	if err != nil {
		return false, err
	}
	a, err := c.doJSON(ctx, host, http.MethodGet, "/api/users/"+n, SlowTimeout, "", nil)
	if err != nil {
		return false, err
	}
	switch a.status {
	case http.StatusOK:
		var w struct {
			Login string `json:"login"`
		}
		if err := decode(host, "user", a, &w); err != nil {
			return false, err
		}
		return true, nil
	case http.StatusNotFound:
		// A host that is not a KM host at all also answers 404 to everything:
		// it shows when the creation that follows fails.
		return false, nil
	case http.StatusForbidden:
		return false, users.ErrRemoteDisabled
	}
	return false, errUnreachable(host, "user", fmt.Errorf("status %d", a.status))
}

// Create implements users.Remote.
func (c *Client) Create(ctx context.Context, host, name, password string) error {
	a, err := c.doJSON(ctx, host, http.MethodPost, "/api/users", SlowTimeout, "",
		map[string]string{"login": name, "password": password})
	if err != nil {
		return err
	}
	switch {
	case a.status >= 200 && a.status <= 299:
		return nil
	case a.status == http.StatusConflict:
		return users.ErrOnlineTaken
	case a.status == http.StatusForbidden:
		return users.ErrRemoteDisabled
	case a.status == http.StatusNotFound || a.status >= 500:
		return errUnreachable(host, "create", fmt.Errorf("status %d", a.status))
	}
	return fmt.Errorf("%w: status %d", users.ErrRemoteCreate, a.status)
}

// Edit implements users.Remote: the avatar first (multipart), then the fields.
func (c *Client) Edit(ctx context.Context, host, name, token string, p users.Patch, avatar []byte) (string, users.RemoteAccount, error) {
	n, err := pathName(name)
	if err != nil {
		return "", users.RemoteAccount{}, err
	}
	if avatar != nil {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("avatarfile", "avatar")
		if err == nil {
			_, err = fw.Write(avatar)
		}
		if err == nil {
			err = mw.Close()
		}
		if err != nil {
			return "", users.RemoteAccount{}, err
		}
		h := http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {token}}
		a, err := c.do(ctx, host, http.MethodPatch, "/api/users/"+n, SlowTimeout, MaxJSON, &buf, h)
		if err != nil {
			return "", users.RemoteAccount{}, err
		}
		if err := editStatus(host, a); err != nil {
			return "", users.RemoteAccount{}, err
		}
	}
	a, err := c.doJSON(ctx, host, http.MethodPatch, "/api/users/"+n, SlowTimeout, token, patchFields(p))
	if err != nil {
		return "", users.RemoteAccount{}, err
	}
	if err := editStatus(host, a); err != nil {
		return "", users.RemoteAccount{}, err
	}
	var r struct {
		User  json.RawMessage `json:"user"`
		Token string          `json:"token"`
	}
	if err := decode(host, "edit", a, &r); err != nil {
		return "", users.RemoteAccount{}, err
	}
	if t := bytes.TrimSpace(r.User); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		// A host that answers the edit without the profile: ask for it.
		tok := token
		if r.Token != "" {
			tok = r.Token
		}
		acct, err := c.Account(ctx, host, tok)
		return r.Token, acct, err
	}
	acct, err := account(host, &answer{status: http.StatusOK, body: r.User})
	if err != nil {
		return "", users.RemoteAccount{}, err
	}
	return r.Token, acct, nil
}

// editStatus maps a host's refusal of an edit.
func editStatus(host string, a *answer) error {
	switch {
	case a.status >= 200 && a.status <= 299:
		return nil
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return users.ErrOnlineToken
	case a.status == http.StatusBadRequest || a.status == http.StatusConflict:
		var e struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(a.body, &e)
		switch e.Code {
		case "NICKNAME_ALREADY_IN_USE":
			return users.ErrNicknameTaken
		case "PASSWORD_TOO_WEAK": // the host's dictionary may be another's
			return users.ErrPasswordTooWeak
		case "PASSWORD_TOO_SHORT", "PASSWORD_TOO_LONG":
			return users.ErrPasswordTooShort
		case "INVALID_AVATAR", "UNSUPPORTED_IMAGE", "INVALID_IMAGE", "FILE_TOO_LARGE":
			return users.ErrInvalidAvatar
		}
	}
	return errUnreachable(host, "edit", fmt.Errorf("status %d", a.status))
}

// Delete implements users.Remote.
func (c *Client) Delete(ctx context.Context, host, token string) error {
	a, err := c.doJSON(ctx, host, http.MethodDelete, "/api/users", SlowTimeout, token, nil)
	if err != nil {
		return err
	}
	if a.status == http.StatusUnauthorized || a.status == http.StatusForbidden {
		return users.ErrOnlineToken
	}
	if a.status < 200 || a.status > 299 {
		return errUnreachable(host, "delete", fmt.Errorf("status %d", a.status))
	}
	return nil
}

// RequestReset implements users.Remote.
func (c *Client) RequestReset(ctx context.Context, host, name string) error {
	n, err := pathName(name)
	if err != nil {
		return err
	}
	a, err := c.doJSON(ctx, host, http.MethodPost, "/api/users/"+n+"/resetpassword", SlowTimeout, "", nil)
	if err != nil {
		return err
	}
	if a.status < 200 || a.status > 299 {
		return errUnreachable(host, "reset", fmt.Errorf("status %d", a.status))
	}
	return nil
}

// Check implements users.Remote.
func (c *Client) Check(ctx context.Context, host, token string) (bool, error) {
	a, err := c.doJSON(ctx, host, http.MethodGet, "/api/auth/check", QuickTimeout, token, nil)
	if err != nil {
		return false, err
	}
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return false, nil
	}
	var r struct {
		Username string `json:"username"`
	}
	if err := decode(host, "check", a, &r); err != nil {
		return false, err
	}
	if r.Username == "" {
		return false, errUnreachable(host, "check", errors.New("no username"))
	}
	return true, nil
}
