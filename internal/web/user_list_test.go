package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kmusers/kmusers/internal/users"
)

// rowLogins are the logins of the listed rows, in order.
func rowLogins(p page) []string {
	var out []string
	p.doc.Find("[data-testid=user-row]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-login", ""))
	})
	return out
}

func (s *site) create(t *testing.T, login, nick, role string) {
	t.Helper()
	if err := s.svc.Create(context.Background(), users.System(), users.NewAccount{Login: login, Nickname: nick, Role: role, Password: pwIf(role)}); err != nil {
		t.Fatal(err)
	}
}

func pwIf(role string) string {
	if role == "guest" {
		return ""
	}
	return pw
}

func TestUserListSearchAnywhere(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	s.create(t, "elo", "Élodie", "guest")
	s.create(t, "zed", "Zed", "guest")
	for q, want := range map[string][]string{
		"elodie":             {"elo"},
		"LOD":                {"elo"},
		"kappa":              {"karaoke_kappa"}, // a search looks at everyone, unused guests too
		"kappa&guests=all":   {"karaoke_kappa"},
		"oke kap&guests=all": {"karaoke_kappa"},
	} {
		p := op.get("/users?q="+strings.ReplaceAll(q, " ", "+"), false)
		if got := rowLogins(p); !slices.Equal(got, want) {
			t.Errorf("q=%s: %v, want %v", q, got, want)
		}
	}
	// The plain list leaves out the built-in guests nobody used, unless asked.
	if got := rowLogins(op.get("/users?per_page=200", false)); slices.Contains(got, "karaoke_kappa") {
		t.Errorf("plain list shows an unused built-in guest: %v", got)
	}
	if got := rowLogins(op.get("/users?per_page=200&guests=all", false)); !slices.Contains(got, "karaoke_kappa") {
		t.Errorf("guests=all: %v", got)
	}
	// A guest finds the same way, among public users.
	if got := rowLogins(s.guest().get("/users?q=%C3%A9lo", false)); !slices.Equal(got, []string{"elo"}) {
		t.Errorf("guest search: %v", got)
	}
}

func TestUserListPagingSizesAndClamp(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	s.seedUsers(t, 60) // 60 guests + olga + admin
	for path, want := range map[string]struct {
		rows int
		pos  string
	}{
		"/users?per_page=25":            {25, "Page 1 of 3"},
		"/users?per_page=25&page=3":     {12, "Page 3 of 3"},
		"/users?per_page=25&page=99999": {12, "Page 3 of 3"}, // past the end: the last page
		"/users?per_page=7":             {50, "Page 1 of 2"}, // not offered: the default
		"/users?per_page=100":           {62, "Page 1 of 1"},
	} {
		p := op.get(path, false)
		if n := len(rowLogins(p)); n != want.rows {
			t.Errorf("%s: %d rows, want %d", path, n, want.rows)
		}
		pagers := p.doc.Find("[data-testid=pagination]")
		if pagers.Length() != 2 || !strings.Contains(pagers.First().Text(), want.pos) || !strings.Contains(pagers.Last().Text(), want.pos) {
			t.Errorf("%s: pagers %d, %q", path, pagers.Length(), pagers.First().Text())
		}
	}
	// Numbered pages keep the size and mark the current one.
	p := op.get("/users?per_page=25&page=2", false)
	cur := p.doc.Find("[data-testid=pagination] a[aria-current=page]").First()
	if cur.Text() != "2" {
		t.Fatalf("current page link %q", cur.Text())
	}
	if href := p.doc.Find(`[data-testid=pagination] a[aria-label="Page 3"]`).AttrOr("href", ""); !strings.Contains(href, "per_page=25") || !strings.Contains(href, "page=3") {
		t.Fatalf("page 3 link %q", href)
	}
	// htmx is told the clamped address, so the bar shows the page shown.
	frag := op.get("/users?per_page=25&page=50", true)
	if u := frag.header.Get("HX-Push-Url"); u != "/users?page=3&per_page=25" {
		t.Fatalf("HX-Push-Url %q", u)
	}
	// The count goes out of band into the live region that stays in place.
	oob := frag.doc.Find("#user-count[hx-swap-oob=innerHTML]")
	if oob.Length() != 1 || !strings.Contains(oob.Text(), "51–62 of 62 users") {
		t.Fatalf("count in the swap: %q", oob.Text())
	}
	full := op.get("/users?per_page=25", false)
	if c := full.doc.Find("#user-count[role=status]"); c.Length() != 1 || c.Text() != "1–25 of 62 users" {
		t.Fatalf("live region: %q", c.Text())
	}
}

