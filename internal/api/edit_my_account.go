package api

// editMyAccount edits the caller's own profile. A new password ends every
// older token, so the reply carries a fresh one.
func (h *Handler) editMyAccount(c *call) (any, error) {
	var a editArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	p, err := a.patch(c.user)
	if err != nil {
		return nil, mapErr(err, errEditInvalid, editRules...)
	}
	if c.user.IsOnline() {
		return h.editMyOnlineAccount(c, p)
	}
	u, err := h.users.EditMe(c.ctx, c.user, p)
	if err != nil {
		return nil, mapErr(err, errEditInvalid, editRules...)
	}
	// KM's profile modal reads message.data.onlineToken: data is always an
	// object.
	data := map[string]string{}
	if p.Password.Set {
		tok, err := h.users.Token(u)
		if err != nil {
			return nil, err
		}
		data["token"] = tok
	}
	return doneWith("USER_EDITED", data), nil
}
