package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/kmusers/kmusers/internal/users"
)

// prepared is a statement of the hot path prepared once on the readers'
// database/sql pool: GORM's building of the statement text and its
// reflection were most of the cost of a one-row read (issue 16).
type prepared struct {
	once sync.Once
	stmt *sql.Stmt
	err  error
}

func (p *prepared) get(s *Store, query string) (*sql.Stmt, error) {
	p.once.Do(func() {
		sqlDB, err := s.r.DB()
		if err != nil {
			p.err = err
			return
		}
		p.stmt, p.err = sqlDB.Prepare(s.rebind(query))
	})
	return p.stmt, p.err
}

func (p *prepared) close() {
	if p.stmt != nil {
		p.stmt.Close()
	}
}

var userByLoginSQL = "SELECT " + userColumns + " FROM users WHERE login = ?"

// readUserByLogin reads one account on the prepared statement.
func (s *Store) readUserByLogin(ctx context.Context, login string) (*users.User, error) {
	st, err := s.userByLogin.get(s, userByLoginSQL)
	if err != nil {
		return nil, err
	}
	var u users.User
	err = st.QueryRowContext(ctx, login).Scan(userTargets(&u)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, users.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}
