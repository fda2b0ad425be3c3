package users

import (
	"context"
)

// Kinds of audit event.
const (
	AuditSessionEnded = "session_ended"
	AuditLockout      = "lockout"
)

// audit records one security event: actor (may be ""), target account,
// kind, and detail as key/value pairs. It is written as one structured log
// line with the client's address.
func (s *Service) audit(ctx context.Context, actor, target, kind string, detail ...string) {
	args := []any{"kind", kind, "actor", actor, "target", target, "client_ip", ClientFrom(ctx).IP}
	for i := 0; i+1 < len(detail); i += 2 {
		args = append(args, detail[i], detail[i+1])
	}
	s.log.Info("audit", args...)
}
