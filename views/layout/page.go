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
	// Stream is the event stream <body> listens to ("/events", with
	// ?user=LOGIN on a profile), "" for none: one connection a page, which
	// the page's parts and the header's count share.
	Stream string
	// Closed: the frontend is closed (operators see a banner).
	Closed bool
	// SignupOpen: a visitor may create an account (links to /signup).
	SignupOpen bool

	Online Online // operators: the header's "N online"
}

// Online is the header's count of users online now, for operators.
type Online struct {
	Label string // "2 online"; "" for others
	// Next is how many seconds until the first of them leaves the online
	// window, when the count drops by itself; 0 when nobody is online.
	Next int
	// Live: the count re-reads itself when a user changes (/events);
	// otherwise it is polled.
	Live bool
}

// trigger is when the header re-reads the count: when live, on every
// change of a user and when the stream (re)opens, since changes made while
// it was closed (between the page and its stream, or while offline) were
// not announced; else now and then.
func (o Online) trigger() string {
	if o.Live {
		return "sse:users, htmx:sseOpen from:body"
	}
	return "every 30s"
}

// LiveAttrs connects an element to the panel's event stream when live:
// htmx's SSE extension then fires "sse:NAME" triggers inside it. Base
// connects <body> to Page.Stream.
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