func TestUserListColumnsAndMarkers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	s.create(t, "hidden", "Hidden", "user")
	if _, err := s.svc.Edit(context.Background(), "hidden", users.Patch{FlagPublic: users.Some(false)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.svc.LoginGuest(context.Background(), "Tempo Guest"); err == nil {
		t.Fatal("temporary guests are off by default")
	}
	st := s.svc.Settings()
	st.AllowTemporaryGuests = true
	if err := s.svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.svc.LoginGuest(context.Background(), "Tempo Guest"); err != nil {
		t.Fatal(err)
	}
	p := op.get("/users?guests=all&per_page=200", false)
	row := func(login string) *goquery.Selection {
		return p.doc.Find(`[data-testid=user-row][data-login="` + login + `"]`)
	}
	if row("hidden").Find("[data-testid=private]").Length() != 1 || row("olga").Find("[data-testid=private]").Length() != 0 {
		t.Fatal("private marker")
	}
	if row("tempo_guest").Find("[data-testid=temporary]").Length() != 1 {
		t.Fatal("temporary guest not marked")
	}
	kappa := row("karaoke_kappa")
	if kappa.Find("[data-testid=built-in]").Length() != 1 || kappa.Find("[data-testid=unused]").Length() != 1 {
		t.Fatal("unused built-in guest not marked")
	}
	created := row("hidden").Find("time").First()
	if dt, _ := created.Attr("datetime"); !strings.HasPrefix(dt, "20") || !strings.Contains(created.AttrOr("title", ""), "UTC") {
		t.Fatalf("created: %q %q", dt, created.AttrOr("title", ""))
	}
	seen := row("tempo_guest").Find("td").Last().Find("time")
	if seen.Length() != 0 { // online now
		t.Fatal("an online user shows a time")
	}
	if txt := row("hidden").Find("td").Last().Text(); !strings.Contains(txt, "never") {
		t.Fatalf("never seen: %q", txt)
	}
	// The default view hides unused built-in guests, not the rest.
	def := rowLogins(op.get("/users?per_page=200", false))
	if slices.Contains(def, "karaoke_kappa") || !slices.Contains(def, "tempo_guest") || !slices.Contains(def, "hidden") {
		t.Fatalf("default view: %v", def)
	}
	// Sorted by creation, oldest first; the admin came first.
	if got := rowLogins(op.get("/users?sort=created&guests=all&per_page=25", false)); len(got) == 0 || got[0] != "admin" {
		t.Fatalf("created sort: %v", got)
	}
	// Non-operators see no select boxes, types or created dates.
	g := s.guest().get("/users", false)
	if g.doc.Find("input.row-select").Length() != 0 || g.doc.Find("th[aria-sort]").Length() != 3 {
		t.Fatal("a guest sees operator columns")
	}
}

func TestUserListEmptyOffersClearFilters(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	p := op.get("/users?q=nobody-at-all&sort=nickname&per_page=25", false)
	clear := p.doc.Find("[data-testid=clear-filters]")
	if p.doc.Find("[data-testid=list-empty]").Length() != 1 || clear.Length() != 1 {
		t.Fatal("no empty state with Clear filters")
	}
	if href := clear.AttrOr("href", ""); href != "/users?per_page=25&sort=nickname" {
		t.Fatalf("Clear filters goes to %q: it should keep the sort and size", href)
	}
	if op.get("/users?q=olga", false).doc.Find("[data-testid=clear-filters]").Length() != 0 {
		t.Fatal("Clear filters shown with results")
	}
}

func TestHeaderOnlineCount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	bob := s.member("bob")
	s.clock.Add(10 * time.Minute) // olga's pages keep her online, bob is idle
	p := op.get("/users", false)
	count := p.doc.Find("[data-testid=online-now]")
	if txt := strings.TrimSpace(count.Text()); txt != "2 online" {
		t.Fatalf("header: %q", txt)
	}
	// Live: the count re-reads itself on every change of a user, through
	// the page's one event stream, and when bob (15 minutes window, idle
	// for 10) leaves: in 5 minutes and a second.
	if count.AttrOr("hx-trigger", "") != "sse:users, htmx:sseOpen from:body" || p.doc.Find("body").AttrOr("sse-connect", "") != "/events" {
		t.Fatalf("count not live: %q, body stream %q", count.AttrOr("hx-trigger", ""), p.doc.Find("body").AttrOr("sse-connect", ""))
	}
	if p.doc.Find("[sse-connect]").Length() != 1 {
		t.Fatal("more than one event stream on the page")
	}
	if got := count.Find("span[hx-get]").AttrOr("hx-trigger", ""); got != "load delay:301s" {
		t.Fatalf("departure timer %q, want 301s", got)
	}
	c := op.get("/online-count", true)
	if c.status != 200 || strings.TrimSpace(c.doc.Text()) != "2 online" || c.doc.Find("span[hx-trigger]").Length() != 1 {
		t.Fatalf("/online-count: %d %q", c.status, c.body)
	}
	// Every other operator page listens too; a profile keeps its own stream.
	if op.get("/settings", false).doc.Find("body").AttrOr("sse-connect", "") != "/events" {
		t.Fatal("settings page without the stream")
	}
	if got := op.get("/users/bob", false).doc.Find("[sse-connect]"); got.Length() != 1 || got.AttrOr("sse-connect", "") != "/events?user=bob" {
		t.Fatalf("profile stream %v", got.Nodes)
	}
	s.clock.Add(5*time.Minute + time.Second)
	if txt := strings.TrimSpace(op.get("/online-count", true).doc.Text()); txt != "1 online" {
		t.Fatalf("after bob's window: %q", txt)
	}
	if _, err := s.svc.Edit(context.Background(), "olga", users.Patch{Language: users.Some("fr")}); err != nil {
		t.Fatal(err)
	}
	if txt := strings.TrimSpace(op.get("/online-count", true).doc.Text()); txt != "1 en ligne" {
		t.Fatalf("French count: %q", txt)
	}
	s.member("carl")
	if txt := strings.TrimSpace(op.get("/users", false).doc.Find("[data-testid=online-now]").Text()); txt != "2 en ligne" {
		t.Fatalf("French count: %q", txt)
	}
	if bob.get("/users", false).doc.Find("[data-testid=online-now]").Length() != 0 {
		t.Fatal("a user sees the online count")
	}
	if c := bob.get("/online-count", true); c.status != http.StatusForbidden {
		t.Fatalf("/online-count for a user: %d", c.status)
	}
}

