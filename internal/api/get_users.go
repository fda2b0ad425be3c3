package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

type getUsersArgs struct {
	Filter string `json:"filter"`
	Type   *int   `json:"type"`
	From   int    `json:"from"`
	Size   int    `json:"size"`
}

// summaryJSONSize is about the length of one summary in JSON.
const summaryJSONSize = 240

// getUsers lists users; without size, all of them, sorted by login.
func (h *Handler) getUsers(c *call) (any, error) {
	var a getUsersArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	switch {
	case a.Type != nil && (*a.Type < users.TypeOperator || *a.Type > users.TypeGuest):
		return nil, errInvalidData.with(map[string]string{"type": "must be 0, 1 or 2"})
	case a.From < 0:
		return nil, errInvalidData.with(map[string]string{"from": "must be 0 or more"})
	case a.Size < 0:
		return nil, errInvalidData.with(map[string]string{"size": "must be 0 or more"})
	}
	if a.Size == 0 {
		release, e := h.wholeListSlot(c)
		if e != nil {
			return nil, e
		}
		defer release()
	}
	// Encode row by row into one buffer: the 100,000-user list costs its
	// JSON text, not a slice of structs besides; an error is still a clean 500.
	q := users.ListQuery{Filter: a.Filter, Type: a.Type, Sort: users.SortLogin, Offset: a.From, Limit: a.Size}
	var buf bytes.Buffer
	if a.Size == 0 || a.Size > 1000 {
		// Size the buffer once: growing it by doubling would leave as much
		// garbage as the list itself.
		total, err := h.users.Count(c.ctx, c.user, q)
		if err != nil {
			return nil, err
		}
		rows := total - int64(a.From)
		if a.Size > 0 {
			rows = min(rows, int64(a.Size))
		}
		if rows > 0 {
			buf.Grow(int(rows) * summaryJSONSize)
		}
	}
	buf.WriteByte('[')
	enc := json.NewEncoder(&buf)
	n := 0
	err := h.users.Each(c.ctx, c.user, q, func(u *users.User) error {
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		return enc.Encode(h.summaryOf(u))
	})
	if err != nil {
		return nil, err
	}
	buf.WriteByte(']')
	if a.Size == 0 {
		return h.withETag(c, buf.Bytes()), nil
	}
	return json.RawMessage(buf.Bytes()), nil
}

// The whole list (getUsers without size) is 24 MB at 100,000 users and any
// guest may ask for it: at most wholeListBuilds are built at once, others
// wait a little, then get 503 with Retry-After.
const (
	wholeListBuilds = 2
	wholeListWait   = 2 * time.Second
)

var errListBusy = apiErr(http.StatusServiceUnavailable, "USER_LIST_ERROR").with("busy: retry later")

func (h *Handler) wholeListSlot(c *call) (func(), *Error) {
	t := time.NewTimer(wholeListWait)
	defer t.Stop()
	select {
	case h.whole <- struct{}{}:
		return func() { <-h.whole }, nil
	case <-t.C:
	case <-c.ctx.Done():
	}
	if c.echo != nil {
		c.echo.Response().Header().Set("Retry-After", "5")
	}
	return nil, errListBusy
}

// notModified answers 304 to a client whose copy of the list is current.
type notModified struct{}

// withETag tags the whole list by its content, so that a client that polls
// with If-None-Match gets 304 and no body.
func (h *Handler) withETag(c *call, body []byte) any {
	if c.echo == nil {
		return json.RawMessage(body) // socket.io: no ETag on a socket
	}
	sum := sha256.Sum256(body)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.echo.Response().Header().Set("ETag", tag)
	for _, t := range strings.Split(c.echo.Request().Header.Get("If-None-Match"), ",") {
		if t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/")); t == tag {
			return notModified{}
		}
	}
	return json.RawMessage(body)
}
