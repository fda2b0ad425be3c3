package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/kmusers/kmusers/internal/users"
	"github.com/kmusers/kmusers/views/pages"
)

// auditPage is the operators' view of the audit trail, filtered by user
// and kind, paged like the user list.
func (h *Handler) auditPage(c echo.Context) error {
	v := pages.AuditView{User: strings.TrimSpace(c.QueryParam("user")), Kinds: users.AuditKinds, Page: 1}
	if k := c.QueryParam("kind"); slices.Contains(users.AuditKinds, k) {
		v.Kind = k
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 1_000_000 {
		v.Page = p
	}
	list, n, err := h.users.Audit(c.Request().Context(), viewer(c),
		users.AuditQuery{User: v.User, Kind: v.Kind, Offset: (v.Page - 1) * pageSize, Limit: pageSize})
	if err != nil {
		return err
	}
	v.Total, v.Pages = n, int((n+pageSize-1)/pageSize)
	for _, e := range list {
		v.Rows = append(v.Rows, pages.AuditRow{At: e.At.UTC().Format("2006-01-02 15:04:05"), Kind: e.Kind, Actor: e.Actor,
			Target: e.Target, ClientIP: e.ClientIP, Detail: e.Detail})
	}
	return render(c, http.StatusOK, pages.Audit(h.page(c, "Audit trail"), v))
}