func TestUserListThumbnails(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	p := op.get("/users?q=olga", false)
	src := p.doc.Find("[data-login=olga] img").AttrOr("src", "")
	if src != "/avatars/blank.64.png" {
		t.Fatalf("list avatar %q", src)
	}
	if a := op.get(src, false); a.status != 200 || a.header.Get("Content-Type") != "image/png" {
		t.Fatalf("thumbnail: %d %s", a.status, a.header.Get("Content-Type"))
	}
}

func TestUserExportCSV(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	s.create(t, "evil", "=HYPERLINK(\"x\")", "guest")
	s.create(t, "plus", "+1 singer", "guest")
	s.create(t, "elo", "Élodie", "guest")
	p := op.get("/users.csv?q=e&sort=nickname", false)
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", p.status, p.header)
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "login,nickname,type,public,temporary,account,created_at,last_seen_at,online_now" {
		t.Fatalf("header %v", rows[0])
	}
	// The same filter as the list: logins or nicknames starting with "e",
	// in the list's order (symbols before letters); a search looks at the
	// built-in guests too.
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[0]+"="+r[1])
	}
	if want := []string{"evil='=HYPERLINK(\"x\")", "echo_echidna=Echo Echidna", "elo=Élodie", "encore_eel=Encore Eel",
		"ending_credits_emu=Ending Credits Emu"}; !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	all, _ := csv.NewReader(strings.NewReader(op.get("/users.csv?guests=all", false).body)).ReadAll()
	if len(all) != 1+2+44+3 { // header, admin and olga, built-in guests, ours
		t.Fatalf("%d rows in the whole export", len(all))
	}
	for _, r := range all {
		if r[0] == "plus" && r[1] != "'+1 singer" {
			t.Fatalf("formula not defused: %q", r[1])
		}
	}
	if s.member("bob").get("/users.csv", false).status != http.StatusForbidden {
		t.Fatal("a user exported the list")
	}
}

