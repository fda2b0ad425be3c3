package users

// sessionForgetter is a store that remembers what the gate read (the SQL
// store does, see store.SessionUser) and can be told to forget it.
type sessionForgetter interface{ ForgetSessions(login string) }

// ForgetSessions makes the next request of login's sessions read its session
// rows and account from the database. Writes through this process's store
// need no call (the store sees them); call it when another process sharing
// the database changed login's account or sessions (PostgreSQL LISTEN/NOTIFY).
func (s *Service) ForgetSessions(login string) {
	if f, ok := s.store.(sessionForgetter); ok {
		f.ForgetSessions(NormalizeLogin(login))
	}
}
