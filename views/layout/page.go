// Package layout is the frame of every panel page.
package layout

import (
	"encoding/json"

	"github.com/kmusers/kmusers/internal/users"
)

// Page is what the frame needs to know about the request.
type Page struct {
	Title string
	CSRF  string
	User  *users.User // nil: anonymous
	Flash string
	Path  string
}

// IsOperator tells whether the viewer is an operator.
func (p Page) IsOperator() bool { return p.User != nil && p.User.Type == users.TypeOperator }

// IsMember tells whether the viewer is a user or an operator.
func (p Page) IsMember() bool { return p.User != nil && p.User.Type != users.TypeGuest }

// csrfHeaders is the hx-headers value: htmx sends the token on every request.
func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}
