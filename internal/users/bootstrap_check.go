package users

import "context"

// loginCounter is a store that counts existing accounts among logins in one
// read (the SQL store does).
type loginCounter interface {
	CountLogins(ctx context.Context, logins []string) (int, error)
}

// builtinsExist tells whether admin and every guest exist already, in one
// read without the writer: then a start has nothing to create (issue 16:
// 45 reads in a write transaction were most of a start's database time).
func (s *Service) builtinsExist(ctx context.Context) bool {
	c, ok := s.store.(loginCounter)
	if !ok {
		return false
	}
	logins := make([]string, 0, len(guestNames)+1)
	logins = append(logins, AdminLogin)
	for _, g := range guestNames {
		logins = append(logins, guestLogin(g))
	}
	n, err := c.CountLogins(ctx, logins)
	return err == nil && n == len(logins)
}
