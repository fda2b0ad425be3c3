package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/partials"
)

// userExport streams the current view of the list as CSV (GET
// /users.csv, same query as /users, every page): rows are written as they
// are read, so 100,000 users hold no more memory than a page.
func (h *Handler) userExport(c echo.Context) error {
	v := viewer(c)
	q := listQuery(c)
	dq := h.domainQuery(v, q)
	dq.Offset, dq.Limit = 0, 0
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="users.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	cw := csv.NewWriter(bw)
	_ = cw.Write([]string{"login", "nickname", "type", "public", "temporary", "account", "created_at", "last_seen_at", "online_now"})
	row := make([]string, 9)
	err := h.users.Each(c.Request().Context(), v, dq, func(u *users.User) error {
		kind := "local"
		if u.IsOnline() {
			kind = "online"
		}
		seen := ""
		if u.LastLoginAt.After(users.NeverSeen) {
			seen = u.LastLoginAt.UTC().Format(time.RFC3339)
		}
		row = append(row[:0], csvCell(u.Login), csvCell(u.Nickname), partials.TypeName(context.Background(), u.Type), strconv.FormatBool(u.FlagPublic),
			strconv.FormatBool(u.FlagTemporary), kind, u.CreatedAt.UTC().Format(time.RFC3339), seen,
			strconv.FormatBool(h.users.IsActive(u)))
		return cw.Write(row)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		// The status is sent: a cut file is all the client can be told.
		h.log.Warn("user export cut short", "err", err)
	}
	return nil
}

// csvCell defuses a cell a spreadsheet would read as a formula (CSV
// injection): a leading = + - @, tab or carriage return gets a ' before it.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
