package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestUserListFocusArrivesWithLiveContent: after paging or sorting, focus
// lands on the control used (or the caption) only once htmx has made the
// new table's links live, and no other swap (the header's count) takes it.
// A slow device is played by a long settle step: with focus put on the new
// table before it, the next key press or click on it loaded a plain page,
// the cause of TestUserListInBrowser/phone failing under load.
func TestUserListFocusArrivesWithLiveContent(t *testing.T) {
	s := newSite(t)
	s.operator()
	s.seedUsers(t, 80)
	browser := chrome(t)
	base := s.srv.URL
	ctx := tab(t, browser)
	do(t, ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
		chromedp.SendKeys(css("#username"), "olga"), chromedp.SendKeys(css("#password"), pw),
		chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")),
		chromedp.Navigate(base+"/users?per_page=25"), chromedp.WaitVisible(css("[data-testid=user-row]")))
	waitFor(t, ctx, `!document.getElementById("select-all").hidden`) // app.js ran
	// One page, never reloaded; settling takes 1.5 s, as on a busy phone.
	get(t, ctx, chromedp.Evaluate[bool](`window.samePage = true, htmx.config.defaultSettleDelay = 1500, true`))

	get(t, ctx, chromedp.Evaluate[bool](`window.scrollTo(0, document.body.scrollHeight), true`))
	do(t, ctx, chromedp.Click(css(`nav[aria-label="Pages, bottom"] a[rel=next]`)))
	waitFor(t, ctx, `document.activeElement && document.activeElement.id === "user-caption"`)
	// Focus came: the new links are live, and the table's top is in view.
	if !get(t, ctx, chromedp.Evaluate[bool](`!document.querySelector("#user-table.htmx-settling, #user-table .htmx-added") &&
		Math.abs(document.getElementById("user-table").getBoundingClientRect().top) < 2`)) {
		t.Fatal("focus came before the new table was live, or the table's top is not in view")
	}
	do(t, ctx, chromedp.Click(css(`a[data-focus=sort-nickname]`)))
	waitFor(t, ctx, `location.search.includes("sort=nickname") && document.activeElement && document.activeElement.getAttribute("data-focus") === "sort-nickname"`)
	// Enter on the focused control sorts the other way, still in place.
	do(t, ctx, chromedp.KeyEvent("\r"))
	waitFor(t, ctx, `location.search.includes("dir=desc") && document.activeElement && document.activeElement.getAttribute("data-focus") === "sort-nickname"`)

	// A swap of the header's count while a sort is on its way neither takes
	// the focus nor loses it.
	get(t, ctx, chromedp.Evaluate[bool](`htmx.config.defaultSettleDelay = 20, true`))
	p := newPauser(t, ctx)
	p.hold(t, "*sort=login*")
	do(t, ctx, chromedp.Click(css(`a[data-focus=sort-login]`)))
	id := p.next(t)
	get(t, ctx, chromedp.Evaluate[bool](`htmx.trigger(document.querySelector("[data-testid=online-now]"), "htmx:sseOpen"), true`))
	waitFor(t, ctx, `document.querySelector("[data-testid=online-now]").textContent.trim() === "1 online"`)
	p.resume(t, id)
	p.hold(t, "")
	waitFor(t, ctx, `location.search.includes("sort=login") && document.activeElement && document.activeElement.getAttribute("data-focus") === "sort-login"`)
	if !get(t, ctx, chromedp.Evaluate[bool](`window.samePage === true`)) {
		t.Fatal("the page was loaded again: a click went to a link htmx had not made live")
	}
}
