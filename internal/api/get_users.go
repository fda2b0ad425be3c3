package api

import "github.com/kmusers/kmusers/internal/users"

type getUsersArgs struct {
	Filter string `json:"filter"`
	Type   *int   `json:"type"`
	From   int    `json:"from"`
	Size   int    `json:"size"`
}

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
	list, err := h.users.List(c.ctx, c.user, users.ListQuery{
		Filter: a.Filter, Type: a.Type, Sort: users.SortLogin, Offset: a.From, Limit: a.Size,
	})
	if err != nil {
		return nil, err
	}
	out := make([]summary, len(list))
	for i := range list {
		out[i] = h.summaryOf(&list[i])
	}
	return out, nil
}
