package api

import (
	"bytes"
	"encoding/json"

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
	return json.RawMessage(buf.Bytes()), nil
}
