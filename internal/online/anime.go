package online

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/animelist"
	"github.com/kmusers/kmusers/internal/users"
)

// HostAnime is what the host's myanime route needs from the anime list
// domain: a refresh under its rules (once a minute per user, a failure
// keeps the previous list).
type HostAnime interface {
	Refresh(ctx context.Context, u *users.User) error
}

// WithAnime plugs the anime list service in; without it the myanime route
// answers 503 PROVIDER_NOT_CONFIGURED.
func (h *Host) WithAnime(a HostAnime) *Host {
	h.anime = a
	return h
}

// animeReply is the host's answer to POST /api/myaccount/myanime.
type animeReply struct {
	AnimeListIDs            []int      `json:"anime_list_ids"`
	AnimeListLastModifiedAt *time.Time `json:"anime_list_last_modified_at"`
}

// animeRefusals are the host's answers when a refresh fails, by the
// domain's error; the client maps the codes back.
var animeRefusals = []struct {
	err    error
	status int
	code   string
}{
	{animelist.ErrNoSource, http.StatusBadRequest, "ANIME_LIST_NO_SOURCE"},
	{animelist.ErrBadName, http.StatusBadRequest, "ANIME_LIST_BAD_NAME"},
	{animelist.ErrTooSoon, http.StatusTooManyRequests, "TOO_SOON"},
	{animelist.ErrUserNotFound, http.StatusBadGateway, "USER_NOT_FOUND_AT_PROVIDER"},
	{animelist.ErrProvider, http.StatusBadGateway, "PROVIDER_ERROR"},
	{context.DeadlineExceeded, http.StatusBadGateway, "PROVIDER_ERROR"},
	{animelist.ErrNotConfigured, http.StatusServiceUnavailable, "PROVIDER_NOT_CONFIGURED"},
}

// myAnime fetches the token owner's anime list again (KM Server's
// POST /api/myaccount/myanime) and answers the ids stored.
func (h *Host) myAnime(c echo.Context) error {
	u, err := h.owner(c)
	if u == nil {
		return err
	}
	ctx := c.Request().Context()
	if h.anime == nil {
		return fail(c, http.StatusServiceUnavailable, "PROVIDER_NOT_CONFIGURED", "this instance fetches no anime lists")
	}
	if err := h.anime.Refresh(ctx, u); err != nil {
		for _, r := range animeRefusals {
			if errors.Is(err, r.err) {
				return fail(c, r.status, r.code, "")
			}
		}
		return h.internal(c, "myanime", err)
	}
	fresh, err := h.users.HostedAccount(ctx, u.Login)
	if err != nil {
		return h.internal(c, "myanime", err)
	}
	return c.JSON(http.StatusOK, animeReply{AnimeListIDs: append([]int{}, fresh.AnimeListIDs...),
		AnimeListLastModifiedAt: fresh.AnimeListLastModifiedAt})
}

// RefreshAnimeList implements users.Remote. A host that answers 200
// without the ids (KM Server answers an empty body) is asked for the
// profile, which carries them. The host's refusals come back as the anime
// list domain's errors.
func (c *Client) RefreshAnimeList(ctx context.Context, host, token string) (users.RemoteAnimeList, error) {
	a, err := c.doJSON(ctx, host, http.MethodPost, "/api/myaccount/myanime", SlowTimeout, token, nil)
	if err != nil {
		return users.RemoteAnimeList{}, err
	}
	var e struct {
		Code string `json:"code"`
	}
	if a.status < 200 || a.status > 299 {
		_ = json.Unmarshal(a.body, &e)
		return users.RemoteAnimeList{}, animeRefusal(host, a.status, e.Code)
	}
	var r struct {
		IDs *[]int     `json:"anime_list_ids"`
		At  *time.Time `json:"anime_list_last_modified_at"`
	}
	if body := bytes.TrimSpace(a.body); len(body) > 0 && !bytes.Equal(body, []byte("null")) {
		if err := json.Unmarshal(body, &r); err != nil {
			return users.RemoteAnimeList{}, errUnreachable(host, "myanime", errors.New("not JSON"))
		}
	}
	if r.IDs != nil {
		ids := *r.IDs
		if ids == nil {
			ids = []int{}
		}
		return users.RemoteAnimeList{IDs: ids, LastModifiedAt: r.At}, nil
	}
	acct, err := c.Account(ctx, host, token)
	if err != nil {
		return users.RemoteAnimeList{}, err
	}
	ids := acct.AnimeListIDs
	if ids == nil {
		ids = []int{}
	}
	return users.RemoteAnimeList{IDs: ids, LastModifiedAt: acct.AnimeListLastModifiedAt}, nil
}

// animeRefusal maps a host's refusal of a refresh.
func animeRefusal(host string, status int, code string) error {
	switch {
	case status == http.StatusForbidden && code == "ONLINE_ACCOUNTS_DISABLED":
		return users.ErrRemoteDisabled
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return users.ErrOnlineToken
	}
	for _, r := range animeRefusals {
		if r.code == code && r.status == status {
			return fmt.Errorf("%w (said %s)", r.err, host)
		}
	}
	return errUnreachable(host, "myanime", fmt.Errorf("status %d", status))
}
