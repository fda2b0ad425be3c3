package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// axeClean runs axe-core on the page as it is now and fails the test on
// any violation, naming the state.
func axeClean(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	src := axeSource(t)
	if !get(t, ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`)) {
		get(t, ctx, chromedp.Evaluate[bool](src+"\n;true"))
	}
	res := get(t, ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))`,
		chromedp.EvalAwaitPromise))
	if res != "[]" {
		t.Errorf("axe, %s: %s", state, res)
	}
}

// pauser holds the browser's requests whose URL matches a pattern, so a
// test can look at the page while one is under way, then let it go on or
// fail.
type pauser struct {
	ctx    context.Context
	paused chan fetch.RequestID
}

func newPauser(t *testing.T, ctx context.Context) *pauser {
	p := &pauser{ctx: ctx, paused: make(chan fetch.RequestID, 8)}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			p.paused <- e.RequestID
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pauser) call(t *testing.T, f func(ctx context.Context, s *chromedp.Target) error) {
	t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Func(f)); err != nil {
		t.Fatal(err)
	}
}

// hold pauses the next requests whose URL matches pattern ("" stops).
func (p *pauser) hold(t *testing.T, pattern string) {
	t.Helper()
	p.call(t, func(ctx context.Context, s *chromedp.Target) error {
		if pattern == "" {
			_, err := cdp.Call(ctx, s, fetch.Disable, cdp.Empty{})
			return err
		}
		_, err := cdp.Call(ctx, s, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	})
}

// next waits for a held request.
func (p *pauser) next(t *testing.T) fetch.RequestID {
	t.Helper()
	select {
	case id := <-p.paused:
		return id
	case <-time.After(20 * time.Second):
		t.Fatal("no request was held")
		return ""
	}
}

func (p *pauser) resume(t *testing.T, id fetch.RequestID) {
	p.call(t, func(ctx context.Context, s *chromedp.Target) error {
		_, err := cdp.Call(ctx, s, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
		return err
	})
}

func (p *pauser) fail(t *testing.T, id fetch.RequestID) {
	p.call(t, func(ctx context.Context, s *chromedp.Target) error {
		_, err := cdp.Call(ctx, s, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonInternetDisconnected})
		return err
	})
}

// TestUserListInBrowser walks the list as an operator at a desktop and a
// phone width: search, "/", paging and sorting (focus and scroll), the
// loading and error states with Retry, the empty state with Clear filters,
// select all and a bulk action, with axe-core clean on every state.
func TestUserListInBrowser(t *testing.T) {
	s := newSite(t)
	s.operator()
	s.seedUsers(t, 120)
	s.create(t, "elo", "Élodie", "guest")
	browser := chrome(t)
	base := s.srv.URL
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := tab(t, browser)
			do(t, ctx, chromedp.EmulateViewport(vp.w, vp.h),
				chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("[data-testid=login-form]")),
				chromedp.SendKeys(css("#username"), "olga"), chromedp.SendKeys(css("#password"), pw),
				chromedp.Submit(css("[data-testid=login-form]")), chromedp.WaitVisible(css("[data-testid=user-search]")),
				chromedp.Navigate(base+"/users?per_page=25"), chromedp.WaitVisible(css("[data-testid=user-row]")))
			waitFor(t, ctx, `!document.getElementById("select-all").hidden`) // app.js ran
			axeClean(t, ctx, vp.name+" list")
			if w := get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); w > 0 {
				t.Errorf("the list is %d px wider than the screen", w)
			}
			if txt := get(t, ctx, chromedp.Text(css("[data-testid=online-now]"))); !strings.Contains(txt, "1 online") {
				t.Errorf("header count %q", txt)
			}
			shot(t, ctx, "users-list-"+vp.name)

			// "/" jumps to the search; a search finds inside names, accents aside.
			do(t, ctx, chromedp.KeyEvent("/"))
			waitFor(t, ctx, `document.activeElement && document.activeElement.id === "q"`)
			// chromedp sends the character apart from the keydown that app.js
			// cancels (a keyboard does not): clear what it typed.
			get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("q").value = "", true`))
			do(t, ctx, chromedp.KeyEvent("elodie"))
			waitFor(t, ctx, `location.search === "?q=elodie&per_page=25" && document.querySelectorAll("[data-testid=user-row]").length === 1 && !!document.querySelector("[data-login=elo]")`)
			waitFor(t, ctx, `document.getElementById("user-count").textContent.trim() === "1 user"`)
			if get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)) != "q" {
				t.Error("the search lost the focus after the swap")
			}

			// Nothing found: say so, offer to clear the filters.
			do(t, ctx, chromedp.Navigate(base+"/users?q=nobody-like-that&per_page=25"), chromedp.WaitVisible(css("[data-testid=list-empty]")))
			axeClean(t, ctx, vp.name+" empty")
			do(t, ctx, chromedp.Click(css("[data-testid=clear-filters]")), chromedp.WaitVisible(css("[data-testid=user-row]")))
			if loc := get(t, ctx, chromedp.Location()); strings.Contains(loc, "q=") || !strings.Contains(loc, "per_page=25") {
				t.Errorf("Clear filters led to %s", loc)
			}

			// Paging from the bottom pager: the table's top comes into view,
			// focus on its caption.
			do(t, ctx, chromedp.Navigate(base+"/users?per_page=25"), chromedp.WaitVisible(css("[data-testid=user-row]")))
			get(t, ctx, chromedp.Evaluate[bool](`window.scrollTo(0, document.body.scrollHeight), true`))
			do(t, ctx, chromedp.Click(css(`nav[aria-label="Pages, bottom"] a[rel=next]`)))
			waitFor(t, ctx, `document.querySelector("[data-testid=pagination]").textContent.includes("Page 2 of 5")`)
			waitFor(t, ctx, `document.activeElement && document.activeElement.id === "user-caption"`)
			waitFor(t, ctx, `Math.abs(document.getElementById("user-table").getBoundingClientRect().top) < 2`)
			// Sorting: focus stays on the column used.
			do(t, ctx, chromedp.Click(css(`a[data-focus=sort-nickname]`)))
			waitFor(t, ctx, `location.search.includes("sort=nickname") && document.activeElement && document.activeElement.getAttribute("data-focus") === "sort-nickname"`)

			// Loading: busy and said so while the answer is on its way.
			p := newPauser(t, ctx)
			p.hold(t, "*page=3*")
			do(t, ctx, chromedp.Click(css(`nav[aria-label="Pages, top"] a[aria-label="Page 3"]`)))
			id := p.next(t)
			waitFor(t, ctx, `document.getElementById("user-table").getAttribute("aria-busy") === "true" && !document.getElementById("list-progress").hidden`)
			axeClean(t, ctx, vp.name+" loading")
			shot(t, ctx, "users-loading-"+vp.name)
			p.resume(t, id)
			waitFor(t, ctx, `document.querySelector("[data-testid=pagination]").textContent.includes("Page 3 of 5") && document.getElementById("list-progress").hidden && !document.getElementById("user-table").hasAttribute("aria-busy")`)

			// Offline: an error line with Retry; the old rows are marked stale.
			p.hold(t, "*page=4*")
			do(t, ctx, chromedp.Click(css(`nav[aria-label="Pages, top"] a[aria-label="Page 4"]`)))
			p.fail(t, p.next(t))
			waitFor(t, ctx, `!document.getElementById("list-error").hidden && document.getElementById("user-table").classList.contains("stale")`)
			if txt := get(t, ctx, chromedp.Text(css("[data-testid=list-error]"))); !strings.Contains(txt, "no connection") || !strings.Contains(txt, "from before") {
				t.Errorf("error line %q", txt)
			}
			axeClean(t, ctx, vp.name+" error")
			shot(t, ctx, "users-error-"+vp.name)
			p.hold(t, "")
			do(t, ctx, chromedp.Click(css("[data-testid=list-retry]")))
			waitFor(t, ctx, `document.querySelector("[data-testid=pagination]").textContent.includes("Page 4 of 5") && document.getElementById("list-error").hidden`)

			// Select all, then a bulk action behind its confirmation.
			do(t, ctx, chromedp.Click(css("#select-all")))
			if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("input.row-select:checked").length`)); n != 25 {
				t.Errorf("select all ticked %d boxes", n)
			}
			do(t, ctx, chromedp.Click(css("#select-all")))
			first := get(t, ctx, chromedp.Evaluate[string](`document.querySelector("input.row-select").value`))
			do(t, ctx, chromedp.Click(css("input.row-select")), chromedp.SetValue(css("#bulk-action"), "private"),
				chromedp.Click(css("[data-testid=bulk-review]")), chromedp.WaitVisible(css("[data-testid=bulk-plan]")))
			if txt := get(t, ctx, chromedp.Text(css("[data-testid=bulk-plan]"))); !strings.Contains(txt, first) {
				t.Errorf("confirmation %q does not name %s", txt, first)
			}
			axeClean(t, ctx, vp.name+" bulk confirmation")
			shot(t, ctx, "users-bulk-"+vp.name)
			do(t, ctx, chromedp.Click(css("[data-testid=bulk-apply]")), chromedp.WaitVisible(css(".flash")))
			if txt := get(t, ctx, chromedp.Text(css(".flash"))); !strings.Contains(txt, "done for 1 user") {
				t.Errorf("report %q", txt)
			}
			do(t, ctx, chromedp.Navigate(base+"/users?q="+first), chromedp.WaitVisible(css(fmt.Sprintf("[data-login=%s] [data-testid=private]", first))))
		})
	}
}
