package pages

import (
	"net/url"

	"github.com/a-h/templ"
)

// liveAttrs make a profile re-read itself when its user changes ("sse:user"
// from /events?user=LOGIN); nothing when the page is not live.
func (v ProfileView) liveAttrs(live bool) templ.Attributes {
	if !live {
		return templ.Attributes{}
	}
	return templ.Attributes{"hx-get": "/users/" + url.PathEscape(v.User.Login), "hx-trigger": "sse:user",
		"hx-select": "article.profile", "hx-target": "this", "hx-swap": "outerHTML"}
}
