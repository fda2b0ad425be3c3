package partials

import (
	"context"

	"github.com/kmusers/kmusers/internal/i18n"
	"strconv"
	"time"

	"github.com/a-h/templ"
)

// DefaultPerPage is the page size when the URL names none.
const DefaultPerPage = 50

// PerPageChoices are the page sizes offered.
var PerPageChoices = []int{25, 50, 100, 200}

// RowMore is what a row shows beyond the first columns.
type RowMore struct {
	Thumb             string // the avatar at the size shown
	Created, SeenAt   time.Time
	Temporary, Unused bool // a temporary guest; a built-in guest nobody used yet
	BuiltIn           bool // one of the shared guests made at first start
	Never             bool // never seen
}

// ListMore is what the list shows beyond its first parts.
type ListMore struct {
	Fragment bool // an htmx swap: the count goes out of band to the live region
}

// Filtered tells whether a filter narrows the view (what "Clear filters"
// clears: the search and filters, not the sort or the page size).
func (q ListQuery) Filtered() bool {
	return q.Q != "" || q.Type != "" || q.Online != "" || q.Kind != "" || q.Guests != ""
}

// ClearURL is the same view without search and filters.
func (l UserList) ClearURL() string {
	return ListQuery{Sort: l.Query.Sort, Dir: l.Query.Dir, PerPage: l.Query.PerPage, Page: 1}.URL()
}

// PerPageURL is the first page of the same view with n rows a page.
func (l UserList) PerPageURL(n int) string { q := l.Query; q.PerPage = n; q.Page = 1; return q.URL() }

// PageItems are the page numbers the pager links to: the first, the last
// and two around the current one; 0 marks a gap.
func (l UserList) PageItems() []int {
	last, cur := max(l.Pages, 1), max(l.Query.Page, 1)
	var out []int
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			out = append(out, n)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// Range says which rows the page shows: "51–100 of 1,234 users".
func (l UserList) Range(ctx context.Context) string {
	if l.Total == 0 {
		return i18n.T(ctx, "list.no_match")
	}
	per := int64(max(l.Query.PerPage, 1))
	from := int64(max(l.Query.Page, 1)-1)*per + 1
	to := min(from+int64(len(l.Rows))-1, l.Total)
	if from == 1 && to == l.Total {
		return i18n.N(ctx, "list.count_all", int(l.Total), map[string]any{"Total": Thousands(l.Total)})
	}
	return i18n.N(ctx, "list.count_range", int(l.Total), map[string]any{"From": Thousands(from), "To": Thousands(to), "Total": Thousands(l.Total)})
}

// Thousands writes n with thousands separators: 100,044.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// SortLabel says how the table is sorted, for its caption.
func (l UserList) SortLabel(ctx context.Context) string {
	dir := "list.ascending"
	if l.Query.Dir == "desc" {
		dir = "list.descending"
	}
	return i18n.T(ctx, "list.sorted_by", map[string]any{"Column": i18n.T(ctx, "list.col."+l.sortCol()), "Dir": i18n.T(ctx, dir)})
}

// ISO is a time as the datetime attribute wants it.
func ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Exact is a time in full, for the hover title.
func Exact(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// Day is a date as the table shows it.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// ExportURL is the CSV of the same view, every page.
func (l UserList) ExportURL() string {
	q := l.Query
	q.Page, q.PerPage = 1, 0
	if enc := q.Values().Encode(); enc != "" {
		return "/users.csv?" + enc
	}
	return "/users.csv"
}

// swapLink is a link that htmx follows by swapping the table, pushing the
// URL; focus names the control so that app.js can focus its twin after
// the swap.
func swapLink(url, focus string) templ.Attributes {
	return templ.Attributes{"href": templ.SafeURL(url), "hx-get": url, "hx-target": "#user-table", "hx-swap": "outerHTML",
		"hx-push-url": "true", "data-focus": focus}
}
