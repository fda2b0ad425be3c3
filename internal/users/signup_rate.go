package users

import (
	"context"
	"net/netip"
)

// takeSignup spends one of the client address's account creations. Operators
// are not limited, and neither is the server's own machine: a KM app or a
// tool beside the server signs up as many accounts as it needs (the contract
// answers createUser with its own codes, never 429), and a reverse proxy on
// the same host without --trusted-proxies would otherwise share one small
// budget between every guest of the party.
func (s *Service) takeSignup(ctx context.Context, actor *User) bool {
	if isOperator(actor) {
		return true
	}
	ip := ClientFrom(ctx).IP
	if a, err := netip.ParseAddr(ip); err == nil && a.Unmap().IsLoopback() {
		return true
	}
	return s.signups.Take(ip)
}
