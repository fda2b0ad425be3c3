package web

import (
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/avatars"
	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// listPerPage is the page size the URL asks for, when it is one offered.
func listPerPage(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("per_page"))
	if err != nil || !slices.Contains(partials.PerPageChoices, n) {
		return partials.DefaultPerPage
	}
	return n
}

// listGuests: "all" shows the shared guests nobody used yet, hidden by
// default since they are not people.
func listGuests(c echo.Context) string {
	if c.QueryParam("guests") == "all" {
		return "all"
	}
	return ""
}

// hideUnusedGuests: the plain list leaves out the built-in guests nobody
// used yet (they are not people) unless asked; a search or a type filter
// looks at everyone, as the contract's "operators see everyone" says.
func hideUnusedGuests(q partials.ListQuery) bool {
	return q.Guests != "all" && q.Q == "" && q.Type == ""
}

// rowMore is what a row shows beyond its first columns.
func rowMore(u *users.User) partials.RowMore {
	return partials.RowMore{Thumb: avatars.ThumbName(u.AvatarFile), Created: u.CreatedAt, SeenAt: u.LastLoginAt,
		Temporary: u.FlagTemporary, Unused: u.IsUnusedGuest(), BuiltIn: u.IsBuiltInGuest(), Never: !u.LastLoginAt.After(users.NeverSeen)}
}

// hasEmptyParam tells a query string with empty keys ("?q=&type="), which
// a plain form submission sends: the list answers with its clean address.
func hasEmptyParam(c echo.Context) bool {
	for _, vs := range c.QueryParams() {
		if len(vs) == 1 && vs[0] == "" {
			return true
		}
	}
	return false
}
