package users

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Kinds of audit event.
const (
	AuditSessionEnded = "session_ended"
	AuditLockout      = "lockout"
	AuditRoleChanged  = "role_changed"
	AuditEdited       = "edited" // by an operator: detail names the fields
	AuditDeleted      = "deleted"
	AuditPasswordSet  = "password_reset"
	AuditCodeUsed     = "code_used"
	AuditCSRF         = "csrf_refused"
	AuditForbidden    = "forbidden"
)

// AuditKinds lists the kinds, for the audit page's filter.
var AuditKinds = []string{AuditCodeUsed, AuditCSRF, AuditDeleted, AuditEdited, AuditForbidden, AuditLockout,
	AuditPasswordSet, AuditRoleChanged, AuditSessionEnded}

// DefaultAuditRetention is how long audit rows are kept.
const DefaultAuditRetention = 90 * 24 * time.Hour

// AuditEvent is one row of the audit trail.
type AuditEvent struct {
	ID       int64     `gorm:"column:id;primaryKey"`
	At       time.Time `gorm:"column:at"`
	Kind     string    `gorm:"column:kind"`
	Actor    string    `gorm:"column:actor"`
	Target   string    `gorm:"column:target"`
	ClientIP string    `gorm:"column:client_ip"`
	Detail   string    `gorm:"column:detail"`
}

// TableName names the table for the store.
func (AuditEvent) TableName() string { return "audit_events" }

// AuditQuery selects a page of the trail, newest first.
type AuditQuery struct {
	User   string // actor or target
	Kind   string
	Offset int
	Limit  int
}

// AuditStore keeps the trail.
type AuditStore interface {
	InsertAudit(ctx context.Context, e *AuditEvent) error
	ListAudit(ctx context.Context, q AuditQuery) ([]AuditEvent, int64, error)
	DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error)
}

// audit records one security event: actor ("": the request's), target
// account, kind, and detail as key/value pairs. It is written as one
// structured log line and as a row of the trail.
func (s *Service) audit(ctx context.Context, actor, target, kind string, detail ...string) {
	cl := ClientFrom(ctx)
	if actor == "" {
		actor = cl.Actor
	}
	args := []any{"kind", kind, "actor", actor, "target", target, "client_ip", cl.IP}
	var parts []string
	for i := 0; i+1 < len(detail); i += 2 {
		args = append(args, detail[i], detail[i+1])
		parts = append(parts, detail[i]+"="+detail[i+1])
	}
	s.log.Info("audit", args...)
	e := &AuditEvent{At: s.now().UTC(), Kind: kind, Actor: actor, Target: target, ClientIP: cl.IP, Detail: strings.Join(parts, " ")}
	if err := s.store.InsertAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit row not written", "kind", kind, "err", err)
	}
}

// Refused records a refusal by a face: a CSRF failure or a request its
// caller's role does not allow.
func (s *Service) Refused(ctx context.Context, kind, what string) {
	s.audit(ctx, "", "", kind, "what", what)
}

// Audit lists the trail for an operator.
func (s *Service) Audit(ctx context.Context, viewer *User, q AuditQuery) ([]AuditEvent, int64, error) {
	if !isOperator(viewer) {
		return nil, 0, ErrUnauthorized
	}
	q.User = NormalizeLogin(q.User)
	list, n, err := s.store.ListAudit(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("users: audit: %w", err)
	}
	return list, n, nil
}

// SweepAudit forgets audit rows older than the retention.
func (s *Service) SweepAudit(ctx context.Context) error {
	n, err := s.store.DeleteAuditBefore(ctx, s.now().UTC().Add(-s.auditRetention))
	if err != nil {
		return fmt.Errorf("users: sweep audit: %w", err)
	}
	if n > 0 {
		s.log.Info("old audit rows removed", "count", n)
	}
	return nil
}

// auditChange records what a saved change did to an account: a role
// change, and for an operator's edit the fields it changed.
func (s *Service) auditChange(ctx context.Context, byOperator bool, before, after *User) {
	if after == nil {
		s.audit(ctx, "", before.Login, AuditDeleted)
		return
	}
	if before.Type != after.Type {
		s.audit(ctx, "", after.Login, AuditRoleChanged, "from", typeName(before.Type), "to", typeName(after.Type))
	}
	if byOperator {
		if fields := changedFields(before, after); len(fields) > 0 {
			s.audit(ctx, "", after.Login, AuditEdited, "fields", strings.Join(fields, ","), "was", before.Login)
		}
	}
}

func typeName(t int) string { return (&User{Type: t}).Role() }

// changedFields names the stored columns that differ, but the keys and
// times that follow from others.
func changedFields(a, b *User) []string {
	skip := map[string]bool{"nickname_key": true, "nickname_skeleton": true, "token_key": true, "session_key": true,
		"last_login_at": true, "created_at": true}
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var out []string
	for i := 0; i < va.NumField(); i++ {
		col := strings.TrimPrefix(strings.Split(va.Type().Field(i).Tag.Get("gorm"), ";")[0], "column:")
		if col == "" || skip[col] {
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, col)
		}
	}
	sort.Strings(out)
	return out
}
