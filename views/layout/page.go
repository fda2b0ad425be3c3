// Package layout is the frame of every panel page.
package layout

import (
	"encoding/json"

	"github.com/a-h/templ"

	"github.com/kmusers/kmusers/internal/users"
)

// Page is what the frame needs to know about the request.
type Page struct {
	Title string
	CSRF  string
	User  *users.User // nil: anonymous
	Flash string
	Path  string
	Live  bool // the page refreshes itself from /events (server-sent events)
	// Closed: the frontend is closed (operators see a banner).
	Closed bool
	// SignupOpen: a visitor may create an account (links to /signup).
	SignupOpen bool
}

// LiveAttrs connects an element to the panel's event stream when live:
// htmx's SSE extension then fires "sse:NAME" triggers inside it.
func LiveAttrs(live bool, url string) templ.Attributes {
	if !live {
		return templ.Attributes{}
	}
	return templ.Attributes{"hx-ext": "sse", "sse-connect": url}
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
