package animelist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Limits of every provider call.
const (
	RequestTimeout = 10 * time.Second // one HTTP request, body included
	MaxBodyBytes   = 4 << 20          // one response
	MaxPages       = 100              // one list
	MaxIDs         = 50_000           // one list
)

// Errors of a fetch. The provider's own words travel in the wrapped error
// for the logs; callers look at these.
var (
	ErrUserNotFound  = errors.New("no such user at the provider")
	ErrProvider      = errors.New("the provider failed")
	ErrNotConfigured = errors.New("the provider is not configured")
	ErrBadName       = errors.New("not a valid user name for the provider")
)

// client is an HTTP client bound to one base URL: it contacts only that
// scheme and host, redirects included, with a timeout and a size cap.
type client struct {
	base *url.URL
	http *http.Client
}

// ParseBase checks a provider base URL: http or https, a host, no query.
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("%q is not an http(s) base URL", raw)
	}
	return u, nil
}

func newClient(base *url.URL, transport http.RoundTripper) *client {
	c := &client{base: base}
	c.http = &http.Client{
		Timeout:   RequestTimeout,
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if !c.sameOrigin(req.URL) {
				return fmt.Errorf("redirect to another host (%s)", req.URL.Host)
			}
			return nil
		},
	}
	return c
}

func (c *client) sameOrigin(u *url.URL) bool {
	return u.Scheme == c.base.Scheme && strings.EqualFold(u.Host, c.base.Host)
}

// do sends req and reads a capped body. It returns the status and the
// body; transport failures, timeouts and oversize bodies are ErrProvider.
func (c *client) do(req *http.Request) (int, []byte, error) {
	if !c.sameOrigin(req.URL) {
		return 0, nil, fmt.Errorf("%w: refusing to contact %s", ErrProvider, req.URL.Host)
	}
	req.Header.Set("User-Agent", "kmusers (Karaoke Mugen user server)")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrProvider, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: reading the answer: %v", ErrProvider, err)
	}
	if len(b) > MaxBodyBytes {
		return 0, nil, fmt.Errorf("%w: answer larger than %d bytes", ErrProvider, MaxBodyBytes)
	}
	return resp.StatusCode, b, nil
}

// next resolves a paging link and checks it stays on the base host.
func (c *client) next(link string) (*url.URL, error) {
	u, err := c.base.Parse(link)
	if err != nil || !c.sameOrigin(u) {
		return nil, fmt.Errorf("%w: paging link %q leaves %s", ErrProvider, link, c.base.Host)
	}
	return u, nil
}

func get(ctx context.Context, u string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
}

// snippet is the start of a body, for an error message.
func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