func TestBulkActions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	for _, l := range []string{"ann", "ben", "cat"} {
		s.create(t, l, strings.ToUpper(l), "user")
	}
	s.create(t, "gus", "Gus", "guest")

	// Review: one page that lists what will happen, changing nothing.
	p := op.post("/users/bulk", url.Values{"action": {"private"}, "login": {"ann", "ben", "ben", "ghost"}})
	plan := p.doc.Find("[data-testid=bulk-plan] li")
	if p.status != 200 || plan.Length() != 3 || !strings.Contains(plan.Eq(2).Text(), "no such user") {
		t.Fatalf("review: %d %d %s", p.status, plan.Length(), plan.Text())
	}
	if u, _ := s.svc.UserByLogin(context.Background(), "ann"); !u.FlagPublic {
		t.Fatal("the review changed something")
	}
	// Without the CSRF token, nothing.
	if p := op.post("/users/bulk/apply", url.Values{"_csrf": {"forged"}, "action": {"private"}, "login": {"ann"}}); p.status != http.StatusForbidden {
		t.Fatalf("forged apply: %d", p.status)
	}
	// Confirmed: done through the domain, refusals named one by one.
	form := url.Values{"action": {"private"}}
	p.doc.Find("[data-testid=bulk-confirm-form] input[name=login]").Each(func(_ int, s *goquery.Selection) {
		form.Add("login", s.AttrOr("value", ""))
	})
	if p := op.post("/users/bulk/apply", form); p.status != http.StatusSeeOther {
		t.Fatalf("apply: %d", p.status)
	}
	for login, public := range map[string]bool{"ann": false, "ben": false, "cat": true} {
		if u, _ := s.svc.UserByLogin(context.Background(), login); u.FlagPublic != public {
			t.Errorf("%s public = %v", login, u.FlagPublic)
		}
	}
	flash := op.get("/users", false).doc.Find("[data-testid=flash]").Text()
	if !strings.Contains(flash, "done for 2 users") || !strings.Contains(flash, "ghost (There is no such user)") {
		t.Fatalf("report: %q", flash)
	}

	// Delete with the admin among them: the admin stays, the rest go.
	op.post("/users/bulk/apply", url.Values{"action": {"delete"}, "login": {"admin", "cat"}})
	if _, err := s.svc.UserByLogin(context.Background(), "cat"); err == nil {
		t.Fatal("cat not deleted")
	}
	if _, err := s.svc.UserByLogin(context.Background(), "admin"); err != nil {
		t.Fatal("admin deleted")
	}
	if f := op.get("/users", false).doc.Find("[data-testid=flash]").Text(); !strings.Contains(f, "admin (The admin account is protected") {
		t.Fatalf("admin refusal not reported: %q", f)
	}

	// Change type: a guest needs a password to become a user, so it is
	// refused for gus; ann becomes an operator.
	op.post("/users/bulk/apply", url.Values{"action": {"type_operator"}, "login": {"ann", "gus"}})
	if u, _ := s.svc.UserByLogin(context.Background(), "ann"); u.Type != users.TypeOperator {
		t.Fatal("ann not promoted")
	}
	if u, _ := s.svc.UserByLogin(context.Background(), "gus"); u.Type != users.TypeGuest {
		t.Fatal("gus promoted without a password")
	}
	if f := op.get("/users", false).doc.Find("[data-testid=flash]").Text(); !strings.Contains(f, "a guest becomes a user only with a password") {
		t.Fatalf("gus refusal: %q", f)
	}

	// Acting on yourself is said before it is done.
	if p := op.post("/users/bulk", url.Values{"action": {"type_user"}, "login": {"olga"}}); p.doc.Find("[data-testid=bulk-self]").Length() != 1 {
		t.Fatal("no warning when the operator is among the targets")
	}

	// Operators only.
	bob := s.member("bob")
	if p := bob.post("/users/bulk/apply", url.Values{"action": {"delete"}, "login": {"ann"}}); p.status != http.StatusForbidden {
		t.Fatalf("a user bulk-deleted: %d", p.status)
	}
}

