package api

// editMyAccount edits the caller's own profile. A new password ends every
// other token and session; the caller's token lives on and comes back in
// the reply, where KM expects a token.
func (h *Handler) editMyAccount(c *call) (any, error) {
	var a editArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, editDecodeError(e)
	}
	p, err := a.patch(c.user)
	if err != nil {
		return nil, mapErr(err, errEditInvalid, editRules...)
	}
	if c.user.IsOnline() {
		return h.editMyOnlineAccount(c, p)
	}
	if _, err := h.users.EditMe(c.ctx, c.user, p); err != nil {
		return nil, mapErr(err, errEditInvalid, editRules...)
	}
	// KM's profile modal reads message.data.onlineToken: data is always an
	// object.
	data := map[string]string{}
	if p.Password.Set {
		data["token"] = c.token // the caller's session lives on
	}
	return doneWith("USER_EDITED", data), nil
}
