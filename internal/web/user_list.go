package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
	"github.com/kmusers/kmusers/views/partials"
)

const pageSize = 50

// listQuery reads the view from the URL; values outside the whitelist are
// dropped, so any link lands on a valid view.
func listQuery(c echo.Context) partials.ListQuery {
	q := partials.ListQuery{Q: c.QueryParam("q"), Page: 1, PerPage: listPerPage(c), Guests: listGuests(c)}
	if t := c.QueryParam("type"); t == "0" || t == "1" || t == "2" {
		q.Type = t
	}
	if c.QueryParam("online") == "1" {
		q.Online = "1"
	}
	if k := c.QueryParam("kind"); k == "local" || k == "online" {
		q.Kind = k
	}
	switch s := c.QueryParam("sort"); s {
	case users.SortLogin, users.SortNickname, users.SortLastSeen, users.SortType, users.SortCreated:
		q.Sort = s
	}
	if d := c.QueryParam("dir"); d == "asc" || d == "desc" {
		q.Dir = d
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 1_000_000 {
		q.Page = p
	}
	return q
}

func (h *Handler) domainQuery(v *users.User, q partials.ListQuery) users.ListQuery {
	dq := users.ListQuery{Filter: q.Q, Kind: q.Kind, Sort: q.Sort, Desc: q.Dir == "desc",
		Offset: (q.Page - 1) * q.PerPage, Limit: q.PerPage, HideUnusedGuests: hideUnusedGuests(q)}
	if q.Type != "" { // a filter of everyone's: getUsers filters by type for any caller too
		t, _ := strconv.Atoi(q.Type)
		dq.Type = &t
	}
	if q.Online == "1" {
		since := h.users.OnlineSince()
		dq.ActiveSince = &since
	}
	return dq
}

// userList shows the table; htmx requests get the table and pager alone.
func (h *Handler) userList(c echo.Context) error {
	v := viewer(c)
	q := listQuery(c)
	if !isHX(c) && hasEmptyParam(c) { // the filter form without JavaScript
		return c.Redirect(http.StatusSeeOther, q.URL())
	}
	dq := h.domainQuery(v, q)
	ctx := c.Request().Context()
	total, err := h.users.Count(ctx, v, dq)
	if err != nil {
		return err
	}
	nPages := int((total + int64(q.PerPage) - 1) / int64(q.PerPage))
	if q.Page > max(nPages, 1) { // past the end: the last page
		q.Page = max(nPages, 1)
		dq = h.domainQuery(v, q)
		if isHX(c) {
			c.Response().Header().Set("HX-Push-Url", q.URL())
		}
	}
	list, err := h.users.List(ctx, v, dq)
	if err != nil {
		return err
	}
	now := h.users.Now()
	l := partials.UserList{Query: q, Total: total, Pages: nPages,
		Operator: v.Type == users.TypeOperator, Live: h.bus != nil}
	for i := range list {
		u := &list[i]
		l.Rows = append(l.Rows, partials.UserRow{Login: u.Login, Nickname: u.Nickname, Avatar: u.AvatarFile,
			Type: u.Type, Online: h.users.IsActive(u), Public: u.FlagPublic, LastSeen: partials.Ago(c.Request().Context(), u.LastLoginAt, now),
			RowMore: rowMore(u)})
	}
	if isHX(c) && c.Request().Header.Get("HX-History-Restore-Request") != "true" {
		l.Fragment = true
		return render(c, http.StatusOK, partials.UserTableSwap(l))
	}
	return render(c, http.StatusOK, pages.UserList(h.livePage(c, "Users"), l))
}