func TestBulkRemoveTemporaryGuests(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	st := s.svc.Settings()
	st.AllowTemporaryGuests = true
	if err := s.svc.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, err := s.svc.LoginGuest(context.Background(), fmt.Sprintf("Temp %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	p := op.post("/users/bulk", url.Values{"action": {"remove_temporary"}})
	if n := p.doc.Find("[data-testid=bulk-plan] li").Length(); n != 3 {
		t.Fatalf("plan lists %d temporary guests", n)
	}
	form := url.Values{"action": {"remove_temporary"}, "login": {"olga"}} // not temporary: refused
	p.doc.Find("[data-testid=bulk-confirm-form] input[name=login]").Each(func(_ int, s *goquery.Selection) {
		form.Add("login", s.AttrOr("value", ""))
	})
	op.post("/users/bulk/apply", form)
	if got := op.get("/users", false).doc.Find("[data-testid=flash]").Text(); !strings.Contains(got, "olga (This is not a temporary guest)") {
		t.Fatalf("the report does not name olga's refusal in the domain's words: %q", got)
	}
	if n, _ := s.svc.Count(context.Background(), users.System(), users.ListQuery{TemporaryOnly: true}); n != 0 {
		t.Fatalf("%d temporary guests left", n)
	}
	if _, err := s.svc.UserByLogin(context.Background(), "olga"); err != nil {
		t.Fatal("olga removed as a temporary guest")
	}
	if p := op.post("/users/bulk", url.Values{"action": {"remove_temporary"}}); p.doc.Find("[data-testid=bulk-nothing]").Length() != 1 {
		t.Fatal("no 'nothing to do' page")
	}
}

func TestUserListCleanAddress(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	op := s.operator()
	// The filter form sent without JavaScript: empty keys go.
	p := op.get("/users?q=ol&type=&kind=&guests=&per_page=50&sort=&dir=", false)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/users?q=ol" {
		t.Fatalf("%d %q", p.status, p.header.Get("Location"))
	}
	// A user may be called "bulk": the bulk form's address takes POST only.
	s.create(t, "bulk", "Bulk", "user")
	if p := op.get("/users/bulk", false); p.status != 200 || p.doc.Find("article.profile").Length() != 1 {
		t.Fatalf("GET /users/bulk: %d", p.status)
	}
}
