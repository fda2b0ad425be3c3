package partials

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/kmusers/kmusers/internal/i18n"
)

// UserRow is one line of the user table.
type UserRow struct {
	Login, Nickname, Avatar, LastSeen string
	Type                              int
	Online, Public                    bool
	RowMore
}

// ListQuery is the view the URL asks for; the same names as the query string.
type ListQuery struct {
	Q, Type, Online, Kind, Sort, Dir string
	Page                             int
	PerPage                          int    // 25, 50 (the default), 100 or 200
	Guests                           string // "all": unused guests too
}

// Values is the query string of q, without empty values.
func (q ListQuery) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "type": q.Type, "online": q.Online, "kind": q.Kind, "sort": q.Sort, "dir": q.Dir, "guests": q.Guests} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PerPage != 0 && q.PerPage != DefaultPerPage {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	return v
}

// URL is the list's address for q.
func (q ListQuery) URL() string {
	if enc := q.Values().Encode(); enc != "" {
		return "/users?" + enc
	}
	return "/users"
}

// UserList is a page of the user table.
type UserList struct {
	Query    ListQuery
	Rows     []UserRow
	Total    int64
	Pages    int
	Operator bool
	Live     bool // the table refreshes itself on "sse:users"
	ListMore
}

// LiveAttrs make the table re-read its own view (same search, sort and
// page) when users change; nothing when the page is not live.
func (l UserList) LiveAttrs() templ.Attributes {
	if !l.Live {
		return templ.Attributes{}
	}
	return templ.Attributes{"hx-get": l.PageURL(l.Query.Page), "hx-trigger": "sse:users", "hx-target": "this", "hx-swap": "outerHTML"}
}

// PageURL is the address of page n of the same view.
func (l UserList) PageURL(n int) string { q := l.Query; q.Page = n; return q.URL() }

// SortURL sorts by col, flipping the direction when already sorted by it.
func (l UserList) SortURL(col string) string {
	q := l.Query
	q.Page = 1
	q.Dir = "asc"
	if l.sortCol() == col && l.Query.Dir != "desc" {
		q.Dir = "desc"
	}
	q.Sort = col
	return q.URL()
}

func (l UserList) sortCol() string {
	if l.Query.Sort == "" {
		return "login"
	}
	return l.Query.Sort
}

// AriaSort is the aria-sort value of a column header.
func (l UserList) AriaSort(col string) string {
	if l.sortCol() != col {
		return "none"
	}
	if l.Query.Dir == "desc" {
		return "descending"
	}
	return "ascending"
}

// TypeName is the word for a type.
func TypeName(ctx context.Context, t int) string {
	switch t {
	case 0:
		return i18n.T(ctx, "option.type.operator")
	case 2:
		return i18n.T(ctx, "option.type.guest")
	}
	return i18n.T(ctx, "option.type.user")
}

// Ago says how long ago t was, in words of the language of ctx; "never"
// for the epoch (KM's "never logged in").
func Ago(ctx context.Context, t, now time.Time) string {
	if t.Unix() <= 0 {
		return i18n.T(ctx, "ago.never")
	}
	return i18n.From(ctx).Ago(t, now)
}

func itoa(n int) string { return strconv.Itoa(n) }
