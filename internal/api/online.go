package api

import (
	"net/http"
	"strings"

	"github.com/kmusers/kmusers/internal/users"
)

// The commands below need the account's online server. This build has no
// online client yet, so they answer as for a server that does not respond,
// after every local check: never a fake success.

type convertToOnlineArgs struct {
	Instance string `json:"instance"`
	Password string `json:"password"`
}

func (h *Handler) convertToOnline(c *call) (any, error) {
	var a convertToOnlineArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	u := c.user
	switch {
	case u.Login == users.AdminLogin:
		return nil, apiErr(http.StatusInternalServerError, "ADMIN_CONVERT_ERROR")
	case u.IsOnline():
		return nil, apiErr(http.StatusConflict, "USER_ALREADY_EXISTS_ONLINE")
	}
	if err := h.users.VerifyPassword(c.ctx, u, a.Password); err != nil {
		return nil, mapErr(err, nil, rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrWrongPassword, errInvalidData.with(map[string]string{"password": "is wrong"})})
	}
	host := strings.ToLower(strings.TrimSpace(a.Instance))
	if st := h.users.Settings(); !st.OnlineAccountsEnabled || !st.HostAllowed(host) {
		return nil, errInvalidData.with(map[string]string{"instance": "is not an allowed online server"})
	}
	return nil, errNotResponding
}

type convertToLocalArgs struct {
	Password string `json:"password"`
}

func (h *Handler) convertToLocal(c *call) (any, error) {
	var a convertToLocalArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	if !c.user.IsOnline() {
		return nil, errInvalidData.with(map[string]string{"login": "is not an online account"})
	}
	if err := h.users.VerifyPassword(c.ctx, c.user, a.Password); err != nil {
		return nil, mapErr(err, nil, rule{users.ErrTooManyAttempts, errTooMany},
			rule{users.ErrWrongPassword, errInvalidData.with(map[string]string{"password": "is wrong"})})
	}
	return nil, apiErr(http.StatusInternalServerError, "USER_DELETE_ERROR_ONLINE").with("online server not responding")
}

func (h *Handler) refreshAnimeList(c *call) (any, error) {
	if !c.user.IsOnline() {
		return nil, errInvalidData.with(map[string]string{"login": "anime lists need an online account"})
	}
	return nil, apiErr(http.StatusInternalServerError, "REFRESH_ANIME_LIST_ERROR").with("online server not responding")
}
