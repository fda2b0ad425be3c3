package api

// getMyAccount shows the caller's own full profile, e-mail included.
func (h *Handler) getMyAccount(c *call) (any, error) {
	return h.profileFor(c.user, c.user), nil
}
